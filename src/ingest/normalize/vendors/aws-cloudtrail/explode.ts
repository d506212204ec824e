/**
 * The ways CloudTrail records reach a Kafka topic, unwrapped into single
 * records (JSON arrays and NDJSON lines are split before this):
 *
 * - one record, as CloudTrail Lake, Firehose or a forwarder writes it;
 * - the S3 log file `{"Records":[…]}` (also CloudTrail digest files, which
 *   are one object);
 * - an EventBridge event `{"detail-type":"AWS API Call via CloudTrail",
 *   "detail":{record}}` (also "AWS Console Sign In via CloudTrail",
 *   "AWS Service Event via CloudTrail", "AWS Insight via CloudTrail", …);
 * - a CloudWatch Logs subscription payload (trail → log group → Kinesis or
 *   Firehose), `{"messageType":"DATA_MESSAGE","logEvents":[{"message":"<record>"}]}`,
 *   already gunzipped; CONTROL_MESSAGE health checks carry no events.
 *
 * Every record yields at least one unit or a Failure: an envelope with no
 * events (an empty log file, a health check) is refused with
 * SIFT_DECODE_NO_EVENTS, never exploded into nothing.
 *
 * Formats: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html,
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { nestingExceeds } from '../../../decode/index.js';
import { arr, isObj, str, type Obj } from '../../accessors.js';

/** An S3 event notification also has Records: it points at log files, it is not one. */
function isS3Notification(rec: unknown): boolean {
  return isObj(rec) && str(rec, 'eventSource') === 'aws:s3' && isObj(rec['s3']);
}

/** A CloudWatch message is JSON text inside the record: the record's own depth check never saw inside it. */
const MAX_MESSAGE_DEPTH = 64;

function parseMessage(message: unknown): unknown {
  if (typeof message !== 'string') return message;
  // Too deep to hand on: normalize() reports the string as "not an object".
  if (nestingExceeds(Buffer.from(message), MAX_MESSAGE_DEPTH)) return message;
  try {
    return JSON.parse(message) as unknown;
  } catch {
    // normalize() reports the string as "not an object" with its reason.
    return message;
  }
}

function fromCloudWatchLogs(value: Obj): readonly unknown[] | Failure {
  // A health check of the destination: consumed, so it must leave a trace, but there is nothing to index.
  if (value['messageType'] === 'CONTROL_MESSAGE') {
    return failure(ErrorCode.DecodeNoEvents, 'CloudWatch Logs CONTROL_MESSAGE (a destination health check) carries no CloudTrail event', '$.messageType');
  }
  const events = arr(value, 'logEvents');
  if (!events) return failure(ErrorCode.DecodeUnknownSource, 'CloudWatch Logs DATA_MESSAGE has no "logEvents" list', '$.logEvents');
  if (events.length === 0) return failure(ErrorCode.DecodeNoEvents, 'CloudWatch Logs DATA_MESSAGE has an empty "logEvents" list', '$.logEvents');
  return events.map((e) => parseMessage(isObj(e) ? e['message'] : e));
}

/**
 * A CloudTrail record names its event (camelCase, or lower-cased as Athena
 * and Glue export it); no envelope does. Checked first, so a record that also
 * carries an envelope key (`"Records":[]`) is still indexed: a StopLogging
 * call must never vanish as an "empty log file".
 */
const RECORD_KEYS = ['eventName', 'eventID', 'eventname', 'eventid'] as const;
const isRecord = (value: Obj): boolean => RECORD_KEYS.some((k) => typeof value[k] === 'string');

export function explodeCloudTrail(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'a CloudTrail record or envelope must be a JSON object', '$');
  if (isRecord(value)) return [value];

  const records = value['Records'];
  if (records !== undefined) {
    if (!Array.isArray(records)) return failure(ErrorCode.DecodeUnknownSource, 'CloudTrail log file "Records" is not a list', '$.Records');
    if (records.length === 0) return failure(ErrorCode.DecodeNoEvents, 'CloudTrail log file has an empty "Records" list', '$.Records');
    if (records.some(isS3Notification)) {
      return failure(ErrorCode.DecodeUnknownSource, 'this is an S3 event notification, not a CloudTrail log file: fetch the object it names first', '$.Records');
    }
    return records;
  }

  const detailType = value['detail-type'];
  if (typeof detailType === 'string') {
    const detail = value['detail'];
    if (!detailType.endsWith('via CloudTrail')) {
      return failure(ErrorCode.DecodeUnknownSource, `EventBridge event of type ${JSON.stringify(detailType.slice(0, 100))} is not a CloudTrail event`, '$.detail-type');
    }
    if (!isObj(detail)) return failure(ErrorCode.NormalizeNotObject, 'EventBridge CloudTrail event has no "detail" object', '$.detail');
    return [detail];
  }

  if (typeof value['messageType'] === 'string' && (Object.hasOwn(value, 'logEvents') || value['messageType'] === 'CONTROL_MESSAGE')) {
    return fromCloudWatchLogs(value);
  }
  return [value];
}
