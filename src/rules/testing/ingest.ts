/**
 * Raw vendor values and ECS documents → detection inputs, offline. The same
 * steps as the pipeline's prepare stage (explode → normalize → enrich → `_id`),
 * without serializing or indexing, so that a rule test and `sift replay` see
 * exactly the events `sift run` would hand to detection.
 */
import { fieldsOf, type EcsEvent } from '../../ecs/index.js';
import { documentId, enrichUserAgent, fallbackDocumentId, type NormalizeResult, type Source } from '../../ingest/index.js';
import { ErrorCode, describeError, failure, type Failure } from '../../shared/index.js';

/** One event ready for detection, with its document `_id`. */
export interface PreparedEvent {
  readonly ok: true;
  readonly event: EcsEvent;
  readonly id: string;
}

export type Prepared = PreparedEvent | Failure;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalizeSafely(source: Source, unit: unknown): NormalizeResult {
  try {
    return source.normalize(unit, { original: undefined, receivedAt: undefined });
  } catch (err) {
    // Normalizers are written never to throw; one that does is a Sift bug, reported like a bad event.
    return failure(ErrorCode.Internal, `normalizer threw: ${describeError(err)}`);
  }
}

/**
 * One decoded raw value → its events (a vendor envelope may hold many, a
 * JSON array is a batch as in the pipeline). Every unit comes out as an event
 * or as a Failure, never neither. `salt` keeps fallback ids of byte-identical
 * events at different positions distinct (the pipeline salts with the event's
 * index in its record for the same reason).
 */
export function prepareRaw(source: Source, value: unknown, salt: string): Prepared[] {
  const out: Prepared[] = [];
  const candidates = Array.isArray(value) ? value : [value];
  for (const candidate of candidates) {
    const units = source.explode(candidate);
    if (!Array.isArray(units)) {
      out.push(units as Failure);
      continue;
    }
    for (const unit of units) {
      const result = normalizeSafely(source, unit);
      if (result.ok !== true) {
        out.push(result);
        continue;
      }
      enrichUserAgent(result.event);
      const dataset = result.event.event.dataset;
      if (!fieldsOf(dataset)) {
        out.push(failure(ErrorCode.Internal, `normalizer emitted undeclared dataset ${JSON.stringify(dataset)}`));
        continue;
      }
      const id =
        result.vendorId !== undefined
          ? documentId(dataset, result.vendorId)
          : fallbackDocumentId(dataset, Buffer.from(`${salt}\n${out.length}\n${JSON.stringify(unit)}`));
      out.push({ ok: true, event: result.event, id });
    }
  }
  return out;
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
  if (typeof value['@timestamp'] !== 'string' || Number.isNaN(Date.parse(value['@timestamp']))) {
    return failure(ErrorCode.NormalizeNoTimestamp, 'an ECS event needs an ISO 8601 @timestamp', '$["@timestamp"]');
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
