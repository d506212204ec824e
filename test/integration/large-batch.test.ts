/**
 * Issue 12, defect 2: a large batch must not wedge its partition. Every topic
 * Sift writes is created here, before Sift starts, with the broker's default
 * max.message.bytes (1 MiB), as topics managed outside Sift may be; Sift
 * fetches with kafka.max_bytes_per_partition 32 MiB, so one batch holds every
 * record produced before it started.
 *
 * - A noisy single-event rule (every sign-in) over 5,000 events raises 5,000
 *   alerts in one batch (~1.5 KB each: ~7 MB for the alerts topic).
 * - A threshold rule (2 sign-ins per source.ip in 1 h) over 10,000 events of
 *   10,000 addresses opens 10,000 windows in one batch: one checkpoint of
 *   10,000 keys (MBs). Sift is then restarted and sees one more sign-in per
 *   address: exactly 10,000 alerts prove that every window was restored.
 *   Local mode and keyed mode; in keyed mode another member of the detect
 *   group holds the keyed partition while the ingest stage writes, so that the
 *   detect stage reads all 10,000 keyed records in one batch (as after an
 *   instance that owned it died).
 *
 * Before the fix each of these batches failed on MESSAGE_TOO_LARGE (not
 * retriable) on every refetch: the offsets never moved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignerProtocol, type Assigner, type Consumer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { oktaSignIn } from '../helpers/keyed-events.js';
import { inProcessSift, type InProcessSift } from '../helpers/pipelines.js';
import { es, kafka, keyedEventRecords, offsets, produce, readAll, topicSize, uniqueNames, waitFor } from '../helpers/stack.js';

/** Okta uuids in the vendor's format, numbered. */
const oid = (round: number, n: number): string => `4f6b8e2a-37c1-11f1-a9d${round}-${String(n).padStart(12, '0')}`;
/** 10.x.y.z: 10,000 distinct addresses. */
const ip = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const T0 = Date.parse('2026-04-14T10:00:00.000Z');
const PAGE = 500;
const HOLDER = 'large-batch-test-holder';

/** Okta System Log pages (JSON arrays, as the API returns them) of `PAGE` events each. */
function pages(events: readonly unknown[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < events.length; i += PAGE) out.push(JSON.stringify(events.slice(i, i + PAGE)));
  return out;
}

const RULES = {
  noisy: `
id: it.large.every-sign-in
name: Every Okta sign-in
description: A deliberately noisy single-event rule.
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  signin: {event.action: user.session.start}
  condition: signin
`,
  windows: `
id: it.large.two-sign-ins-per-address
name: Two Okta sign-ins from one address
description: A window per source address; 10,000 addresses open 10,000 windows.
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  signin: {event.action: user.session.start}
  condition: signin
threshold: {count: 2, group_by: [source.ip], window: 1h}
`,
};

interface Run {
  names: ReturnType<typeof uniqueNames>;
  rulesDir: string;
  alerts: string;
  state: string;
  keyed: string;
  alertsIndex: string;
}

const runs: Run[] = [];

async function createDefaultTopic(topic: string, partitions: number, compact = false): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // No max.message.bytes: the broker's default, 1 MiB.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: compact ? [{ name: 'cleanup.policy', value: 'compact' }] : [] }] });
  } finally {
    await admin.disconnect();
  }
}

async function newRun(label: string, rule: keyof typeof RULES): Promise<Run> {
  const names = uniqueNames(label);
  const rulesDir = mkdtempSync(join(tmpdir(), 'sift-large-rules-'));
  writeFileSync(join(rulesDir, `${rule}.yml`), RULES[rule]);
  const run: Run = { names, rulesDir, alerts: `it.alerts.${names.id}`, state: `it.state.${names.id}`, keyed: `it.keyed.${names.id}`, alertsIndex: `sift-alerts-${names.namespace}` };
  runs.push(run);
  await createDefaultTopic(names.topic, 1);
  await createDefaultTopic(names.dlq, 1);
  await createDefaultTopic(run.alerts, 1);
  await createDefaultTopic(`${run.alerts}.dlq`, 1);
  await createDefaultTopic(run.state, 1, true);
  await createDefaultTopic(run.keyed, 1);
  await createDefaultTopic(`${run.keyed}.state`, 1, true);
  return run;
}

