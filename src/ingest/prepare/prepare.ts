/**
 * The one prepare path: raw Kafka records → documents to index (with their
 * origin, for detection) and dead letters. `sift run`, `sift replay` and
 * `sift rules test` all go through `prepareBatch`, so what one accepts, counts
 * and refuses is exactly what the others do.
 *
 * Accounting (the invariant tests check over every source): every record
 * yields at least one document or at least one dead letter, never neither,
 * and every stage (decode, explode, normalize, enrichment, serialization, id
 * hashing, event.original) runs guarded: a throw becomes a dead letter with
 * its code, never a stalled partition (kafkajs would refetch a batch whose
 * handler threw, forever).
 */
import { createSerializer, datasetsOf, fieldsOf, indexAlias, type EcsEvent, type Serializer } from '../../ecs/index.js';
import { ErrorCode, describeError, failure, type Failure } from '../../shared/index.js';
import { decodeRecord, type DecodeLimits, type DecodedValue } from '../decode/index.js';
import { enrichGeoIp, type GeoIp } from '../geoip/index.js';
import type { IndexDoc } from '../indexer/index.js';
import type { RawRecord } from '../kafka/index.js';
import { documentId, enrichUserAgent, fallbackDocumentId, isoFromIntegerMs, sourceFor, type NormalizeResult, type Source } from '../normalize/index.js';
import { stageOf, type DeadLetter } from './dead-letter.js';

interface DatasetTarget {
  readonly alias: string;
  readonly serialize: Serializer;
}

/** Bytes of one record → its values (or why not): JSON/NDJSON by default, Avro for `format: avro` topics. */
export type RecordDecoder = (bytes: Uint8Array | null, limits: DecodeLimits) => readonly (DecodedValue | Failure)[] | Failure;

/** Everything the hot path needs for one source, decided once at setup. */
export interface SourcePlan {
  readonly source: Source;
  /** How the topic's records decode; unset: JSON (decodeRecord). */
  readonly decode?: RecordDecoder;
  /** dataset → where its documents go and how they are written. */
  readonly targets: ReadonlyMap<string, DatasetTarget>;
  /** The vendor's only dataset, which a dead letter can name before normalize; null when it has several. */
  readonly soleDataset: string | null;
}

export function planSource(vendor: string, namespace: string): SourcePlan | undefined {
  const source = sourceFor(vendor);
  if (!source) return undefined;
  const targets = new Map<string, DatasetTarget>();
  for (const dataset of datasetsOf(vendor)) {
    const fields = fieldsOf(dataset);
    if (fields) targets.set(dataset, { alias: indexAlias(dataset, namespace), serialize: createSerializer(fields) });
  }
  const only = [...targets.keys()];
  return { source, targets, soleDataset: only.length === 1 ? (only[0] ?? null) : null };
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
  /**
   * Its time lies beyond the record's timestamp + `maxFutureSkewMs`: tagged
   * `future_timestamp`, indexed, and kept away from stateful windows.
   */
  readonly future: boolean;
}

export interface PrepareOptions {
  readonly limits: DecodeLimits;
  readonly keepOriginal: boolean;
  /** How far ahead of its record's timestamp an event may be (`rules.max_future_skew`); undefined: no bound. */
  readonly maxFutureSkewMs?: number;
  /** GeoIP/ASN databases, loaded at setup (`enrich.geoip`); undefined: no `*.geo.*` / `*.as.*` enrichment. */
  readonly geoip?: GeoIp;
}

/** The tag a document gets when its time is beyond its record's timestamp + the allowed skew. */
export const FUTURE_TAG = 'future_timestamp';

/** Pure stages return a list or a Failure; a readonly array does not narrow with Array.isArray. */
function isFailure<T>(v: readonly T[] | Failure): v is Failure {
  return !Array.isArray(v);
}

/** A Kafka record timestamp (epoch ms as text) as a number, when it is one. */
function receiptMs(timestamp: string): number | undefined {
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/** A throw inside a stage as a Failure: stack exhaustion is a too-deep input, anything else a Sift bug. */
function thrown(what: string, err: unknown): Failure {
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return failure(ErrorCode.DecodeTooDeep, `${what}: the event nests too deeply to process (${err.message})`);
  }
  return failure(ErrorCode.Internal, `${what} threw: ${describeError(err)}`);
}

function normalizeSafely(source: Source, raw: unknown, original: string | undefined, receivedAt: string | undefined): NormalizeResult {
  try {
    return source.normalize(raw, { original, receivedAt });
  } catch (err) {
    // Normalizers are written not to throw; if one does, that is a Sift bug,
    // and the event still must not vanish.
    return thrown('normalizer', err);
  }
}

function explodeSafely(source: Source, candidate: unknown): readonly unknown[] | Failure {
  try {
    return source.explode(candidate);
  } catch (err) {
    return thrown('envelope reader', err);
  }
}

function addTag(event: EcsEvent, tag: string): void {
  const tags = event.tags;
  if (Array.isArray(tags)) {
    if (!tags.includes(tag)) tags.push(tag);
  } else {
    event.tags = [tag];
  }
}

