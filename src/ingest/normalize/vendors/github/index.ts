import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { isObj, type Obj } from '../../accessors.js';
import type { Source } from '../../source.js';
import { normalizeGithubAudit } from './audit.js';

/**
 * An audit entry names its action, its id or its time; the envelopes carry
 * none of these. An entry that also carries an envelope key (`"records":[]`)
 * is still an entry, never an empty batch.
 */
const isEntry = (o: Obj): boolean => o['action'] !== undefined || o['_document_id'] !== undefined || o['@timestamp'] !== undefined || o['created_at'] !== undefined;

/**
 * Unwraps the envelopes GitHub audit events arrive in. JSON arrays (the REST
 * API's pages) and NDJSON (S3/Blob/GCS stream files) are split before this.
 * - Azure Event Hubs batches: `{"records": [entry, …]}`;
 * - Splunk HEC events: `{"event": {entry}, "time": …, "sourcetype": …}`
 *   (an audit entry's own `event` key, on workflow actions, is a string);
 * - anything else that is an object is an entry.
 *
 * Every record yields at least one unit or a Failure: an empty batch is
 * refused with SIFT_DECODE_NO_EVENTS.
 */
export function explodeGithub(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'a GitHub audit record must be a JSON object (or an array of them)');
  if (!isEntry(value)) {
    const records = value['records'];
    if (Array.isArray(records)) {
      return records.length > 0 ? records : failure(ErrorCode.DecodeNoEvents, 'Event Hubs batch has an empty "records" list', '$.records');
    }
    const event = value['event'];
    if (isObj(event)) return [event];
  }
  return [value];
}

/** GitHub audit log (REST API entries and audit log streaming). */
export const GITHUB: Source = { vendor: 'github', explode: explodeGithub, normalize: normalizeGithubAudit };
export { normalizeGithubAudit };
