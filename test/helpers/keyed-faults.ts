/**
 * Shared parts of the keyed-mode fault tests (test/faults/keyed-*.test.ts):
 * hand-written Okta attacks spread round-robin over a 6-partition raw topic,
 * the two rules they trip, the topics and groups keyed mode adds, and the
 * checks that every event and every alert came out exactly once.
 *
 * Nothing here runs Sift's engine or normalizer: the expected alerts (rule,
 * group, count, window start, triggering event `_id`s) are written by hand in
 * each test from the rule semantics of docs/rules.md, and the event `_id`s
 * come from the documented Okta id formula (okta-workload.ts's expectedOktaId).
 *
 * Keyed topology (issue 10, src/config/schema.ts): the ingest stage (group
 * `<group_id>`) re-keys matching events into `<group_id>.keyed`; the detect
 * stage (group `<group_id>.detect`) owns the windows of its keyed partitions
 * and checkpoints keyed partition p to partition p of `<keyed topic>.state`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import { expect } from 'vitest';
import { cleanupFault, faultConfig, faultNames, readTopic } from './fault-check.js';
import { bruteForceSequenceRule, oktaEvent } from './okta-events.js';
import { expectedOktaId } from './okta-workload.js';
import { countDocs, es, foundIds, kafka, offsets, sendChunks, topicSize, waitFor, type SiftProcess } from './stack.js';

export const THRESHOLD_RULE = 'it.keyed.brute-force';
export const SEQUENCE_RULE = 'it.keyed.brute-force-then-success';

/** ≥ 6 failed sign-ins per user.name within 10m; and 3 failures then a success per user.name within 10m. */
const RULES: Record<string, string> = {
  'threshold.yml': `
id: ${THRESHOLD_RULE}
name: Failed sign-ins of one user
description: Keyed fault-test threshold rule.
version: 1
severity: medium
scope: {datasets: [okta.system]}
detection:
  failed: {event.action: user.session.start, event.outcome: failure}
  condition: failed
threshold: {count: 6, group_by: [user.name], window: 10m}
`,
  'sequence.yml': bruteForceSequenceRule(SEQUENCE_RULE),
};

export function keyedNames(label: string) {
  const names = faultNames(label);
  const keyed = `${names.group}.keyed`;
  return { ...names, keyed, keyedState: `${keyed}.state`, detectGroup: `${names.group}.detect` };
}
export type KeyedNames = ReturnType<typeof keyedNames>;

/** Writes the two rules to a fresh temp dir. */
export function writeRules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-keyed-rules-'));
  for (const [file, text] of Object.entries(RULES)) writeFileSync(join(dir, file), text);
  return dir;
}

/**
 * faultConfig in keyed mode over 6 raw and 6 keyed partitions. Lateness 1h:
 * round-robin partitions deliver one user's events in any order, and every
 * test event lies within minutes of the others; lateness is not under test.
 */
export function keyedConfig(names: KeyedNames, rulesDir: string, kafkaExtra: Record<string, unknown> = {}) {
  const base = faultConfig(names, { partitions: PARTITIONS, kafka: kafkaExtra });
  return { ...base, rules: { ...base.rules, dir: rulesDir, stateful: 'keyed', keyed_partitions: PARTITIONS, default_lateness: '1h' } };
}

export const PARTITIONS = 6;

/** One hand-written Okta event: its raw LogEvent and the `_id` docs/sources/okta.md gives it. */
export interface TestEvent {
  readonly uuid: string;
  readonly id: string;
  readonly raw: string;
}

const at = (hhmmss: string): string => `2026-05-01T${hhmmss}.000Z`;

/** A user.session.start sign-in (matches the rules' `failed` or `success` selection). */
export function signIn(uuid: string, user: string, hhmmss: string, result: 'SUCCESS' | 'FAILURE'): TestEvent {
  const raw = oktaEvent({ uuid, eventType: 'user.session.start', user, at: at(hhmmss), result, ...(result === 'FAILURE' ? { reason: 'INVALID_CREDENTIALS' } : {}) });
  return { uuid, id: expectedOktaId(uuid), raw };
}

/** An event no rule selects (never re-keyed, only indexed). */
export function profileUpdate(uuid: string, user: string, hhmmss: string): TestEvent {
  const raw = oktaEvent({ uuid, eventType: 'user.account.update_profile', user, at: at(hhmmss), result: 'SUCCESS' });
  return { uuid, id: expectedOktaId(uuid), raw };
}

