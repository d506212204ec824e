/**
 * The delivery shapes of Cloud Audit Logs that reach Kafka, unwrapped into
 * LogEntry objects:
 *
 * - a LogEntry itself (Cloud Logging sink to Pub/Sub → Kafka connector that
 *   forwards the message body, or an export file line);
 * - a Pub/Sub push request `{"message":{"data":"<base64>",…},"subscription":…}`
 *   (https://cloud.google.com/pubsub/docs/push#receive_push);
 * - a Pub/Sub message `{"data":"<base64>","attributes":{…},"messageId":…}`
 *   (https://cloud.google.com/pubsub/docs/reference/rest/v1/PubsubMessage);
 * - a batch of those: `{"messages":[…]}` or a pull response
 *   `{"receivedMessages":[{"ackId":…,"message":{…}}]}`;
 * - a Cloud Logging `entries.list` response `{"entries":[LogEntry…]}`
 *   (https://cloud.google.com/logging/docs/reference/v2/rest/v2/entries/list).
 *
 * JSON arrays (sink export batches) are split before this runs.
 */
import { isUtf8 } from 'node:buffer';
import { nestingExceeds, parseJsonExact } from '../../../decode/index.js';
import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { arr, isObj, obj, type Obj } from '../../accessors.js';

/** Largest decoded Pub/Sub payload accepted (Pub/Sub itself caps messages at 10 MB). */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
/**
 * Deepest nesting accepted inside a Pub/Sub payload. The outer record was
 * depth-checked by decode, the base64 text inside it was not; Kubernetes
 * managedFields are the deepest real payloads and stay far below this.
 */
export const MAX_PAYLOAD_DEPTH = 100;
/** Most messages taken from one batch envelope. */
export const MAX_BATCH = 10_000;

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** One Pub/Sub message's `data` → the LogEntry (or entries) it carries. */
function decodeData(data: unknown, where: string): readonly unknown[] | Failure {
  if (typeof data !== 'string' || data === '') return failure(ErrorCode.DecodeUnknownSource, 'Pub/Sub message has no "data"', `${where}.data`);
  // Base64 is 4 characters per 3 bytes: refuse before allocating anything big.
  if (Math.floor((data.length * 3) / 4) > MAX_PAYLOAD_BYTES + 2) {
    return failure(ErrorCode.DecodeTooLarge, `Pub/Sub "data" decodes to more than ${MAX_PAYLOAD_BYTES} bytes`, `${where}.data`);
  }
  if (!BASE64.test(data)) return failure(ErrorCode.DecodeNotJson, 'Pub/Sub "data" is not base64', `${where}.data`);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length === 0) return failure(ErrorCode.DecodeEmpty, 'Pub/Sub "data" decodes to nothing', `${where}.data`);
  if (!isUtf8(bytes)) return failure(ErrorCode.DecodeNotUtf8, 'Pub/Sub "data" is not UTF-8 text', `${where}.data`);
  if (nestingExceeds(bytes, MAX_PAYLOAD_DEPTH)) {
    return failure(ErrorCode.DecodeTooDeep, `Pub/Sub "data" nests deeper than ${MAX_PAYLOAD_DEPTH}`, `${where}.data`);
  }
  let value: unknown;
  try {
    value = parseJsonExact(bytes.toString('utf8'));
  } catch {
    // GKE cluster notifications and other non-Logging topics carry plain text.
    return failure(ErrorCode.DecodeNotJson, 'Pub/Sub "data" is not a JSON LogEntry', `${where}.data`);
  }
  if (Array.isArray(value)) {
    return value.length > 0 ? value : failure(ErrorCode.DecodeNoEvents, 'Pub/Sub "data" is an empty list of LogEntries', `${where}.data`);
  }
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'Pub/Sub "data" is JSON but not a LogEntry object', `${where}.data`);
  return [value];
}

const isPubSubMessage = (o: Obj): boolean => typeof o['data'] === 'string' && o['protoPayload'] === undefined;
const failed = (r: readonly unknown[] | Failure): r is Failure => !Array.isArray(r);

/** The LogEntries of a list of Pub/Sub messages (or pull-response items wrapping them). */
function decodeMessages(list: readonly unknown[], key: string): readonly unknown[] | Failure {
  if (list.length > MAX_BATCH) return failure(ErrorCode.DecodeTooLarge, `"${key}" holds more than ${MAX_BATCH} messages`, `$.${key}`);
  if (list.length === 0) return failure(ErrorCode.DecodeNoEvents, `"${key}" holds no Pub/Sub message`, `$.${key}`);
  const out: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const message = isObj(item) && isObj(item['message']) ? item['message'] : item;
    if (!isObj(message)) return failure(ErrorCode.DecodeUnknownSource, 'a Pub/Sub batch element is not a message object', `$.${key}[${i}]`);
    const entries = decodeData(message['data'], `$.${key}[${i}]`);
    if (failed(entries)) return entries;
    for (const e of entries) out.push(e);
  }
  return out;
}

/**
 * A LogEntry names its log, its entry or its payload; no envelope does. Such
 * a record is an entry even when it also carries an envelope key (an empty
 * `"messages":[]`), so it is never exploded into nothing.
 */
const isLogEntry = (o: Obj): boolean => o['protoPayload'] !== undefined || typeof o['logName'] === 'string' || typeof o['insertId'] === 'string';

/**
 * Unwraps one decoded record into LogEntries. Anything that is not a known
 * envelope is passed on as is: the normalizer says what is wrong with it.
 * A batch with one bad message fails as a whole, so the record is
 * dead-lettered intact and can be replayed after a fix. An envelope with no
 * entry at all fails with SIFT_DECODE_NO_EVENTS: every record yields at
 * least one unit or a Failure.
 */
export function explodeGcpAudit(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'a GCP audit record must be a JSON object (LogEntry or Pub/Sub message)', '$');
  if (isLogEntry(value)) return [value];
  // Push request: `subscription` is always there; be lenient when a relay dropped it.
  const push = obj(value, 'message');
  if (push && value['protoPayload'] === undefined && (typeof value['subscription'] === 'string' || push['data'] !== undefined)) {
    return decodeData(push['data'], '$.message');
  }
  if (isPubSubMessage(value)) return decodeData(value['data'], '$');
  for (const key of ['messages', 'receivedMessages']) {
    const list = arr(value, key);
    if (list) return decodeMessages(list, key);
  }
  const entries = arr(value, 'entries');
  if (entries) {
    if (entries.length > MAX_BATCH) return failure(ErrorCode.DecodeTooLarge, `"entries" holds more than ${MAX_BATCH} log entries`, '$.entries');
    if (entries.length === 0) return failure(ErrorCode.DecodeNoEvents, '"entries" holds no LogEntry', '$.entries');
    return entries;
  }
  return [value];
}
