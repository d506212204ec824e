import { createSerializer, fieldsOf, indexAlias, type Serializer } from '../ecs/index.js';
import {
  decodeJson,
  documentId,
  fallbackDocumentId,
  normalizerFor,
  type DecodeLimits,
  type IndexDoc,
  type Normalizer,
  type NormalizeResult,
  type RawRecord,
} from '../ingest/index.js';
import { ErrorCode, Stage, describeError, failure } from '../shared/index.js';
import type { DeadLetter } from './dead-letter.js';

/** Everything the hot path needs for one dataset, decided once at setup. */
export interface DatasetPlan {
  readonly dataset: string;
  readonly alias: string;
  readonly normalize: Normalizer;
  readonly serialize: Serializer;
}

export function planDataset(dataset: string, namespace: string): DatasetPlan | undefined {
  const normalize = normalizerFor(dataset);
  const fields = fieldsOf(dataset);
  if (!normalize || !fields) return undefined;
  return { dataset, alias: indexAlias(dataset, namespace), normalize, serialize: createSerializer(fields) };
}

export interface Prepared {
  /** Documents to index; `records[i]` is where `docs[i]` came from. */
  readonly docs: IndexDoc[];
  readonly records: RawRecord[];
  readonly dead: DeadLetter[];
}

export interface PrepareOptions {
  readonly limits: DecodeLimits;
  readonly keepOriginal: boolean;
}

/**
 * decode → normalize → serialize for one batch. Pure: every record comes out
 * either as a document or as a dead letter with its reason, never neither.
 */
export function prepareBatch(records: readonly RawRecord[], plan: DatasetPlan, opts: PrepareOptions): Prepared {
  const docs: IndexDoc[] = [];
  const kept: RawRecord[] = [];
  const dead: DeadLetter[] = [];
  for (const record of records) {
    const decoded = decodeJson(record.value, opts.limits);
    if (!decoded.ok) {
      dead.push({ record, dataset: plan.dataset, stage: Stage.Decode, code: decoded.code, message: decoded.message });
      continue;
    }
    const original = opts.keepOriginal && record.value ? record.value.toString('utf8') : undefined;
    let result: NormalizeResult;
    try {
      result = plan.normalize(decoded.value, { original });
    } catch (err) {
      // Normalizers are written not to throw; if one does, that is a Sift bug,
      // and the record still must not vanish.
      result = failure(ErrorCode.Internal, `normalizer threw: ${describeError(err)}`);
    }
    if (result.ok !== true) {
      dead.push({ record, dataset: plan.dataset, stage: Stage.Normalize, code: result.code, message: result.message, path: result.path });
      continue;
    }
    const id =
      result.vendorId !== undefined
        ? documentId(plan.dataset, result.vendorId)
        : fallbackDocumentId(plan.dataset, record.value ?? new Uint8Array(0));
    docs.push({ index: plan.alias, id, source: plan.serialize(result.event) });
    kept.push(record);
  }
  return { docs, records: kept, dead };
}
