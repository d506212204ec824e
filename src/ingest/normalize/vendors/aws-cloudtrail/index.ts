import type { Source } from '../../source.js';
import { normalizeCloudTrail } from './cloudtrail.js';
import { explodeCloudTrail } from './explode.js';

/**
 * AWS CloudTrail: single records, S3 log files ({"Records":[…]}), EventBridge
 * events and CloudWatch Logs subscription payloads (see explode.ts); every
 * record becomes one `aws.cloudtrail` document.
 */
export const AWS_CLOUDTRAIL: Source = { vendor: 'aws_cloudtrail', explode: explodeCloudTrail, normalize: normalizeCloudTrail };
export { normalizeCloudTrail, explodeCloudTrail };