function siftOf(r: Run, mode: 'local' | 'keyed'): InProcessSift {
  return inProcessSift({
    kafka: { topics: [{ name: r.names.topic, source: 'okta' }], dlq_topic: r.names.dlq, group_id: r.names.group, max_bytes_per_partition: 32 * 1024 * 1024 },
    elasticsearch: { namespace: r.names.namespace },
    rules: { stateful: mode, dir: r.rulesDir, reload: false, default_lateness: '1h', state_topic: r.state, keyed_topic: r.keyed, keyed_partitions: 1 },
    alerts: { topic: r.alerts, dlq_topic: `${r.alerts}.dlq` },
    pipeline: { shutdown_timeout_ms: 10_000 },
    telemetry: { http_port: -1 },
  });
}

/**
 * Runs `sift` until its group committed `records` on the raw topic (and, with
 * `keyed`, the detect group everything on the keyed topic), then stops it.
 * Fails with its log when the offsets do not get there in `timeoutMs`.
 */
async function runUntilCommitted(sift: InProcessSift, r: Run, records: number, timeoutMs: number, keyed = false): Promise<void> {
  const fatal = sift.pipeline.fatal.then((e) => Promise.reject(new Error(`sift stopped: ${e.message}`)));
  fatal.catch(() => undefined);
  try {
    await Promise.race([sift.pipeline.start(), fatal]);
    const done = waitFor(
      async () => {
        if ((await offsets(r.names.group, r.names.topic)).committed !== records) return false;
        if (!keyed) return true;
        const k = await offsets(`${r.names.group}.detect`, r.keyed);
        return k.end > 0 && k.committed === k.end;
      },
      timeoutMs,
      `the batch's offsets to be committed (${records} records)`,
    );
    await Promise.race([done, fatal]);
  } catch (err) {
    const o = await offsets(r.names.group, r.names.topic).catch(() => undefined);
    throw new Error(`${err instanceof Error ? err.message : String(err)}; committed ${o?.committed ?? '?'} of ${o?.end ?? '?'}\n${sift.logs().slice(-3000)}`);
  } finally {
    await sift.pipeline.stop();
  }
}

/** Alert ids in the alerts index, and the alert ids keyed on the alerts topic (each record once). */
async function alertIds(r: Run, expected: number): Promise<{ index: string[]; topic: string[] }> {
  await es.indices.refresh({ index: r.alertsIndex });
  const index: string[] = [];
  let page = await es.search({ index: r.alertsIndex, size: 5000, _source: false, sort: ['_doc'], scroll: '1m', query: { match_all: {} } });
  while (page.hits.hits.length > 0) {
    index.push(...page.hits.hits.map((h) => h._id ?? ''));
    if (!page._scroll_id) break;
    page = await es.scroll({ scroll_id: page._scroll_id, scroll: '1m' });
  }
  // The topic's size first: a record written twice must not hide behind a reader that stopped at `expected`.
  expect(await topicSize(r.alerts), 'records on the alerts topic').toBe(expected);
  const onTopic = await readAll(r.alerts, expected, 60_000);
  return { index, topic: onTopic.map((m) => m.key ?? '') };
}

function expectEachOnce(ids: readonly string[], n: number, where: string): void {
  expect(ids.length, `${where}: records`).toBe(n);
  expect(new Set(ids).size, `${where}: distinct alert ids`).toBe(n);
}

/**
 * A member of the detect group that takes every keyed partition and reads
 * nothing: it joins first, so it leads the group and its assigner (which
 * knows itself by its metadata) decides while it stays.
 */
async function holdPartitions(group: string, topic: string): Promise<Consumer> {
  const takeAll: Assigner = {
    // The protocol name Sift's members speak, so they can join the same group.
    name: 'RoundRobinAssigner',
    version: 0,
    async assign({ members, topics }) {
      const admin = kafka.admin();
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics }).finally(() => admin.disconnect());
      const all = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionId)]));
      const isHolder = (metadata: Buffer): boolean => AssignerProtocol.MemberMetadata.decode(metadata)?.userData.toString() === HOLDER;
      return members.map((m) => ({ memberId: m.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: isHolder(m.memberMetadata) ? all : {}, userData: Buffer.alloc(0) }) }));
    },
    protocol({ topics }) {
      return { name: 'RoundRobinAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.from(HOLDER) }) };
    },
  };
  const holder = kafka.consumer({ groupId: group, partitionAssigners: [() => takeAll] });
  await holder.connect();
  await holder.subscribe({ topic, fromBeginning: true });
  let joined = false;
  holder.on(holder.events.GROUP_JOIN, () => (joined = true));
  await holder.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async ({ pause }) => void pause() });
  await waitFor(() => joined, 30_000, 'the holder to join the detect group');
  return holder;
}

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  for (const r of runs) {
    await admin.deleteGroups([r.names.group, `${r.names.group}.detect`]).catch(() => undefined);
    for (const t of [r.names.topic, r.names.dlq, r.alerts, `${r.alerts}.dlq`, r.state, r.keyed, `${r.keyed}.state`]) if (existing.has(t)) await admin.deleteTopics({ topics: [t] }).catch(() => undefined);
    await es.indices.delete({ index: [`logs-okta.system-${r.names.namespace}-*`, r.alertsIndex], ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
    rmSync(r.rulesDir, { recursive: true, force: true });
  }
  await admin.disconnect();
}, 120_000);

