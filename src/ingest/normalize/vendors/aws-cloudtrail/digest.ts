/**
 * CloudTrail digest files (log file integrity validation): one JSON object
 * per digest, delivered beside the log files. They have no eventTime; their
 * documented time is digestEndTime. Mapped like Elastic's AWS integration:
 * the digest's own object key is file.path, its details go to
 * aws.cloudtrail.flattened.digest.
 *
 * Format: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
 */
import type { EcsEvent, JsonObject } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { isoTimestamp, str, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { dropEmpty } from './java-text.js';
import { asJson, compact } from './util.js';

export const DATASET = 'aws.cloudtrail';

export function isDigest(rec: Obj): boolean {
  return !Object.hasOwn(rec, 'eventTime') && Object.hasOwn(rec, 'digestEndTime');
}

const time = (rec: Obj, key: string): string | undefined => {
  const v = str(rec, key);
  return v === undefined ? undefined : isoTimestamp(v);
};

export function normalizeDigest(rec: Obj, opts: NormalizeOptions): NormalizeResult {
  const end = rec['digestEndTime'];
  const timestamp = typeof end === 'string' ? isoTimestamp(end) : undefined;
  if (timestamp === undefined) return failure(ErrorCode.NormalizeBadTimestamp, 'CloudTrail digest "digestEndTime" is not an ISO 8601 timestamp', '$.digestEndTime');

  const object = str(rec, 'digestS3Object');
  // Elastic files the previous digest's signature as file.hash.sha256 when the chain uses SHA-256.
  const signature = str(rec, 'previousDigestHashAlgorithm') === 'SHA-256' ? str(rec, 'previousDigestSignature') : undefined;
  const digest: JsonObject | undefined = compact({
    log_files: asJson(dropEmpty(rec['logFiles'])),
    start_time: time(rec, 'digestStartTime'),
    end_time: timestamp,
    s3_bucket: str(rec, 'digestS3Bucket'),
    newest_event_time: time(rec, 'newestEventTime'),
    oldest_event_time: time(rec, 'oldestEventTime'),
    previous_s3_bucket: str(rec, 'previousDigestS3Bucket'),
    previous_hash_algorithm: str(rec, 'previousDigestHashAlgorithm'),
    public_key_fingerprint: str(rec, 'digestPublicKeyFingerprint') ?? str(rec, 'publicKeyFingerprint'),
    signature_algorithm: str(rec, 'digestSignatureAlgorithm'),
  });

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: { kind: 'event', dataset: DATASET, module: 'aws', type: ['info'], outcome: 'success', original: opts.original },
    cloud: compact({ provider: 'aws', account: compact({ id: str(rec, 'awsAccountId') }), region: str(rec, 'awsRegion') }),
    file: compact({ path: object, hash: compact({ sha256: signature }) }),
    related: compact({ hash: signature === undefined ? undefined : [signature] }),
    aws: { cloudtrail: { flattened: compact({ digest }) } },
  };
  // The digest object key names exactly one digest.
  return { ok: true, event, vendorId: object === undefined ? undefined : `digest:${object}` };
}
