import { Partitioners } from 'kafkajs';
import { generateOkta } from '../src/generate/index.js';
import type { RawRecord } from '../src/ingest/index.js';
import { planSource, prepareBatch } from '../src/pipeline/index.js';
import { createEngine, decodeKeyed, detectInputs, encodeKeyed, loadRules, type CompiledRule, type DetectInput, type KeyedInput } from '../src/rules/index.js';
import { packageRoot } from '../src/shared/index.js';
import { median, time, type PairResult } from './harness.js';

/**
 * What keyed mode (rules.stateful: keyed) costs in CPU per event, next to
 * local mode, over the same prepared Okta events and the shipped rules:
 *
 *   (a) local:  engine.partition(raw scope).evaluate(batch)
 *   (b) ingest: engine.route(raw scope, batch) + encodeKeyed of every keyed input
 *   (c) detect: decodeKeyed of every keyed record + evaluateKeyed per keyed partition
 *
 * The three sides run in the same round, in an order that rotates each round,
 * and the ratio (b + c) / a is the median of the per-round ratios (as
 * harness.ts pairs two sides). No Kafka and no Elasticsearch: the produce and
 * fetch of the extra hop are the keyed-latency benchmark's business.
 */
const EVENTS = 20_000;
const BATCH = 1000;
/** As many raw partitions as keyed ones (both default to 6 here). */
const RAW_PARTITIONS = 6;
const KEYED_PARTITIONS = 6;

export interface KeyedCost {
  name: string;
  events: number;
  rounds: number;
  rules: number;
  us_per_event: { local: number; keyed_ingest: number; keyed_detect: number; keyed_total: number };
  /** Median over rounds of (b + c) / a. */
  ratio: number;
  keyed_records_per_event: number;
  bytes_per_keyed_record: number;
  /** Alerts each side raised in one pass: equal, or keyed mode changed what fires. */
  detections: { local: number; keyed: number };
}


/** Generated Okta records, prepared once, cut into 1,000-event batches dealt round-robin over the raw partitions. */
function rawBatches(): { scope: string; inputs: DetectInput[] }[] {
  const plan = planSource('okta', 'default');
  if (!plan) throw new Error('no okta source plan');
  const texts = [...generateOkta({ count: EVENTS, seed: 11, start: new Date('2026-01-01T00:00:00Z') })];
  const batches: { scope: string; inputs: DetectInput[] }[] = [];
  const opts = { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false };
  for (let i = 0; i < texts.length; i += BATCH) {
    const p = i / BATCH;
    const partition = p % RAW_PARTITIONS;
    // Offsets grow per partition, as Kafka numbers them.
    const base = Math.floor(p / RAW_PARTITIONS) * BATCH;
    const records: RawRecord[] = texts.slice(i, i + BATCH).map((text, k) => ({ topic: 'bench.raw', partition, offset: String(base + k), timestamp: '0', key: null, value: Buffer.from(text) }));
    batches.push({ scope: `bench.raw/${partition}`, inputs: detectInputs(prepareBatch(records, plan, opts)) });
  }
  return batches;
}

/** kafkajs's default partitioner (murmur2 of the key, as the Java client): where Sift's producer puts each keyed record. */
function keyedPartitioner(): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: KEYED_PARTITIONS }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return (key) => partitioner({ topic: 'bench.keyed', partitionMetadata, message: { key, value: null } });
}

