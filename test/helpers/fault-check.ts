/**
 * Shared logic of the fault tests (test/faults/): a workload whose outcome is
 * known in advance, and the check that every produced event ended up where
 * it must, exactly once.
 *
 * The workload is generated Okta traffic (with malformed records) packed as
 * it really arrives (test/helpers/okta-workload.ts): single LogEvents, API
 * pages and NDJSON records of several events, a few out of order and a few
 * late, hostile events inside the packed records. Records go to seeded random
 * partitions, not keyed by user: real shippers key by anything, so a brute
 * force may be spread over partitions.
 *
 * Where events must end up comes from outside Sift: the expected `_id`s and
 * dead letters (partition/offset, with the event index for an event inside a
 * record, and the reason code) are decided by okta-workload.ts's own reading
 * of the record bytes and the documented id formula.
 *
 * The expected alerts still come from Sift's engine: prepareBatch normalizes
 * each partition's records and the rules engine evaluates their events one at
 * a time, in position order (partition, offset, event index), each under its
 * independently expected `_id`. Evaluating event by event means batch
 * boundaries (which faults change) cannot change the answer, and windows are
 * per partition because that is what a correct `sift run` computes today. An
 * engine defect that drops or doubles events would therefore be in the
 * expectation too: these tests prove that faults change nothing, not that
 * the rules are right (their own tests, written by hand, do that). These
 * tests therefore run with `rules.stateful: local`, whose per-partition
 * answer does not depend on how the partitions' progress interleaves under a
 * fault. Keyed mode (the default) has its own crash and rebalance tests with
 * hand-written alerts: test/faults/keyed-crash.test.ts, keyed-rebalance.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import { expect } from 'vitest';
import { buildAlert, createSuppressionStore } from '../../src/alerts/index.js';
import { generateOkta, seededRandom } from '../../src/generate/index.js';
import type { RawRecord } from '../../src/ingest/index.js';
import { planSource, prepareBatch, type DeadLetterValue } from '../../src/pipeline/index.js';
import { createEngine, DEFAULT_LATENESS_MS, loadRules } from '../../src/rules/index.js';
import { recordFault, type FaultFigures } from './faults.js';
import { expectedOktaId, outcomesOf, packOkta, type PackFigures } from './okta-workload.js';
import { ROOT, countDocs, es, foundIds, kafka, offsets, sendChunks, topicSize, uniqueNames, waitFor, type SiftProcess } from './stack.js';

const run = promisify(execFile);

export type FaultNames = ReturnType<typeof faultNames>;

/** uniqueNames plus the per-test state topic, alerts index, alerts topic and alert DLQ. */
export function faultNames(label: string) {
  const names = uniqueNames(label);
  return { ...names, state: `it.state.${names.id}`, alerts: `sift-alerts-${names.namespace}`, alertsTopic: `it.alerts.${names.id}`, alertsDlq: `it.alerts.${names.id}.dlq` };
}

/** `scripts/stack.sh <verb> <service>`: stop|start|restart|freeze|thaw|kill (SIGKILL, a crash) kafka|es. */
export async function stack(verb: 'stop' | 'start' | 'restart' | 'freeze' | 'thaw' | 'kill', service: 'kafka' | 'es'): Promise<void> {
  await run(join(ROOT, 'scripts/stack.sh'), [verb, service], { cwd: ROOT, timeout: 240_000 });
}

/** `scripts/stack.sh up`: idempotent; also thaws a service a failed test left frozen. */
export async function stackUp(): Promise<void> {
  await run(join(ROOT, 'scripts/stack.sh'), ['up'], { cwd: ROOT, timeout: 300_000 });
}

/**
 * A `sift run` config for fault tests: small fetches and bulks (many batches,
 * so a fault lands mid-stream), a short backoff ceiling and request timeout
 * (quick recovery), the shortest session timeout (quick rebalance after a
 * kill), and this test's own DLQ, state, alerts and alert DLQ topics.
 */
