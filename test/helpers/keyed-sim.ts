/**
 * Keyed mode without Kafka, for unit tests: events go through the prepare
 * step of `sift run` (decode, explode, normalize), the ingest side routes each
 * source batch (`engine.route`), every keyed input is encoded to the keyed
 * topic's record format and decoded back (as the detect stage reads it), lands
 * on a keyed partition chosen by a hash of its Kafka key, and the detect side
 * (its own engine, as in `sift run`) applies each partition's records in
 * order. The hash is FNV-1a, not Kafka's murmur2: any deterministic function
 * of the key gives the property under test (one group, one partition).
 */
import { expect } from 'vitest';
import { prepareBatch } from '../../src/ingest/index.js';
import { compileRule, decodeKeyed, detectInputs, encodeKeyed, formatIssue, parseRuleFile, type CompiledRule, type DetectInput, type Detection, type Engine, type KeyedInput } from '../../src/rules/index.js';
import { offlinePlan } from '../../src/rules/testing/index.js';

/** 2026-03-02T09:00:00Z plus `min` minutes and `sec` seconds, as a vendor writes it. */
export function at(min: number, sec = 0): string {
  return new Date(Date.parse('2026-03-02T09:00:00.000Z') + min * 60_000 + sec * 1000).toISOString();
}

/** One rule from YAML text, through the parser and compiler `sift run` uses. */
export function compile(text: string): CompiledRule {
  const parsed = parseRuleFile(text, 'keyed-test.yml');
  expect(parsed.issues.map(formatIssue)).toEqual([]);
  const compiled = compileRule(parsed.rule as NonNullable<typeof parsed.rule>);
  expect(compiled.issues.map(formatIssue)).toEqual([]);
  return compiled.rule as CompiledRule;
}

/** The header every test rule shares; `body` adds detection, aggregation, suppression. */
export function ruleText(id: string, datasets: readonly string[], body: string): string {
  return `id: ${id}\nname: ${id}\ndescription: keyed-mode unit test rule\nversion: 1\nseverity: high\nscope: {datasets: [${datasets.join(', ')}]}\n${body}`;
}

/** A source partition's batch: records of one vendor on `scope` (`topic/partition`). */
export interface SourceBatch {
  readonly scope: string;
  readonly inputs: readonly DetectInput[];
}

/**
 * Records (value text, offset) of `vendor` on `scope` through prepare, as
 * detection sees them. `receivedMs` is the record timestamp: events dated
 * beyond it + 5 min are flagged future, as with the default max_future_skew.
 */
export function sourceBatch(vendor: string, scope: string, records: readonly { offset: number; value: string }[], receivedMs = Date.parse(at(600))): SourceBatch {
  const plan = offlinePlan(vendor);
  if (plan === undefined) throw new Error(`no ${vendor} plan`);
  const slash = scope.lastIndexOf('/');
  const raw = records.map((r) => ({ topic: scope.slice(0, slash), partition: Number(scope.slice(slash + 1)), offset: String(r.offset), timestamp: String(receivedMs), key: null, value: Buffer.from(r.value) }));
  const prepared = prepareBatch(raw, plan, { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false, maxFutureSkewMs: 5 * 60_000 });
  expect(prepared.dead.map((d) => d.code)).toEqual([]);
  return { scope, inputs: detectInputs(prepared) };
}

/** Vendor event id (Okta uuid, CloudTrail eventID) of each document `_id` in the batches: expectations name vendor ids. */
export function vendorIds(batches: readonly SourceBatch[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of batches) for (const i of b.inputs) out.set(i.id, String(i.event.event.id));
  return out;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The keyed topic in memory: per partition, the records as written (key, value text). */
export class KeyedTopic {
  readonly logs: { key: string; value: string }[][];
  readonly partitions: number;
  private readonly read: number[];
  constructor(partitions: number) {
    this.partitions = partitions;
    this.logs = Array.from({ length: partitions }, () => []);
    this.read = Array.from({ length: partitions }, () => 0);
  }

  partitionOf(key: string): number {
    return fnv1a(key) % this.partitions;
  }

  /** The ingest stage's write: each input encoded as the keyed record format. */
  write(keyed: readonly KeyedInput[]): void {
    for (const k of keyed) this.logs[this.partitionOf(k.key)]?.push({ key: k.key, value: encodeKeyed(k) });
  }

  /** Records of partition `p` not read yet, decoded as the detect stage decodes them. */
  next(p: number): KeyedInput[] {
    const log = this.logs[p] ?? [];
    const out: KeyedInput[] = [];
    for (let o = this.read[p] ?? 0; o < log.length; o++) {
      const r = log[o] as { key: string; value: string };
      const decoded = decodeKeyed(r.key, r.value);
      if (typeof decoded === 'string') throw new Error(`keyed record ${p}@${o} refused: ${decoded}`);
      out.push(decoded);
    }
    this.read[p] = log.length;
    return out;
  }

  /** Rewinds partition `p` to keyed offset `offset` (a detect-stage crash before its commit). */
  seek(p: number, offset: number): void {
    this.read[p] = offset;
  }
}

/** What a keyed run produced: the ingest side's immediate detections and the detect side's. */
export interface KeyedRun {
  readonly routed: Detection[];
  readonly detected: Detection[];
  readonly keyed: KeyedInput[];
}

/** Routes the batches in order, writes them to `topic`, then lets `detect` consume every partition. */
export function runKeyed(ingest: Engine, detect: Engine, topic: KeyedTopic, batches: readonly SourceBatch[]): KeyedRun {
  const routed: Detection[] = [];
  const keyed: KeyedInput[] = [];
  for (const b of batches) {
    const r = ingest.route(b.scope, b.inputs);
    routed.push(...r.detections);
    keyed.push(...r.keyed);
    topic.write(r.keyed);
  }
  return { routed, detected: drain(detect, topic), keyed };
}

/** The detect stage's pass over every keyed partition's unread records. */
export function drain(detect: Engine, topic: KeyedTopic): Detection[] {
  const out: Detection[] = [];
  for (let p = 0; p < topic.partitions; p++) {
    const inputs = topic.next(p);
    if (inputs.length > 0) out.push(...detect.partition(`k/${p}`).evaluateKeyed(inputs));
  }
  return out;
}

/** Local mode over the same batches: windows per source partition. */
export function runLocal(engine: Engine, batches: readonly SourceBatch[]): Detection[] {
  const out: Detection[] = [];
  for (const b of batches) out.push(...engine.partition(b.scope).evaluate(b.inputs));
  return out;
}

/** A detection as the tests write it by hand: rule, group key, count, vendor ids of its events. */
export interface Expected {
  readonly rule: string;
  readonly group: string;
  readonly count: number;
  readonly events: readonly string[];
}

export function summary(detections: readonly Detection[], ids: ReadonlyMap<string, string>): Expected[] {
  return detections
    .map((d) => ({ rule: d.rule.spec.id, group: d.groupKey, count: d.count, events: d.eventIds.map((id) => ids.get(id) ?? `?${id}`) }))
    .sort((a, b) => (a.rule + a.group < b.rule + b.group ? -1 : a.rule + a.group > b.rule + b.group ? 1 : 0));
}