/** Per record: what the unit loop needs to know about it. */
interface RecordContext {
  readonly record: RawRecord;
  readonly receivedAt: string | undefined;
  /** Event times above this are in the future; Infinity when unbounded. */
  readonly futureAfterMs: number;
}

/**
 * One unit of a record → a document (pushed to `out`) or a Failure. Every
 * step that can throw on hostile input (event.original of a deep unit,
 * enrichment, serialization) is inside the caller's guard.
 */
function prepareUnit(
  ctx: RecordContext,
  plan: SourcePlan,
  opts: PrepareOptions,
  unit: unknown,
  index: number,
  /** The value's text, read only when needed: an Avro value's is made on demand (src/ingest/decode/avro.ts). */
  decoded: DecodedValue,
  single: boolean,
  out: Prepared,
): Failure | undefined {
  const original = opts.keepOriginal ? (single ? decoded.text : JSON.stringify(unit)) : undefined;
  const result = normalizeSafely(plan.source, unit, original, ctx.receivedAt);
  if (result.ok !== true) return result;
  const event = result.event;
  enrichUserAgent(event);
  if (opts.geoip) enrichGeoIp(event, opts.geoip);
  const dataset = event.event.dataset;
  const target = plan.targets.get(dataset);
  if (!target) return failure(ErrorCode.Internal, `normalizer emitted undeclared dataset ${JSON.stringify(dataset)}`);
  // Unbounded (no skew, no record timestamp): no time to parse per event.
  const future = ctx.futureAfterMs !== Infinity && Date.parse(event['@timestamp']) > ctx.futureAfterMs;
  if (future) addTag(event, FUTURE_TAG);
  // The fallback id hashes the value's text and the unit's index in the
  // record: byte-identical redeliveries dedupe, two units never share one.
  const id = result.vendorId !== undefined ? documentId(dataset, result.vendorId) : fallbackDocumentId(dataset, Buffer.from(`${index}\n${decoded.text}`));
  const source = target.serialize(event);
  out.docs.push({ index: target.alias, id, source });
  out.origins.push({ record: ctx.record, dataset, eventIndex: index, event, future });
  return undefined;
}

/**
 * decode → explode → normalize → enrich → serialize for one batch. Pure: every
 * event of every record comes out either as a document or as a dead letter
 * with its reason, and every record as at least one of them. Records may hold
 * many events (NDJSON lines, JSON arrays, vendor envelopes such as
 * CloudTrail's Records); each keeps its index in the record.
 */
export function prepareBatch(records: readonly RawRecord[], plan: SourcePlan, opts: PrepareOptions): Prepared {
  const out: Prepared = { docs: [], origins: [], dead: [] };
  const vendor = plan.source.vendor;
  const skew = opts.maxFutureSkewMs;
  for (const record of records) {
    const before = out.docs.length + out.dead.length;
    // The stage follows the code, not which step noticed: Okta's explode and
    // Zoom's normalize both refuse unknown shapes (docs/dead-letter.md).
    const letter = (f: Failure, eventIndex?: number): void => {
      out.dead.push({ record, vendor, dataset: plan.soleDataset, stage: stageOf(f.code), code: f.code, message: f.message, path: f.path, eventIndex });
    };
    const values = (plan.decode ?? decodeRecord)(record.value, opts.limits);
    if (isFailure(values)) {
      letter(values);
      continue;
    }
    const received = receiptMs(record.timestamp);
    const ctx: RecordContext = {
      record,
      receivedAt: received === undefined ? undefined : isoFromIntegerMs(received),
      futureAfterMs: received === undefined || skew === undefined ? Infinity : received + skew,
    };
    let eventIndex = 0;
    for (const decoded of values) {
      if (!decoded.ok) {
        letter(decoded, eventIndex++);
        continue;
      }
      // A JSON array in a record is a batch of events (the Okta API returns them so).
      const candidates = Array.isArray(decoded.value) ? decoded.value : [decoded.value];
      for (const candidate of candidates) {
        const units = explodeSafely(plan.source, candidate);
        if (isFailure(units)) {
          letter(units, eventIndex++);
          continue;
        }
        const single = values.length === 1 && candidates.length === 1 && units.length === 1;
        for (const unit of units) {
          const index = eventIndex++;
          let failed: Failure | undefined;
          try {
            failed = prepareUnit(ctx, plan, opts, unit, index, decoded, single, out);
          } catch (err) {
            // Enrichment, serialization, hashing or event.original threw on this unit.
            failed = thrown('preparing the event', err);
          }
          if (failed !== undefined) letter(failed, index);
        }
      }
    }
    // An envelope with no events (`[]`, `{"Records":[]}`, a Pub/Sub batch of
    // nothing) is still a consumed record: it must leave a trace.
    if (out.docs.length + out.dead.length === before) {
      letter(failure(ErrorCode.DecodeNoEvents, 'record holds no event (an empty batch or envelope)'));
    }
  }
  return out;
}
