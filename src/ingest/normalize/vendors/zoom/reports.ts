/**
 * Zoom Report API logs → ECS: `zoom.operation` (admin operation logs) and
 * `zoom.activity` (sign-in / sign-out activity).
 *
 * Vendor schema (Zoom REST API v2):
 * - `GET /report/operationlogs` → `operation_logs[]`: time, operator,
 *   category_type, action, operation_detail.
 * - `GET /report/activities` → `activity_logs[]`: email, time, type,
 *   ip_address, client_type, version.
 * https://developers.zoom.us/docs/api/accounts/#tag/reports
 *
 * Mapping and `zoom.*` names follow Elastic's Zoom integration (data streams
 * `operation` and `activity`). Neither log has an id: the document id is a
 * composite of every documented field (see docs/sources/zoom.md).
 */
import type { EcsEvent } from '../../../../ecs/index.js';
import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { ip, str, type Obj } from '../../accessors.js';
import { isoTimestamp } from '../../timestamp.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { compact, listOf } from './util.js';

export const OPERATION = 'zoom.operation';
export const ACTIVITY = 'zoom.activity';

/** `time`: ISO 8601 as Zoom returns it ("2024-06-07T10:00:00Z"); a zone-less time is UTC. */
function timeOf(raw: Obj): string | Failure {
  const v = raw['time'];
  if (v === undefined || v === null || v === '') return failure(ErrorCode.NormalizeNoTimestamp, 'Zoom report log has no time', '$.time');
  const iso = typeof v === 'string' ? isoTimestamp(v) : undefined;
  return iso ?? failure(ErrorCode.NormalizeBadTimestamp, 'Zoom report log time is not an ISO 8601 timestamp', '$.time');
}

export function normalizeZoomOperation(raw: Obj, opts: NormalizeOptions): NormalizeResult {
  const timestamp = timeOf(raw);
  if (typeof timestamp !== 'string') return timestamp;
  const action = str(raw, 'action');
  const categoryType = str(raw, 'category_type');
  const detail = str(raw, 'operation_detail');
  const operator = str(raw, 'operator');

  // Every operation log is a configuration change; user and role changes are IAM too.
  const subject = categoryType?.toLowerCase() ?? '';
  const verb = action?.toLowerCase() ?? '';
  const creation = verb.includes('create') || verb.includes('add');
  const deletion = verb.includes('delete') || verb.includes('remove');
  const type = ['change'];
  if (creation) type.push('creation');
  if (deletion) type.push('deletion');
  if (!creation && !deletion) type.push('info');

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: {
      kind: 'event',
      dataset: OPERATION,
      module: 'zoom',
      action,
      category: subject.includes('user') || subject.includes('role') ? ['configuration', 'iam'] : ['configuration'],
      type,
      original: opts.original,
    },
    user: compact({ name: operator, email: operator?.includes('@') ? operator : undefined }),
    related: compact({ user: listOf(operator) }),
    zoom: { operation: compact({ action, category_type: categoryType, operation_detail: detail }) },
  };
  return { ok: true, event, vendorId: JSON.stringify([timestamp, operator, categoryType, action, detail]) };
}

const SIGN_IN = 'sign in';
const SIGN_OUT = 'sign out';

export function normalizeZoomActivity(raw: Obj, opts: NormalizeOptions): NormalizeResult {
  const timestamp = timeOf(raw);
  if (typeof timestamp !== 'string') return timestamp;
  const type = str(raw, 'type');
  const email = str(raw, 'email');
  const sourceIp = ip(raw, 'ip_address');
  const clientType = str(raw, 'client_type');
  const version = str(raw, 'version');
  const kind = type?.toLowerCase();
  const session = kind === SIGN_IN || kind === SIGN_OUT;

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: {
      kind: 'event',
      dataset: ACTIVITY,
      module: 'zoom',
      action: kind === SIGN_IN ? 'sign-in' : kind === SIGN_OUT ? 'sign-out' : undefined,
      category: session ? ['authentication', 'session'] : undefined,
      type: kind === SIGN_IN ? ['start'] : kind === SIGN_OUT ? ['end'] : undefined,
      outcome: session ? 'success' : undefined,
      original: opts.original,
    },
    user: compact({ name: email, email }),
    source: compact({ ip: sourceIp }),
    related: compact({ user: listOf(email), ip: listOf(sourceIp) }),
    zoom: { activity: compact({ type, client_type: clientType, client_version: version }) },
  };
  return { ok: true, event, vendorId: JSON.stringify([timestamp, email, type, str(raw, 'ip_address'), clientType, version]) };
}