export function faultConfig(
  names: FaultNames,
  opts: { partitions: number; esNode?: string; kafka?: Record<string, unknown>; elasticsearch?: Record<string, unknown>; alerts?: Record<string, unknown> },
) {
  return {
    kafka: {
      topics: [{ name: names.topic, source: 'okta' }],
      dlq_topic: names.dlq,
      group_id: names.group,
      topic_partitions: opts.partitions,
      partitions_concurrently: opts.partitions,
      max_bytes_per_partition: 64 * 1024,
      session_timeout_ms: 6000,
      ...opts.kafka,
    },
    elasticsearch: {
      namespace: names.namespace,
      bulk_max_docs: 150,
      retry_initial_ms: 100,
      retry_max_ms: 2000,
      request_timeout_ms: 5000,
      ...(opts.esNode ? { node: opts.esNode } : {}),
      ...opts.elasticsearch,
    },
    // Local windows: the expected alerts below are per partition (see the header). Keyed mode's
    // crashes and rebalance have their own fault tests with hand-written alerts (keyed-*.test.ts).
    rules: { state_topic: names.state, reload: false, stateful: 'local' },
    alerts: { topic: names.alertsTopic, dlq_topic: names.alertsDlq, ...opts.alerts },
    pipeline: { shutdown_timeout_ms: 10_000 },
    telemetry: { http_port: 0 },
  };
}

export interface Workload {
  readonly partitions: number;
  /** Records in production order, each with its partition. */
  readonly records: readonly { readonly partition: number; readonly value: string }[];
  /** `_id`s that must be in the events alias, exactly once. */
  readonly ids: readonly string[];
  /** Dead letters that must be in the DLQ: `partition/offset` (whole record) or `partition/offset/event index` → reason code. */
  readonly dead: ReadonlyMap<string, string>;
  /** Alert ids the shipped rules must raise (after suppression folds repeats), with their rule id. */
  readonly alerts: ReadonlyMap<string, string>;
  /** How the traffic was packed (records, events, pages, NDJSON, late, out of order, hostile, empty pages). */
  readonly shape: PackFigures;
}

/** `partition/offset[/event index]`: where a dead letter came from (docs/dead-letter.md's key, minus the topic). */
function deadKey(partition: number, offset: number | string, index: number | undefined): string {
  return index === undefined ? `${partition}/${offset}` : `${partition}/${offset}/${index}`;
}

/**
 * Pads the displayMessage of every `every`-th event of `values` to `bytes`
 * characters; returns the `_id`s of the padded events. A test that makes
 * documents this large refused by size (es-413) expects them dead-lettered
 * as SIFT_INDEX_TOO_LARGE: decided here, by construction.
 */
function oversize(values: string[], every: number, bytes: number): Set<string> {
  const ids = new Set<string>();
  for (let i = every - 1; i < values.length; i += every) {
    let v: { uuid?: unknown; displayMessage?: unknown } | null;
    try {
      v = JSON.parse(values[i] ?? '') as { uuid?: unknown; displayMessage?: unknown } | null;
    } catch {
      continue; // one of the generator's malformed records: it keeps its own outcome
    }
    if (typeof v?.uuid !== 'string' || typeof v.displayMessage !== 'string') continue;
    v.displayMessage = `${v.displayMessage} ${'x'.repeat(bytes)}`;
    values[i] = JSON.stringify(v);
    ids.add(expectedOktaId(v.uuid));
  }
  return ids;
}

/** Generates the traffic and decides, offline, where each event must end up and which alerts it raises. */
export function buildWorkload(
  names: FaultNames,
  opts: { count: number; seed: number; partitions: number; badRatio?: number; oversized?: { every: number; bytes: number } },
): Workload {
  const values = [...generateOkta({ count: opts.count, seed: opts.seed, start: new Date('2026-04-01T00:00:00Z'), badRatio: opts.badRatio ?? 0.01 })];
  const tooLarge = opts.oversized ? oversize(values, opts.oversized.every, opts.oversized.bytes) : new Set<string>();
  const packed = packOkta(values, opts.seed + 1);
  // A seeded random partition per record: nothing ties a user, or a brute force, to one partition.
  const random = seededRandom(opts.seed + 2);
  const records = packed.records.map((r) => ({ partition: Math.floor(random() * opts.partitions), value: r.value }));

  const ids: string[] = [];
  const dead = new Map<string, string>();
  /** Per partition: `offset/event index` → expected `_id`. */
  const docAt: Map<string, string>[] = Array.from({ length: opts.partitions }, () => new Map());
  const nextOffset: number[] = Array.from({ length: opts.partitions }, () => 0);
  for (const r of records) {
    const offset = nextOffset[r.partition] ?? 0;
    nextOffset[r.partition] = offset + 1;
    const o = outcomesOf(r.value);
    for (const d of o.docs) {
      // Rules still see a document ES refuses by size: Sift evaluates events before indexing them.
      if (tooLarge.has(d.id)) dead.set(deadKey(r.partition, offset, d.index), 'SIFT_INDEX_TOO_LARGE');
      else ids.push(d.id);
      docAt[r.partition]?.set(`${offset}/${d.index}`, d.id);
    }
    for (const d of o.dead) dead.set(deadKey(r.partition, offset, d.index), d.code);
  }
  return { partitions: opts.partitions, records, ids, dead, alerts: expectedAlerts(names, records, opts.partitions, docAt), shape: packed.figures };
}