describe('a large batch on 1 MiB topics (issue 12, defect 2)', () => {
  it('a noisy rule raising 5,000 alerts in one batch: committed, each alert once in the index and once on the topic', async () => {
    const r = await newRun('noisy', 'noisy');
    const events = Array.from({ length: 5000 }, (_, i) => oktaSignIn(oid(1, i), new Date(T0 + i * 1000).toISOString(), `u${i}@example.com`, ip(i), 'SUCCESS'));
    await produce(r.names.topic, pages(events));
    await runUntilCommitted(siftOf(r, 'local'), r, 10, 90_000);
    const ids = await alertIds(r, 5000);
    expectEachOnce(ids.index, 5000, 'alerts index');
    expectEachOnce(ids.topic, 5000, 'alerts topic');
    expect(new Set(ids.topic)).toEqual(new Set(ids.index));
    expect(await topicSize(r.names.dlq)).toBe(0);
  }, 240_000);

  for (const mode of ['local', 'keyed'] as const) {
    it(`${mode}: 10,000 windows in one batch are checkpointed and restored after a restart (10,000 alerts on the second sign-in)`, async () => {
      const r = await newRun(`win${mode}`, 'windows');
      const first = Array.from({ length: 10_000 }, (_, i) => oktaSignIn(oid(1, i), new Date(T0 + i * 100).toISOString(), `u${i}@example.com`, ip(i), 'SUCCESS'));
      await produce(r.names.topic, pages(first));
      const holder = mode === 'keyed' ? await holdPartitions(`${r.names.group}.detect`, r.keyed) : undefined;
      if (holder) {
        // The ingest stage writes every keyed record while the holder has the partition; then it goes away.
        const sift = siftOf(r, mode);
        try {
          await sift.pipeline.start();
          await waitFor(async () => (await offsets(r.names.group, r.names.topic)).committed === 20, 90_000, 'the ingest stage to commit');
          expect(await keyedEventRecords(r.keyed)).toBe(10_000);
          await holder.disconnect();
          await waitFor(async () => {
            const k = await offsets(`${r.names.group}.detect`, r.keyed);
            return k.committed === k.end;
          }, 90_000, 'the detect stage to commit the 10,000 keyed records').catch((err: unknown) => {
            throw new Error(`${err instanceof Error ? err.message : String(err)}\n${sift.logs().slice(-3000)}`);
          });
        } finally {
          await holder.disconnect().catch(() => undefined);
          await sift.pipeline.stop();
        }
      } else {
        await runUntilCommitted(siftOf(r, mode), r, 20, 90_000);
      }
      const stateTopic = mode === 'keyed' ? `${r.keyed}.state` : r.state;
      // One checkpoint record per window key (no alert, so no suppression entry yet).
      expect(await topicSize(stateTopic)).toBeGreaterThanOrEqual(10_000);

      // Restart: a new Sift restores the windows, then sees each address once more, 30 min later.
      const second = Array.from({ length: 10_000 }, (_, i) => oktaSignIn(oid(2, i), new Date(T0 + 30 * 60_000 + i * 100).toISOString(), `v${i}@example.com`, ip(i), 'SUCCESS'));
      await produce(r.names.topic, pages(second));
      await runUntilCommitted(siftOf(r, mode), r, 40, 120_000, mode === 'keyed');
      const ids = await alertIds(r, 10_000);
      expectEachOnce(ids.index, 10_000, 'alerts index');
      expectEachOnce(ids.topic, 10_000, 'alerts topic');
    }, 360_000);
  }
});