/** A raw record: one LogEvent, or an Okta System Log API page (JSON array) of several. */
export type TestRecord = readonly TestEvent[];

export function recordValue(r: TestRecord): string {
  return r.length === 1 ? (r[0] as TestEvent).raw : `[${r.map((e) => e.raw).join(',')}]`;
}

/** Produces records round-robin by explicit partition, continuing from `next` (the next partition to fill); returns the next one. */
export async function produceRoundRobin(topic: string, records: readonly TestRecord[], next = 0): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let p = next;
  try {
    const placed = records.map((r) => ({ partition: p++ % PARTITIONS, value: recordValue(r) }));
    for (const chunk of sendChunks(placed, (m) => Buffer.byteLength(m.value))) await producer.send({ topic, acks: -1, messages: chunk });
  } finally {
    await producer.disconnect();
  }
  return p % PARTITIONS;
}

/**
 * Background noise, hand-written so it trips nothing: each noise user fails
 * once and then signs in (a sequence needs 3 failures, a threshold 6), and
 * edits a profile (no rule selects it).
 */
export function noise(label: string, users: number, fromMinute: number): TestRecord[] {
  const out: TestRecord[] = [];
  for (let i = 0; i < users; i++) {
    const user = `${label}-${i}@example.com`;
    const s = String(i % 60).padStart(2, '0');
    const m = (k: number): string => `10:${String(fromMinute + k).padStart(2, '0')}:${s}`;
    out.push([signIn(`${label}-${i}-f`, user, m(0), 'FAILURE')], [signIn(`${label}-${i}-s`, user, m(1), 'SUCCESS')], [profileUpdate(`${label}-${i}-p`, user, m(2))]);
  }
  return out;
}

/** An alert as written by hand: its rule, group values, count, window start and triggering events (oldest first). */
export interface ExpectedAlert {
  readonly rule: string;
  readonly group: readonly string[];
  readonly count: number;
  readonly windowStart: string;
  readonly events: readonly TestEvent[];
}

/** The parts of an alert document the tests compare. */
interface AlertView {
  readonly rule: string;
  readonly group_key: string;
  readonly count: number;
  readonly window_start: string;
  readonly event_ids: readonly string[];
}

interface AlertDoc {
  rule: { id: string };
  sift: { alert: { group_key: string; count: number; window_start: string; event_ids: string[] } };
}

function view(doc: AlertDoc): AlertView {
  const a = doc.sift.alert;
  return { rule: doc.rule.id, group_key: a.group_key, count: a.count, window_start: a.window_start, event_ids: a.event_ids };
}

function expectedView(e: ExpectedAlert): AlertView {
  return { rule: e.rule, group_key: JSON.stringify(e.group), count: e.count, window_start: at(e.windowStart), event_ids: e.events.map((x) => x.id) };
}

const byKey = (a: AlertView, b: AlertView): number => `${a.rule} ${a.group_key} ${a.window_start}`.localeCompare(`${b.rule} ${b.group_key} ${b.window_start}`);

/** Every `_id` the records must index (each exactly once). */
export function eventIds(records: readonly TestRecord[]): string[] {
  return records.flatMap((r) => r.map((e) => e.id));
}

/** Events of the records that a rule selects: each is one keyed record (one group value per event here). */
export function keyedEventCount(records: readonly TestRecord[]): number {
  return records.flat().filter((e) => e.raw.includes('"eventType":"user.session.start"')).length;
}

/**
 * Resolves once the ingest group committed all `total` raw records and the
 * detect group then committed every keyed record; fails at once if one of
 * `running` exits meanwhile.
 */
export async function waitAllDetected(names: KeyedNames, total: number, running: readonly SiftProcess[], timeoutMs = 90_000): Promise<void> {
  let settled = false;
  const exits = running.map((p) =>
    p.exited.then((code) => {
      if (!settled) throw new Error(`sift run exited (${code}) before everything was detected:\n${p.output().split('\n').filter((l) => /"level":(50|60)/.test(l)).slice(-3).join('\n')}`);
      return new Promise<never>(() => undefined);
    }),
  );
  const deadline = Date.now() + timeoutMs;
  try {
    await Promise.race([
      (async () => {
        await waitFor(async () => (await offsets(names.group, names.topic)).committed === total, timeoutMs, `all ${total} raw records to be committed`, 200);
        await waitFor(
          async () => {
            const o = await offsets(names.detectGroup, names.keyed);
            return o.end > 0 && o.committed === o.end;
          },
          Math.max(1000, deadline - Date.now()),
          'the detect stage to commit every keyed record',
          200,
        );
      })(),
      ...exits,
    ]);
  } finally {
    settled = true;
  }
}

