import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { isObj, obj, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import type { Source } from '../../source.js';
import { normalizeZoomActivity, normalizeZoomOperation } from './reports.js';
import { normalizeZoomWebhook } from './webhook.js';

/**
 * A record is one Zoom event, or a whole Report API page:
 * `GET /report/operationlogs` (`{"operation_logs":[…]}`) or
 * `GET /report/activities` (`{"activity_logs":[…]}`), split into its logs.
 * Arrays and NDJSON are split before this.
 */
export function explodeZoom(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'Zoom record is not a JSON object', '$');
  for (const key of ['operation_logs', 'activity_logs']) {
    if (!Object.hasOwn(value, key)) continue;
    const logs = value[key];
    if (Array.isArray(logs)) return logs;
    return failure(ErrorCode.DecodeUnknownSource, `Zoom report page has an "${key}" member that is not an array`, `$.${key}`);
  }
  return [value];
}

const has = (o: Obj, ...keys: string[]): boolean => keys.some((k) => Object.hasOwn(o, k));

/**
 * The dataset follows from the documented shape of the record: a webhook has
 * `event` (+ `payload`/`event_ts`), possibly under Filebeat's `zoom` wrapper;
 * an operation log has `operation_detail`/`category_type`/`operator`; an
 * activity log has `type`/`client_type`/`email`/`ip_address`.
 */
export function normalizeZoom(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'Zoom event is not a JSON object', '$');
  const wrapped = obj(raw, 'zoom');
  if (typeof wrapped?.['event'] === 'string') return normalizeZoomWebhook(raw, opts);
  if (typeof raw['event'] === 'string' && (isObj(raw['payload']) || has(raw, 'event_ts'))) return normalizeZoomWebhook(raw, opts);
  if (has(raw, 'operation_detail', 'category_type', 'operator')) return normalizeZoomOperation(raw, opts);
  if (has(raw, 'type', 'client_type', 'email', 'ip_address')) return normalizeZoomActivity(raw, opts);
  return failure(ErrorCode.DecodeUnknownSource, 'not a Zoom webhook, operation log or activity log', '$');
}

/** Zoom: Report API operation and activity logs, and webhook notifications. */
export const ZOOM: Source = { vendor: 'zoom', explode: explodeZoom, normalize: normalizeZoom };
export { normalizeZoomActivity, normalizeZoomOperation, normalizeZoomWebhook };