/**
 * Alert ids the shipped rules raise over the workload, per partition, through
 * Sift's engine (see the header for why): events in position order, one at a
 * time, each under its expected `_id`.
 */
function expectedAlerts(names: FaultNames, records: Workload['records'], partitions: number, docAt: readonly Map<string, string>[]): Map<string, string> {
  const plan = planSource('okta', names.namespace);
  if (!plan) throw new Error('no okta source');
  const ruleset = loadRules([join(ROOT, 'rules')]);
  // The pipeline's defaults: rules.default_lateness 5m, max_keys_per_rule 100000.
  const engine = createEngine(ruleset.rules, { latenessMs: () => DEFAULT_LATENESS_MS });
  const alerts = new Map<string, string>();
  for (let p = 0; p < partitions; p++) {
    // Timestamp '0': no receipt time, so no event counts as future-dated. The real records are stamped when
    // produced, after every generated event time (2026-04-01 on), so none is future-dated there either.
    const raw: RawRecord[] = records
      .filter((r) => r.partition === p)
      .map((r, offset) => ({ topic: names.topic, partition: p, offset: String(offset), timestamp: '0', key: null, value: Buffer.from(r.value) }));
    const prepared = prepareBatch(raw, plan, { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false });
    const partition = engine.partition(`${names.topic}/${p}`);
    // As the pipeline's alert stage: one suppression store per partition; only 'new' offers are alerts of their own.
    const suppression = createSuppressionStore();
    for (const o of prepared.origins) {
      const id = docAt[p]?.get(`${o.record.offset}/${o.eventIndex}`);
      // Sift would index an event the oracle dead-letters: fail here, naming the position (checkDelivery would only see a stray document).
      if (id === undefined) throw new Error(`prepareBatch makes a document at ${p}/${o.record.offset}/${o.eventIndex}, where the workload oracle expects none`);
      for (const d of partition.evaluate([{ event: o.event, id, offset: o.record.offset, index: o.eventIndex, future: o.future }])) {
        const alert = buildAlert(d, 0, { namespace: names.namespace });
        if (suppression.offer(d, alert).kind === 'new') alerts.set(alert.id, d.rule.spec.id);
      }
    }
  }
  return alerts;
}

