/**
 * Keyed stateful detection (issue 10) across a rebalance: two `sift run`
 * instances share one group over 6 raw and 6 keyed partitions; hand-written
 * attacks arrive slowly in four waves, round-robin over the raw partitions;
 * one instance is SIGKILLed in the middle of wave 3, after it checkpointed
 * windows of its keyed partitions. After the session timeout the survivor
 * takes its keyed partitions, restores their windows from `<keyed topic>.state`
 * and finishes. Every attack straddles the kill (events in waves 1–2 and in
 * waves 3–4), so a window lost with the victim misses its alert or changes its
 * events, and a replay counted twice fires early on other events.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { saveLog } from '../helpers/fault-check.js';
import { recordFault } from '../helpers/faults.js';
import {
  PARTITIONS,
  SEQUENCE_RULE,
  THRESHOLD_RULE,
  assignmentOf,
  cleanupKeyed,
  eventIds,
  expectAlertsIndex,
  expectAlertsTopic,
  expectEventsOnce,
  keyedConfig,
  keyedNames,
  keyedPartitions,
  noise,
  partitionEnds,
  produceRoundRobin,
  signIn,
  waitAllDetected,
  writeRules,
  type ExpectedAlert,
  type TestEvent,
  type TestRecord,
} from '../helpers/keyed-faults.js';
import { countDocs, createTopic, foundIds, offsets, startSift, topicSize, waitFor, type SiftProcess } from '../helpers/stack.js';

const names = keyedNames('keyed-rebalance');
const rulesDir = writeRules();
afterAll(() => cleanupKeyed(names), 120_000);

const pad = (n: number): string => String(n).padStart(2, '0');
const THRESHOLD_USERS = 8;
const SEQUENCE_USERS = 4;

// Threshold users t0..t7: 6 failures each, a minute apart (10:00:0s … 10:05:0s, s = 3k): failures 1–2 in wave 1, 3–4 in wave 2, 5 in wave 3, 6 in wave 4.
const thresholdAttacks: TestEvent[][] = Array.from({ length: THRESHOLD_USERS }, (_, k) =>
  Array.from({ length: 6 }, (_, j) => signIn(`t${k}-f${j + 1}`, `t${k}@example.com`, `10:0${j}:${pad(3 * k)}`, 'FAILURE')),
);
// Sequence users q0..q3: failures at 10:00, 10:01, 10:02 and a success at 10:04 (second 30 + 3k): one step per wave.
const sequenceAttacks: TestEvent[][] = Array.from({ length: SEQUENCE_USERS }, (_, k) => [
  ...[0, 1, 2].map((j) => signIn(`q${k}-f${j + 1}`, `q${k}@example.com`, `10:0${j}:${pad(30 + 3 * k)}`, 'FAILURE')),
  signIn(`q${k}-s`, `q${k}@example.com`, `10:04:${pad(30 + 3 * k)}`, 'SUCCESS'),
]);

/** Which attack events go in which wave (indices into each attack). */
const THRESHOLD_WAVES = [[0, 1], [2, 3], [4], [5]];
const SEQUENCE_WAVES = [[0], [1], [2], [3]];

/** Wave n: its attack events, one per record, between noise records (round-robin spreads them). */
function wave(n: number): TestRecord[] {
  const attack: TestRecord[] = [
    ...thresholdAttacks.flatMap((a) => (THRESHOLD_WAVES[n] ?? []).map((j) => a[j])),
    ...sequenceAttacks.flatMap((a) => (SEQUENCE_WAVES[n] ?? []).map((j) => a[j])),
  ].flatMap((e) => (e ? [[e]] : []));
  const out: TestRecord[] = [];
  noise(`w${n}`, 8, 2 * n).forEach((r, i) => {
    out.push(r);
    const a = attack[i];
    if (a) out.push(a);
  });
  return [...out, ...attack.slice(24)];
}
const WAVES = [0, 1, 2, 3].map(wave);
const ALL = WAVES.flat();

/**
 * By hand (docs/rules.md): each threshold user's 6 failures lie within 5m of
 * each other, so the 6th fires with exactly those 6, window start = the
 * first; each sequence user's 3 failures then success lie within 4m (count
 * 4, window start = the first failure). Nobody else trips a rule: threshold
 * users never succeed, sequence users fail 3 times (< 6), noise users once.
 */
const EXPECTED: ExpectedAlert[] = [
  ...thresholdAttacks.map((events, k) => ({ rule: THRESHOLD_RULE, group: [`t${k}@example.com`], count: 6, windowStart: `10:00:${pad(3 * k)}`, events })),
  ...sequenceAttacks.map((events, k) => ({ rule: SEQUENCE_RULE, group: [`q${k}@example.com`], count: 4, windowStart: `10:00:${pad(30 + 3 * k)}`, events })),
];

/** Produces a wave slowly: six records (one per raw partition) at a time, 200 ms apart. */
async function produceSlowly(records: readonly TestRecord[], next: number): Promise<number> {
  let p = next;
  for (let i = 0; i < records.length; i += PARTITIONS) {
    p = await produceRoundRobin(names.topic, records.slice(i, i + PARTITIONS), p);
    await new Promise((r) => setTimeout(r, 200));
  }
  return p;
}

