/**
 * Hand-written attacks in waves for the keyed-mode fault tests that move
 * partitions between several instances (fresh-start-race, rolling-restart),
 * and the one check they end with.
 *
 * Each threshold user fails 6 times a minute apart, each sequence user fails
 * 3 times then signs in; attack events are spread over the waves (every
 * attack straddles every wave boundary it can), one event per record,
 * between noise records that trip nothing (keyed-faults.ts's noise()). The
 * expected alerts are written out from docs/rules.md's semantics, as in
 * keyed-rebalance.test.ts: a threshold user's 6 failures lie within 5m, so
 * the 6th fires with exactly those 6 (window start = the first); a sequence
 * user's 3 failures then success lie within 4m (count 4, window start = the
 * first failure). Nobody else trips a rule: threshold users never succeed,
 * sequence users fail 3 times (< 6), noise users once.
 */
import { expect } from 'vitest';
import { recordFault } from './faults.js';
import {
  PARTITIONS,
  SEQUENCE_RULE,
  THRESHOLD_RULE,
  assignmentOf,
  eventIds,
  expectAlertsIndex,
  expectAlertsTopic,
  expectEventsOnce,
  noise,
  produceRoundRobin,
  signIn,
  type ExpectedAlert,
  type KeyedNames,
  type TestEvent,
  type TestRecord,
} from './keyed-faults.js';
import { countDocs, foundIds, topicSize, waitFor, type SiftProcess } from './stack.js';

const pad = (n: number): string => String(n).padStart(2, '0');

export interface AttackWaves {
  readonly waves: readonly TestRecord[][];
  readonly all: readonly TestRecord[];
  readonly expected: readonly ExpectedAlert[];
}

/**
 * `thresholdUsers` (≤ 20) threshold attacks and `sequenceUsers` (≤ 10)
 * sequence attacks spread over `waves` waves, with `noiseUsers` noise users
 * per wave. Event j of an attack of n events goes to wave ⌊j·waves/n⌋.
 */
export function attackWaves(label: string, o: { thresholdUsers: number; sequenceUsers: number; waves: number; noiseUsers: number }): AttackWaves {
  const threshold: TestEvent[][] = Array.from({ length: o.thresholdUsers }, (_, k) =>
    Array.from({ length: 6 }, (_, j) => signIn(`${label}-t${k}-f${j + 1}`, `${label}-t${k}@example.com`, `10:0${j}:${pad(3 * k)}`, 'FAILURE')),
  );
  const sequence: TestEvent[][] = Array.from({ length: o.sequenceUsers }, (_, k) => [
    ...[0, 1, 2].map((j) => signIn(`${label}-q${k}-f${j + 1}`, `${label}-q${k}@example.com`, `10:0${j}:${pad(30 + 3 * k)}`, 'FAILURE')),
    signIn(`${label}-q${k}-s`, `${label}-q${k}@example.com`, `10:04:${pad(30 + 3 * k)}`, 'SUCCESS'),
  ]);
  const waves = Array.from({ length: o.waves }, (_, w) => {
    const attack = [...threshold, ...sequence].flatMap((a) => a.filter((_, j) => Math.floor((j * o.waves) / a.length) === w));
    const background = noise(`${label}-w${w}`, o.noiseUsers, 2 * w);
    // Interleave: one attack event after each noise record, the rest at the end.
    const out: TestRecord[] = [];
    background.forEach((r, i) => {
      out.push(r);
      const e = attack[i];
      if (e) out.push([e]);
    });
    return [...out, ...attack.slice(background.length).map((e) => [e])];
  });
  const expected: ExpectedAlert[] = [
    ...threshold.map((events, k) => ({ rule: THRESHOLD_RULE, group: [`${label}-t${k}@example.com`], count: 6, windowStart: `10:00:${pad(3 * k)}`, events })),
    ...sequence.map((events, k) => ({ rule: SEQUENCE_RULE, group: [`${label}-q${k}@example.com`], count: 4, windowStart: `10:00:${pad(30 + 3 * k)}`, events })),
  ];
  return { waves, all: waves.flat(), expected };
}

/** Produces records slowly: one per raw partition at a time, `pauseMs` apart; returns the next partition. */
export async function produceSlowly(topic: string, records: readonly TestRecord[], next: number, pauseMs = 150): Promise<number> {
  let p = next;
  for (let i = 0; i < records.length; i += PARTITIONS) {
    p = await produceRoundRobin(topic, records.slice(i, i + PARTITIONS), p);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return p;
}

/**
 * The group has settled over `running`: for the raw topic and the keyed
 * topic alike, each instance's latest assignment is non-empty and together
 * they hold every partition once (a member that has not rejoined the new
 * generation still shows its old, larger share, so the sum is off until all did).
 */
function settledOver(running: readonly SiftProcess[], names: KeyedNames): boolean {
  return [names.topic, names.keyed].every((topic) => {
    const shares = running.map((p) => assignmentOf(p, topic));
    const held = shares.flat();
    return shares.every((s) => s.length > 0) && held.length === PARTITIONS && new Set(held).size === PARTITIONS;
  });
}

/** Waits until the group settled over `running` (settledOver); fails at once, with its last errors, if one of them exits. */
export async function waitSettled(running: readonly SiftProcess[], names: KeyedNames, timeoutMs = 60_000): Promise<void> {
  let settled = false;
  const exits = running.map((p) =>
    p.exited.then((code) => {
      if (!settled) throw new Error(`sift run exited (${code}) before the group settled:\n${p.output().split('\n').filter((l) => /"level":(50|60)/.test(l)).slice(-2).map((l) => l.slice(0, 400)).join('\n')}`);
      return new Promise<never>(() => undefined);
    }),
  );
  try {
    await Promise.race([waitFor(() => settledOver(running, names), timeoutMs, `the ${running.length} instances to share the raw and keyed partitions`), ...exits]);
  } finally {
    settled = true;
  }
}

/** SIGTERMs the instances at once (one after the other takes longer: each waits out a rebalance), each expected to exit 0. */
export async function stopAll(running: readonly SiftProcess[]): Promise<void> {
  for (const p of running) p.child.kill('SIGTERM');
  expect(await Promise.all(running.map((p) => p.exited))).toEqual(running.map(() => 0));
}

/**
 * The end of a keyed fault test: records the figures under `scenario`, then
 * asserts every event indexed once by `_id` (nothing dead-lettered) and the
 * alerts index and topic holding exactly the hand-written alerts.
 */
export async function expectKeyedExactlyOnce(scenario: string, names: KeyedNames, a: AttackWaves, recoverySeconds: number, extra: Record<string, number | string | boolean>): Promise<void> {
  const ids = eventIds(a.all);
  const found = await foundIds(names.alias, ids);
  const rewritten = await expectAlertsTopic(names, a.expected);
  recordFault(scenario, {
    produced: a.all.length,
    indexed: found,
    dead_lettered: await topicSize(names.dlq).catch(() => 0),
    lost: ids.length - found,
    duplicated: (await countDocs(names.alias)) - found,
    recovery_seconds: Math.round(recoverySeconds * 10) / 10,
    events: ids.length,
    alerts_expected: a.expected.length,
    alerts_topic_rewritten: rewritten,
    keyed_records: await topicSize(names.keyed).catch(() => 0),
    ...extra,
  });
  await expectAlertsIndex(names, a.expected);
  await expectEventsOnce(names, a.all);
  expect(found).toBe(ids.length);
}