/** Produces records [from, to) of the workload into their partitions, in order, idempotently. */
export async function produceWorkload(topic: string, w: Workload, from = 0, to = w.records.length): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (const chunk of sendChunks(w.records.slice(from, to), (r) => Buffer.byteLength(r.value))) {
      await producer.send({ topic, acks: -1, messages: chunk.map((r) => ({ partition: r.partition, value: r.value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The last error-level lines of a `sift run` log: why it stopped. */
function lastErrors(output: string): string {
  return output
    .split('\n')
    .filter((l) => /"level":(50|60)/.test(l))
    .slice(-3)
    .map((l) => l.slice(0, 400))
    .join('\n');
}

/**
 * Resolves at the moment every record of the topic is committed by the group
 * (epoch ms). Fails at once, with its last errors, if one of `running` exits
 * meanwhile: a pipeline that stops during a fault is a failure, not a wait.
 */
export async function waitAllCommitted(names: FaultNames, total: number, timeoutMs: number, running: readonly SiftProcess[] = []): Promise<number> {
  let settled = false;
  const exits = running.map((p) =>
    p.exited.then((code) => {
      if (!settled) throw new Error(`sift run exited (${code}) before all ${total} offsets were committed:\n${lastErrors(p.output())}`);
      return new Promise<never>(() => undefined);
    }),
  );
  try {
    await Promise.race([waitFor(async () => (await offsets(names.group, names.topic)).committed === total, timeoutMs, `all ${total} offsets to be committed`, 200), ...exits]);
  } finally {
    settled = true;
  }
  return Date.now();
}

/** One sample of the group's committed offsets (sum over partitions), or undefined while Kafka does not answer. */
export async function committedNow(names: FaultNames): Promise<number | undefined> {
  try {
    return (await offsets(names.group, names.topic)).committed;
  } catch {
    return undefined;
  }
}

/**
 * Reads a metric from a `sift run` child's /metrics: the sum of its series
 * whose labels contain `labels` (e.g. 'sink="slack"'), or the unlabelled
 * one; undefined when unreachable or absent.
 */
export async function metricValue(port: number | undefined, name: string, labels = ''): Promise<number | undefined> {
  if (port === undefined) return undefined;
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const series = text.split('\n').filter((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(labels));
    return series.length === 0 ? undefined : series.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  } catch {
    return undefined;
  }
}

/** Samples a value every `everyMs` until stopped: what happened during a fault. */
export function sampler<T>(read: () => Promise<T>, everyMs = 250) {
  const samples: { at: number; value: T }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      samples.push({ at: Date.now(), value: await read() });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    between: (from: number, to: number) => samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.value),
    async stop(): Promise<void> {
      stopped = true;
      await loop;
    },
  };
}

interface TopicRecord {
  readonly key: string | null;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** Every record of a topic (none if it does not exist). */
export async function readTopic(topic: string): Promise<TopicRecord[]> {
  const out: TopicRecord[] = [];
  const size = await topicSize(topic).catch(() => 0);
  if (size === 0) return out;
  const consumer = kafka.consumer({ groupId: `fault-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        out.push({ key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? '', headers });
      },
    });
    await waitFor(() => out.length >= size, 60_000, `reading ${size} records from ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

interface DeadRead {
  /** Distinct dead letters (`partition/offset[/event index]`), with their reason codes. */
  readonly byKey: Map<string, string>;
  /** DLQ records beyond the first per dead letter (redeliveries). */
  readonly copies: number;
}

async function readDeadLetters(topic: string): Promise<DeadRead> {
  const byKey = new Map<string, string>();
  const records = await readTopic(topic);
  for (const r of records) {
    const v = JSON.parse(r.value) as DeadLetterValue;
    byKey.set(deadKey(v.source.partition, v.source.offset, v.event_index), v.reason.code);
  }
  return { byKey, copies: records.length - byKey.size };
}

async function alertIdsIn(index: string): Promise<{ ids: Set<string>; docs: number }> {
  const exists = await es.indices.exists({ index });
  if (!exists) return { ids: new Set(), docs: 0 };
  await es.indices.refresh({ index });
  const docs = (await es.count({ index })).count;
  const hits = await es.search({ index, size: 10_000, _source: false, query: { match_all: {} } });
  return { ids: new Set(hits.hits.hits.map((h) => h._id ?? '')), docs };
}

export interface Delivery extends FaultFigures {
  /** The workload's shape: events in the `produced` records, and how they were packed and disordered. */
  produced_events: number;
  single_records: number;
  page_records: number;
  ndjson_records: number;
  late_events: number;
  out_of_order_events: number;
  hostile_events: number;
  empty_pages: number;
  expected_indexed: number;
  expected_dead: number;
  /** Dead letters of events that should have been indexed (e.g. a 429 dead-lettered), or of a whole record where one event should be. */
  unexpected_dead: number;
  /** Expected dead letters found with another reason code than the documented one. */
  dead_code_mismatch: number;
  /** DLQ records beyond one per source record: redeliveries after a replayed batch. */
  dlq_redelivered: number;
  alerts_expected: number;
  alerts: number;
  alerts_lost: number;
  alerts_unexpected: number;
  /** Alert ids written to the alerts topic as new alerts (not fold updates) that were not expected, or expected and missing. */
  alerts_topic_mismatch: number;
  /** New-alert records in the alerts topic beyond one per alert id (rewrites after a replayed batch). */
  alerts_topic_rewritten: number;
  dead_codes: string;
}

/**
 * Where every record ended up. lost = expected `_id`s missing from the alias +
 * expected dead letters missing from the DLQ; duplicated = documents in the
 * alias beyond the distinct expected `_id`s found (a second copy can only be
 * under another `_id`). Alerts: the alerts index must hold exactly the
 * expected ids.
 */
export async function checkDelivery(names: FaultNames, w: Workload): Promise<Delivery> {
  const docs = await countDocs(names.alias);
  const found = await foundIds(names.alias, [...w.ids]);
  // The two topic reads each join a consumer group: side by side, not one after the other.
  const [dlq, alertRecords] = await Promise.all([readDeadLetters(names.dlq), readTopic(names.alertsTopic)]);
  const deadFound = [...w.dead.keys()].filter((k) => dlq.byKey.has(k)).length;
  const codeMismatch = [...w.dead].filter(([k, code]) => dlq.byKey.has(k) && dlq.byKey.get(k) !== code).length;
  const unexpectedDead = [...dlq.byKey.keys()].filter((k) => !w.dead.has(k)).length;
  const alerts = await alertIdsIn(names.alerts);
  const alertsFound = [...w.alerts.keys()].filter((id) => alerts.ids.has(id)).length;
  const fresh = alertRecords.filter((r) => r.headers['sift.alert.update'] !== 'true').map((r) => r.key ?? '');
  const freshIds = new Set(fresh);
  const topicMismatch = [...freshIds].filter((id) => !w.alerts.has(id)).length + [...w.alerts.keys()].filter((id) => !freshIds.has(id)).length;
  return {
    produced: w.records.length,
    produced_events: w.shape.events,
    single_records: w.shape.singles,
    page_records: w.shape.pages,
    ndjson_records: w.shape.ndjson,
    late_events: w.shape.late,
    out_of_order_events: w.shape.swapped,
    hostile_events: w.shape.hostile,
    empty_pages: w.shape.empty,
    indexed: found,
    dead_lettered: deadFound,
    lost: w.ids.length - found + (w.dead.size - deadFound),
    duplicated: docs - found,
    recovery_seconds: 0,
    expected_indexed: w.ids.length,
    expected_dead: w.dead.size,
    unexpected_dead: unexpectedDead,
    dead_code_mismatch: codeMismatch,
    dlq_redelivered: dlq.copies,
    alerts_expected: w.alerts.size,
    alerts: alerts.docs,
    alerts_lost: w.alerts.size - alertsFound,
    alerts_unexpected: alerts.docs - alertsFound,
    alerts_topic_mismatch: topicMismatch,
    alerts_topic_rewritten: fresh.length - freshIds.size,
    dead_codes: [...new Set(dlq.byKey.values())].sort().join(','),
  };
}

/**
 * The promise under test: every event indexed exactly once or dead-lettered,
 * nothing else in the alias or the DLQ, every expected alert in the alerts
 * index and topic, and no other.
 */
export function expectExactlyOnce(d: Delivery): void {
  expect(d).toMatchObject({ lost: 0, duplicated: 0, unexpected_dead: 0, dead_code_mismatch: 0, alerts_lost: 0, alerts_unexpected: 0, alerts_topic_mismatch: 0 });
  expect(d.indexed).toBe(d.expected_indexed);
  expect(d.dead_lettered).toBe(d.expected_dead);
  expect(d.alerts).toBe(d.alerts_expected);
}

/** Records the figures (rounded) in test-results/faults.json and returns them. */
export function report(name: string, figures: Delivery, extra: Record<string, number | string | boolean> = {}): Delivery {
  const all = { ...figures, ...extra } as Delivery;
  all.recovery_seconds = Math.round(all.recovery_seconds * 10) / 10;
  recordFault(name, all);
  return all;
}

/** Deletes the test's topics (raw, DLQ, state, alerts, alert DLQ), groups and indices (events, alerts). */
export async function cleanupFault(names: FaultNames): Promise<void> {
  await es.indices.delete({ index: `${names.alias}-*`, ignore_unavailable: true }).catch(() => undefined);
  await es.indices.delete({ index: names.alerts, ignore_unavailable: true }).catch(() => undefined);
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [names.topic, names.dlq, names.state, names.alertsTopic, names.alertsDlq] }).catch(() => undefined);
    await admin.deleteGroups([names.group, `${names.group}.notify`]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Keeps a `sift run` child's log in test-results/fault-logs/<name>.log, for a failure's post-mortem. */
export function saveLog(name: string, output: string): void {
  const dir = join(ROOT, 'test-results', 'fault-logs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.log`), output);
}
