import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { isObj } from '../../accessors.js';
import type { Source } from '../../source.js';
import { normalizeGithubAudit } from './audit.js';

/**
 * Unwraps the envelopes GitHub audit events arrive in. JSON arrays (the REST
 * API's pages) and NDJSON (S3/Blob/GCS stream files) are split before this.
 * - Azure Event Hubs batches: `{"records": [entry, …]}`;
 * - Splunk HEC events: `{"event": {entry}, "time": …, "sourcetype": …}`
 *   (an audit entry's own `event` key, on workflow actions, is a string);
 * - anything else that is an object is an entry.
 */
export function explodeGithub(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'a GitHub audit record must be a JSON object (or an array of them)');
  if (value['action'] === undefined) {
    const records = value['records'];
    if (Array.isArray(records)) return records;
    const event = value['event'];
    if (isObj(event)) return [event];
  }
  return [value];
}

/** GitHub audit log (REST API entries and audit log streaming). */
export const GITHUB: Source = { vendor: 'github', explode: explodeGithub, normalize: normalizeGithubAudit };
export { normalizeGithubAudit };
