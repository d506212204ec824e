/**
 * Offline records → detection inputs through the one prepare path
 * (src/ingest/prepare, the same `prepareBatch` `sift run` calls), so a rule
 * test and `sift replay` see exactly the events, `_id`s, positions, future
 * flags and refusals `sift run` would.
 */
import { fieldsOf, type EcsEvent } from '../../ecs/index.js';
import { documentId, fallbackDocumentId, planSource, type RawRecord, type SourcePlan } from '../../ingest/index.js';
import { ErrorCode, failure, type Failure } from '../../shared/index.js';
import { parseRfc3339 } from '../runtime/time.js';

/** One event ready for detection, with its document `_id`. */
export interface PreparedEvent {
  readonly ok: true;
  readonly event: EcsEvent;
  readonly id: string;
}

export type Prepared = PreparedEvent | Failure;

/** `_id`s do not depend on the namespace; offline work uses this one. */
const OFFLINE_NAMESPACE = 'offline';
const plans = new Map<string, SourcePlan | undefined>();

/**
 * The source plan of a vendor (serializers built once per process), or
 * undefined for an unknown vendor. `namespace` only changes the target index
 * names (`sift replay --emit ecs` shows `sift run`'s), never the `_id`s.
 */
export function offlinePlan(vendor: string, namespace = OFFLINE_NAMESPACE): SourcePlan | undefined {
  const key = `${vendor}\n${namespace}`;
  if (!plans.has(key)) plans.set(key, planSource(vendor, namespace));
  return plans.get(key);
}

/**
 * A record as Kafka would hand it to `sift run`: `receivedMs` plays the
 * record timestamp (for offline input, the time it is read, as if a producer
 * sent it now), which bounds how far in the future an event may be dated.
 */
export function offlineRecord(topic: string, offset: number, value: Buffer, receivedMs: number): RawRecord {
  return { topic, partition: 0, offset: String(offset), timestamp: String(receivedMs), key: null, value };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An ECS document given directly (rule tests' `ecs:` events). It must carry
 * `@timestamp` and `event.dataset` of a known dataset: detection indexes rules
 * by dataset and windows by event time, so neither can be guessed.
 */
export function prepareEcs(value: unknown, salt: string): Prepared {
  if (!isObject(value)) return failure(ErrorCode.NormalizeNotObject, 'an ECS event must be an object');
  const event = value['event'];
  const dataset = isObject(event) ? event['dataset'] : undefined;
  const ts = value['@timestamp'];
  if (ts === undefined || ts === null) return failure(ErrorCode.NormalizeNoTimestamp, 'an ECS event needs an ISO 8601 @timestamp', '$["@timestamp"]');
  // The engine's own reader: an impossible date (2024-02-30) is refused, not rolled over.
  if (typeof ts !== 'string' || Number.isNaN(parseRfc3339(ts))) {
    return failure(ErrorCode.NormalizeBadTimestamp, `@timestamp ${JSON.stringify(ts)} is not an RFC 3339 date and time`, '$["@timestamp"]');
  }
  if (typeof dataset !== 'string') return failure(ErrorCode.NormalizeWrongType, 'an ECS event needs event.dataset', '$.event.dataset');
  if (!fieldsOf(dataset)) return failure(ErrorCode.NormalizeWrongType, `unknown dataset ${JSON.stringify(dataset)}`, '$.event.dataset');
  const vendorId = isObject(event) && typeof event['id'] === 'string' ? event['id'] : undefined;
  const id = vendorId !== undefined ? documentId(dataset, vendorId) : fallbackDocumentId(dataset, Buffer.from(`${salt}\n${JSON.stringify(value)}`));
  // The value is JSON from a YAML/JSON parser with the two fields checked above: an EcsEvent.
  return { ok: true, event: value as EcsEvent, id };
}

/** A Failure as one line: `SIFT_CODE at $.path: message`. */
export function describeFailure(f: Failure): string {
  return `${f.code}${f.path === undefined ? '' : ` at ${f.path}`}: ${f.message}`;
}
