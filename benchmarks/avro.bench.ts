import avro from 'avsc';
import { OKTA_AVRO_SCHEMA_V2, generateOkta } from '../src/generate/index.js';
import { decodeAvroRecord, frameWire, parseAvroSchema, type RawRecord } from '../src/ingest/index.js';
import { planSource, prepareBatch, type SourcePlan } from '../src/pipeline/index.js';
import { comparePair, type PairResult } from './harness.js';

/**
 * Issue 16: an Avro topic against a JSON topic carrying the same events.
 * Subject: the Confluent wire format (header → cached writer schema → avsc
 * decode → plain values) + the Okta normalizer + _id + serializer. Baseline:
 * the same events as JSON through the same prepareBatch. Both in batches of
 * 1,000, as Kafka fetches deliver them; the schema is already cached (the
 * per-record path never asks the registry).
 */
const BATCH = 1000;
const COUNT = 20_000;

export interface AvroCost {
  readonly pair: PairResult;
  /** Avro bytes / JSON bytes of the same events. */
  readonly bytes_ratio: number;
}

const toRecords = (values: Buffer[]): RawRecord[] => values.map((value, i) => ({ topic: 'bench', partition: 0, offset: String(i), timestamp: '0', key: null, value }));

export function benchAvro(): AvroCost {
  const plan = planSource('okta', 'default');
  if (!plan) throw new Error('okta must have a plan');
  const texts = [...generateOkta({ count: COUNT, seed: 42, start: new Date('2026-01-01T00:00:00Z') })];
  const writer = avro.Type.forSchema(OKTA_AVRO_SCHEMA_V2 as unknown as avro.Schema, { wrapUnions: 'never' });
  const schema = parseAvroSchema(OKTA_AVRO_SCHEMA_V2);
  const avroPlan: SourcePlan = { ...plan, decode: (bytes, limits) => decodeAvroRecord(bytes, limits, { schemaOf: () => schema }) };
  const json = toRecords(texts.map((t) => Buffer.from(t)));
  const binary = toRecords(texts.map((t) => frameWire(1, writer.toBuffer(JSON.parse(t)))));
  const opts = { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false };
  // Same documents from both, or the comparison is meaningless.
  const a = prepareBatch(binary, avroPlan, opts);
  const j = prepareBatch(json, plan, opts);
  if (a.dead.length > 0 || j.dead.length > 0 || a.docs.some((d, i) => d.source !== j.docs[i]?.source)) throw new Error('avro and json documents differ');
  let sink = 0;
  const run = (records: RawRecord[], p: SourcePlan) => () => {
    for (let i = 0; i < records.length; i += BATCH) sink += prepareBatch(records.slice(i, i + BATCH), p, opts).docs.length;
  };
  const pair = comparePair('avro.okta', COUNT, { name: 'avro decode+normalize+serialize', run: run(binary, avroPlan) }, { name: 'json decode+normalize+serialize', run: run(json, plan) });
  if (sink === 0) throw new Error('unreachable');
  const bytes = (rs: RawRecord[]): number => rs.reduce((n, r) => n + (r.value?.length ?? 0), 0);
  return { pair, bytes_ratio: Math.round((bytes(binary) / bytes(json)) * 1000) / 1000 };
}
