import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { isObj, type Obj } from '../../accessors.js';
import type { Source } from '../../source.js';
import { normalizeSlackAudit } from './audit.js';

/**
 * An audit entry names its action, its id or its time; a page carries none of
 * these. An entry that also carries an `"entries":[]` key is still an entry.
 */
const isEntry = (o: Obj): boolean => o['action'] !== undefined || o['id'] !== undefined || o['date_create'] !== undefined;

/**
 * A record is either one audit entry or a whole page of
 * `GET /audit/v1/logs` (`{"entries":[…],"response_metadata":{…}}`), which is
 * split into its entries. Arrays and NDJSON are split before this. A page
 * with no entries yields a Failure (SIFT_DECODE_NO_EVENTS), never nothing.
 */
export function explodeSlack(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'Slack audit record is not a JSON object', '$');
  const entries = value['entries'];
  if (entries === undefined || isEntry(value)) return [value];
  if (!Array.isArray(entries)) return failure(ErrorCode.DecodeUnknownSource, 'Slack audit page has an "entries" member that is not an array', '$.entries');
  return entries.length > 0 ? entries : failure(ErrorCode.DecodeNoEvents, 'Slack audit page has an empty "entries" list', '$.entries');
}

/** Slack Audit Logs API: one dataset, `slack.audit`. */
export const SLACK: Source = { vendor: 'slack', explode: explodeSlack, normalize: normalizeSlackAudit };
export { normalizeSlackAudit };