export function benchKeyed(rounds = 15, warmup = 3): KeyedCost {
  const rules: CompiledRule[] = [...loadRules([`${packageRoot()}/rules`]).rules];
  const batches = rawBatches();
  const events = batches.reduce((n, b) => n + b.inputs.length, 0);
  const partitionOf = keyedPartitioner();

  // The keyed topic as (c) will read it, from one pass of (b); built once
  // outside the timed rounds so that (c) reads identical records every round.
  const keyedTopic: { key: string; value: string }[][] = Array.from({ length: KEYED_PARTITIONS }, () => []);
  let keyedRecords = 0;
  let keyedBytes = 0;
  let keyedDetections = 0;
  {
    const engine = createEngine(rules);
    for (const b of batches) {
      const routed = engine.route(b.scope, b.inputs);
      keyedDetections += routed.detections.length;
      for (const k of routed.keyed) {
        const value = encodeKeyed(k);
        keyedTopic[partitionOf(k.key)]?.push({ key: k.key, value });
        keyedRecords++;
        keyedBytes += Buffer.byteLength(k.key) + Buffer.byteLength(value);
      }
    }
    const detect = createEngine(rules);
    for (let p = 0; p < KEYED_PARTITIONS; p++) {
      const records = keyedTopic[p] ?? [];
      for (let i = 0; i < records.length; i += BATCH) {
        const inputs = records.slice(i, i + BATCH).map((r) => decodeKeyed(r.key, r.value)).filter((d): d is KeyedInput => typeof d !== 'string');
        keyedDetections += detect.partition(`bench.keyed/${p}`).evaluateKeyed(inputs).length;
      }
    }
  }
  const keyedBatches = keyedTopic.map((records, p) => {
    const out: { scope: string; records: { key: string; value: string }[] }[] = [];
    for (let i = 0; i < records.length; i += BATCH) out.push({ scope: `bench.keyed/${p}`, records: records.slice(i, i + BATCH) });
    return out;
  }).flat();

  let sink = 0;
  let localDetections = 0;
  // A fresh engine per round and side: windows (and the route's watermarks) start empty every time.
  const sides = {
    local: (): void => {
      const engine = createEngine(rules);
      let n = 0;
      for (const b of batches) n += engine.partition(b.scope).evaluate(b.inputs).length;
      localDetections = n;
      sink += n;
    },
    ingest: (): void => {
      const engine = createEngine(rules);
      for (const b of batches) {
        const routed = engine.route(b.scope, b.inputs);
        sink += routed.detections.length;
        for (const k of routed.keyed) sink += encodeKeyed(k).length;
      }
    },
    detect: (): void => {
      const engine = createEngine(rules);
      for (const b of keyedBatches) {
        const inputs: KeyedInput[] = [];
        for (const r of b.records) {
          const d = decodeKeyed(r.key, r.value);
          if (typeof d !== 'string') inputs.push(d);
        }
        sink += engine.partition(b.scope).evaluateKeyed(inputs).length;
      }
    },
  };
  const order = ['local', 'ingest', 'detect'] as const;
  for (let i = 0; i < warmup; i++) for (const s of order) sides[s]();
  const t = { local: [] as number[], ingest: [] as number[], detect: [] as number[] };
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    globalThis.gc?.();
    const round = { local: 0, ingest: 0, detect: 0 };
    // Rotate who goes first, so no side always gets the warmer cache.
    for (let k = 0; k < order.length; k++) {
      const s = order[(i + k) % order.length] as (typeof order)[number];
      round[s] = time(sides[s]);
    }
    t.local.push(round.local);
    t.ingest.push(round.ingest);
    t.detect.push(round.detect);
    ratios.push((round.ingest + round.detect) / round.local);
  }
  if (sink < 0) throw new Error('unreachable');
  const per = (xs: number[]): number => round3(median(xs) / events);
  const totals = t.ingest.map((x, i) => x + (t.detect[i] as number));
  return {
    name: `keyed.cost (${rules.length} shipped rules, ${events} generated Okta events, ${RAW_PARTITIONS} raw → ${KEYED_PARTITIONS} keyed partitions)`,
    events,
    rounds,
    rules: rules.length,
    us_per_event: { local: per(t.local), keyed_ingest: per(t.ingest), keyed_detect: per(t.detect), keyed_total: per(totals) },
    ratio: round3(median(ratios)),
    keyed_records_per_event: round3(keyedRecords / events),
    bytes_per_keyed_record: Math.round(keyedBytes / Math.max(1, keyedRecords)),
    detections: { local: localDetections, keyed: keyedDetections },
  };
}

/** The same figures in the shape run.ts prints for every pair: subject = keyed (b + c), baseline = local (a). */
export function keyedAsPair(k: KeyedCost): PairResult {
  return {
    name: k.name,
    items: k.events,
    rounds: k.rounds,
    subject: { name: 'keyed: route+encode, decode+evaluateKeyed', us_per_item: k.us_per_event.keyed_total, items_per_s: Math.round(1e6 / k.us_per_event.keyed_total) },
    baseline: { name: 'local: partition().evaluate()', us_per_item: k.us_per_event.local, items_per_s: Math.round(1e6 / k.us_per_event.local) },
    ratio: k.ratio,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
