import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { isObj } from '../../accessors.js';
import type { Source } from '../../source.js';
import { normalizeSlackAudit } from './audit.js';

/**
 * A record is either one audit entry or a whole page of
 * `GET /audit/v1/logs` (`{"entries":[…],"response_metadata":{…}}`), which is
 * split into its entries. Arrays and NDJSON are split before this.
 */
export function explodeSlack(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'Slack audit record is not a JSON object', '$');
  const entries = value['entries'];
  if (entries === undefined) return [value];
  if (Array.isArray(entries)) return entries;
  return failure(ErrorCode.DecodeUnknownSource, 'Slack audit page has an "entries" member that is not an array', '$.entries');
}

/** Slack Audit Logs API: one dataset, `slack.audit`. */
export const SLACK: Source = { vendor: 'slack', explode: explodeSlack, normalize: normalizeSlackAudit };
export { normalizeSlackAudit };
