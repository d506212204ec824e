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
  // An event that also carries a page key (`"operation_logs":[]`) is still an event.
  if (shapeOf(value) !== undefined) return [value];
  for (const key of ['operation_logs', 'activity_logs']) {
    if (!Object.hasOwn(value, key)) continue;
    const logs = value[key];
    if (!Array.isArray(logs)) return failure(ErrorCode.DecodeUnknownSource, `Zoom report page has an "${key}" member that is not an array`, `$.${key}`);
    // A page with no logs yields a Failure, never nothing.
    return logs.length > 0 ? logs : failure(ErrorCode.DecodeNoEvents, `Zoom report page has an empty "${key}" list`, `$.${key}`);
  }
  return [value];
}

const has = (o: Obj, ...keys: string[]): boolean => keys.some((k) => Object.hasOwn(o, k));

type Shape = 'webhook' | 'operation' | 'activity';

/**
 * The documented shape of a record: a webhook has `event` (+
 * `payload`/`event_ts`), possibly under Filebeat's `zoom` wrapper; an
 * operation log has `operation_detail`/`category_type`/`operator`; an
 * activity log has `type`/`client_type`/`email`/`ip_address`. A Report API
 * page has none of these.
 */
function shapeOf(raw: Obj): Shape | undefined {
  const wrapped = obj(raw, 'zoom');
  if (typeof wrapped?.['event'] === 'string') return 'webhook';
  if (typeof raw['event'] === 'string' && (isObj(raw['payload']) || has(raw, 'event_ts'))) return 'webhook';
  if (has(raw, 'operation_detail', 'category_type', 'operator')) return 'operation';
  if (has(raw, 'type', 'client_type', 'email', 'ip_address')) return 'activity';
  return undefined;
}

/** The dataset follows from the documented shape of the record (see shapeOf). */
export function normalizeZoom(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'Zoom event is not a JSON object', '$');
  switch (shapeOf(raw)) {
    case 'webhook':
      return normalizeZoomWebhook(raw, opts);
    case 'operation':
      return normalizeZoomOperation(raw, opts);
    case 'activity':
      return normalizeZoomActivity(raw, opts);
    default:
      return failure(ErrorCode.DecodeUnknownSource, 'not a Zoom webhook, operation log or activity log', '$');
  }
}

/** Zoom: Report API operation and activity logs, and webhook notifications. */
export const ZOOM: Source = { vendor: 'zoom', explode: explodeZoom, normalize: normalizeZoom };
export { normalizeZoomActivity, normalizeZoomOperation, normalizeZoomWebhook };