/** Scopes the instance restored from `stateTopic` after `since` (epoch ms), from its "Restored rule state." lines. */
function restoredScopes(p: SiftProcess, stateTopic: string, since: number): string[] {
  const out: string[] = [];
  for (const line of p.output().split('\n')) {
    if (!line.includes('Restored rule state.')) continue;
    const l = JSON.parse(line) as { time: string; topic: string; scopes: string[] };
    if (l.topic === stateTopic && Date.parse(l.time) >= since) out.push(...l.scopes);
  }
  return out;
}

describe('keyed detection across a rebalance', () => {
  it('the survivor restores the killed instance\'s keyed windows and raises every alert once', async () => {
    await createTopic(names.topic, PARTITIONS);
    const config = keyedConfig(names, rulesDir, { partitions_concurrently: 3 });
    let next = await produceSlowly(WAVES[0] ?? [], 0);

    const victim = startSift(config);
    const running: SiftProcess[] = [victim];
    try {
      await waitFor(() => assignmentOf(victim, names.keyed).length === PARTITIONS, 60_000, 'the first instance to own every keyed partition');
      await waitFor(async () => (await offsets(names.detectGroup, names.keyed)).committed > 0, 60_000, 'the first instance\'s detect stage to commit');
      // The second joins a group already consuming (scale-out), as in rebalance.test.ts.
      const survivor = startSift(config);
      running.push(survivor);
      const split = (): boolean => {
        const v = assignmentOf(victim, names.keyed).length;
        const s = assignmentOf(survivor, names.keyed).length;
        return v > 0 && s > 0 && v + s === PARTITIONS;
      };
      await waitFor(split, 60_000, 'both instances to share the keyed partitions');
      const victimKeyed = assignmentOf(victim, names.keyed);
      const shared = `${victimKeyed.join(',')} | ${assignmentOf(survivor, names.keyed).join(',')}`;
      const atSplit = await partitionEnds(names.keyedState);

      next = await produceSlowly(WAVES[1] ?? [], next);
      // Kill only after the victim checkpointed one of its own keyed partitions since the split.
      await waitFor(
        async () => {
          const now = await partitionEnds(names.keyedState);
          return victimKeyed.some((p) => (now[p] ?? 0) > (atSplit[p] ?? 0));
        },
        60_000,
        'the victim to checkpoint one of its keyed partitions',
        200,
      );
      // The kill lands inside wave 3: its first half in flight, the second half arriving while the victim's partitions are orphaned.
      const third = WAVES[2] ?? [];
      const half = Math.floor(third.length / 2);
      next = await produceSlowly(third.slice(0, half), next);
      victim.child.kill('SIGKILL');
      const killed = Date.now();
      expect(await victim.exited).toBe('SIGKILL');
      const atKill = { raw: (await offsets(names.group, names.topic)).committed, keyed: await offsets(names.detectGroup, names.keyed) };
      next = await produceSlowly(third.slice(half), next);

      await waitFor(() => assignmentOf(survivor, names.keyed).length === PARTITIONS, 60_000, 'the survivor to take every keyed partition');
      const rebalanced = Date.now();
      await produceSlowly(WAVES[3] ?? [], next);
      await waitAllDetected(names, ALL.length, [survivor]);
      const done = Date.now();
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);

      // The kill moved windows: some attack's key lives on a keyed partition the victim owned.
      const keyedRecords = await topicSize(names.keyed);
      const partitionsOf = await keyedPartitions(names.keyed, keyedRecords);
      const moved = EXPECTED.filter((e) => [...(partitionsOf.get(JSON.stringify(e.group)) ?? [])].some((p) => victimKeyed.includes(p)));
      const ids = eventIds(ALL);
      const found = await foundIds(names.alias, ids);
      const rewritten = await expectAlertsTopic(names, EXPECTED);
      recordFault('keyed-rebalance', {
        produced: ALL.length,
        indexed: found,
        dead_lettered: await topicSize(names.dlq).catch(() => 0),
        lost: ids.length - found,
        duplicated: (await countDocs(names.alias)) - found,
        recovery_seconds: Math.round((done - killed) / 100) / 10,
        rebalance_seconds: Math.round((rebalanced - killed) / 100) / 10,
        keyed_assignment_before_kill: shared,
        raw_committed_at_kill: atKill.raw,
        keyed_committed_at_kill: atKill.keyed.committed,
        keyed_end_at_kill: atKill.keyed.end,
        keyed_records: keyedRecords,
        alerts_expected: EXPECTED.length,
        alerts_on_moved_partitions: moved.length,
        alerts_topic_rewritten: rewritten,
      });
      // One key, one keyed partition, whichever instance wrote it.
      for (const e of EXPECTED) expect(partitionsOf.get(JSON.stringify(e.group))?.size, `keyed partitions of ${JSON.stringify(e.group)}`).toBe(1);
      expect(moved.length, 'attacks whose windows were on the killed instance').toBeGreaterThan(0);
      // The survivor read the victim's keyed partitions' windows back from the state topic, partition for partition.
      const restored = restoredScopes(survivor, names.keyedState, killed);
      for (const p of victimKeyed) expect(restored, `windows of keyed partition ${p} restored by the survivor`).toContain(`${names.keyed}/${p}`);
      await expectAlertsIndex(names, EXPECTED);
      await expectEventsOnce(names, ALL);
    } finally {
      for (const p of running) p.child.kill('SIGKILL');
      running.forEach((p, i) => saveLog(i === 0 ? 'keyed-rebalance-victim' : 'keyed-rebalance-survivor', p.output()));
    }
  }, 180_000);
});