/** The alerts index holds exactly the hand-written alerts: one document each, with their counts and events. */
export async function expectAlertsIndex(names: KeyedNames, expected: readonly ExpectedAlert[]): Promise<void> {
  await es.indices.refresh({ index: names.alerts });
  const r = await es.search<AlertDoc>({ index: names.alerts, size: 1000, query: { match_all: {} } });
  const got = r.hits.hits.map((h) => view(h._source as AlertDoc)).sort(byKey);
  expect(got).toEqual(expected.map(expectedView).sort(byKey));
}

/**
 * The alerts topic is the notifier's outbox, written before the batch that
 * raised the alert commits (docs/alerts.md): a batch replayed after a crash
 * may write the same alert again, under the same id, and the notifier pages
 * an id once. So "exactly once" on the topic is: the distinct ids of new-alert
 * records are exactly the expected ones, and every copy of an id is the same
 * alert (same count, window and events), never a re-counted one. Returns how
 * many records were such rewrites.
 */
export async function expectAlertsTopic(names: KeyedNames, expected: readonly ExpectedAlert[]): Promise<number> {
  const records = (await readTopic(names.alertsTopic)).filter((r) => r.headers['sift.alert.update'] !== 'true');
  const seen = new Map<string, AlertView>();
  for (const r of records) {
    const { doc } = JSON.parse(r.value) as { doc: AlertDoc };
    const v = view(doc);
    const first = seen.get(r.key ?? '');
    if (first) expect(v, `a second copy of alert ${r.key ?? ''} on the topic differs from the first`).toEqual(first);
    else seen.set(r.key ?? '', v);
  }
  expect([...seen.values()].sort(byKey)).toEqual(expected.map(expectedView).sort(byKey));
  return records.length - seen.size;
}

/** Every event indexed exactly once (by `_id`), nothing else in the events alias, nothing dead-lettered. */
export async function expectEventsOnce(names: KeyedNames, records: readonly TestRecord[]): Promise<void> {
  const ids = eventIds(records);
  expect(new Set(ids).size, 'test data: event uuids are unique').toBe(ids.length);
  expect(await foundIds(names.alias, ids)).toBe(ids.length);
  expect(await countDocs(names.alias)).toBe(ids.length);
  expect(await topicSize(names.dlq).catch(() => 0), 'dead letters').toBe(0);
}

/** Partitions of `topic` in the instance's latest "Joined the consumer group." line that names it. */
export function assignmentOf(p: SiftProcess, topic: string): number[] {
  let last: number[] = [];
  for (const line of p.output().split('\n')) {
    if (!line.includes('Joined the consumer group.')) continue;
    try {
      const parsed = JSON.parse(line) as { assignment?: Record<string, number[]> };
      const a = parsed.assignment;
      if (a && Object.hasOwn(a, topic)) last = a[topic] ?? [];
    } catch {
      // A line cut by a concurrent write: the next join line is complete.
    }
  }
  return last;
}

/** Per partition of `topic`: its end offset (records written so far); [] when it does not exist yet. */
export async function partitionEnds(topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const out: number[] = [];
    for (const e of ends) out[e.partition] = Number(e.high);
    return out;
  } catch {
    return [];
  } finally {
    await admin.disconnect();
  }
}

/** The keyed partition of every keyed record's key (Kafka key = JSON array of the group values). */
export async function keyedPartitions(topic: string, expected: number): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  const consumer = kafka.consumer({ groupId: `keyed-reader-${Date.now()}-${Math.random()}` });
  let read = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        read++;
        const key = message.key?.toString('utf8') ?? '';
        const set = out.get(key) ?? new Set<number>();
        set.add(partition);
        out.set(key, set);
      },
    });
    await waitFor(() => read >= expected, 60_000, `reading ${expected} keyed records`);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** Deletes what cleanupFault does plus the keyed topic, its state topic and the detect group. */
export async function cleanupKeyed(names: KeyedNames): Promise<void> {
  await cleanupFault(names);
  const admin = kafka.admin();
  try {
    await admin.connect();
    for (const topic of [names.keyed, names.keyedState]) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([names.detectGroup]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
