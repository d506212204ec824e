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
  if (value['messageType'] === 'CONTROL_MESSAGE') return [];
  const events = arr(value, 'logEvents');
  if (!events) return failure(ErrorCode.DecodeUnknownSource, 'CloudWatch Logs DATA_MESSAGE has no "logEvents" list', '$.logEvents');
  return events.map((e) => parseMessage(isObj(e) ? e['message'] : e));
}

export function explodeCloudTrail(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'a CloudTrail record or envelope must be a JSON object', '$');

  const records = value['Records'];
  if (records !== undefined) {
    if (!Array.isArray(records)) return failure(ErrorCode.DecodeUnknownSource, 'CloudTrail log file "Records" is not a list', '$.Records');
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
