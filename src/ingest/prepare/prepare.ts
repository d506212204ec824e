import { createSerializer, datasetsOf, fieldsOf, indexAlias, type EcsEvent, type Serializer } from '../ecs/index.js';
import {
  decodeRecord,
  documentId,
  enrichUserAgent,
  isoFromIntegerMs,
  fallbackDocumentId,
  sourceFor,
  type DecodeLimits,
  type IndexDoc,
  type NormalizeResult,
  type RawRecord,
  type Source,
} from '../ingest/index.js';
import { ErrorCode, Stage, describeError, failure, type Failure } from '../shared/index.js';
import type { DeadLetter } from './dead-letter.js';

interface DatasetTarget {
  readonly alias: string;
  readonly serialize: Serializer;
}

/** Everything the hot path needs for one source, decided once at setup. */
export interface SourcePlan {
  readonly source: Source;
  /** dataset → where its documents go and how they are written. */
  readonly targets: ReadonlyMap<string, DatasetTarget>;
}

export function planSource(vendor: string, namespace: string): SourcePlan | undefined {
  const source = sourceFor(vendor);
  if (!source) return undefined;
  const targets = new Map<string, DatasetTarget>();
  for (const dataset of datasetsOf(vendor)) {
    const fields = fieldsOf(dataset);
    if (fields) targets.set(dataset, { alias: indexAlias(dataset, namespace), serialize: createSerializer(fields) });
  }
  return { source, targets };
}

export interface Prepared {
  /** Documents to index; `origins[i]` is where `docs[i]` came from. */
  readonly docs: IndexDoc[];
  readonly origins: DocOrigin[];
  readonly dead: DeadLetter[];
}

export interface DocOrigin {
  readonly record: RawRecord;
  readonly dataset: string;
  /** Position of the event within its record (records may hold many). */
  readonly eventIndex: number;
  /** The normalized event, for detection (which runs between normalize and index). */
  readonly event: EcsEvent;
}

export interface PrepareOptions {
  readonly limits: DecodeLimits;
  readonly keepOriginal: boolean;
}

/** Pure stages return a list or a Failure; a readonly array does not narrow with Array.isArray. */
function isFailure<T>(v: readonly T[] | Failure): v is Failure {
  return !Array.isArray(v);
}

/**
 * The Kafka record timestamp (epoch ms as text) as ISO 8601, when it is one.
 * Computed per record on the hot path, so by arithmetic rather than a Date.
 */
function receiptTime(timestamp: string): string | undefined {
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) && ms > 0 ? isoFromIntegerMs(ms) : undefined;
}

function normalizeSafely(source: Source, raw: unknown, original: string | undefined, receivedAt: string | undefined): NormalizeResult {
  try {
    return source.normalize(raw, { original, receivedAt });
  } catch (err) {
    // Normalizers are written not to throw; if one does, that is a Sift bug,
    // and the event still must not vanish.
    return failure(ErrorCode.Internal, `normalizer threw: ${describeError(err)}`);
  }
}

/**
 * decode → explode → normalize → enrich → serialize for one batch. Pure: every event
 * of every record comes out either as a document or as a dead letter with its
 * reason, never neither. Records may hold many events (NDJSON lines, JSON
 * arrays, vendor envelopes such as CloudTrail's Records).
 */
export function prepareBatch(records: readonly RawRecord[], plan: SourcePlan, opts: PrepareOptions): Prepared {
  const docs: IndexDoc[] = [];
  const origins: DocOrigin[] = [];
  const dead: DeadLetter[] = [];
  const vendor = plan.source.vendor;
  for (const record of records) {
    const letter = (f: Failure, stage: Stage, eventIndex?: number): void => {
      dead.push({ record, dataset: vendor, stage, code: f.code, message: f.message, path: f.path, eventIndex });
    };
    const values = decodeRecord(record.value, opts.limits);
    if (isFailure(values)) {
      letter(values, Stage.Decode);
      continue;
    }
    const receivedAt = receiptTime(record.timestamp);
    let eventIndex = 0;
    for (const decoded of values) {
      if (!decoded.ok) {
        letter(decoded, Stage.Decode, eventIndex++);
        continue;
      }
      // A JSON array in a record is a batch of events (the Okta API returns them so).
      const candidates = Array.isArray(decoded.value) ? decoded.value : [decoded.value];
      for (const candidate of candidates) {
        const units = plan.source.explode(candidate);
        if (isFailure(units)) {
          letter(units, Stage.Decode, eventIndex++);
          continue;
        }
        const single = values.length === 1 && candidates.length === 1 && units.length === 1;
        for (const unit of units) {
          const index = eventIndex++;
          const original = opts.keepOriginal ? (single ? decoded.text : JSON.stringify(unit)) : undefined;
          const result = normalizeSafely(plan.source, unit, original, receivedAt);
          if (result.ok !== true) {
            letter(result, Stage.Normalize, index);
            continue;
          }
          enrichUserAgent(result.event);
          const dataset = result.event.event.dataset;
          const target = plan.targets.get(dataset);
          if (!target) {
            letter(failure(ErrorCode.Internal, `normalizer emitted undeclared dataset ${JSON.stringify(dataset)}`), Stage.Normalize, index);
            continue;
          }
          const id =
            result.vendorId !== undefined
              ? documentId(dataset, result.vendorId)
              : fallbackDocumentId(dataset, Buffer.from(`${index}\n${decoded.text}`));
          docs.push({ index: target.alias, id, source: target.serialize(result.event) });
          origins.push({ record, dataset, eventIndex: index, event: result.event });
        }
      }
    }
  }
  return { docs, origins, dead };
}
