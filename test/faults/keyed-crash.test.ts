/**
 * Keyed stateful detection (issue 10) survives a crash at each of its three
 * exact steps. `sift run` is started with one failpoint armed
 * (src/shared/failpoint.ts) and SIGKILLs itself the first time it gets there:
 * - ingest.after-keyed-write: a source batch's keyed records acked, its source
 *   offsets not committed (the batch is re-keyed after the restart, so the
 *   detect stage sees its events twice and must count them once);
 * - detect.after-alert-write: a keyed batch's alerts written, its windows not
 *   checkpointed (replayed from the last checkpoint: same alerts, same ids);
 * - detect.after-checkpoint: windows checkpointed, keyed offsets not committed
 *   (the replayed keyed records are already in the windows).
 *
 * Hand-written attacks on a 6-partition raw topic filled round-robin, so each
 * attack is spread over partitions and only re-keying by user joins it. Each
 * failpoint crashes two instances, in two situations:
 * 1. Fresh: the first half of the attacks is in the topic; the first instance
 *    crashes at its first batch, with no checkpoint yet. A clean instance
 *    then consumes that half (windows checkpointed) and stops.
 * 2. Mid-attack with an alert in flight: one raw record (an API page) brings
 *    dave's 6th failure and his success, which complete both of his attacks,
 *    whose other events are already in the windows. It is the only new
 *    record, so the next armed instance crashes exactly on it: after
 *    re-keying it, after writing dave's two alerts, or after checkpointing
 *    them. The rest of bob's and carol's attacks arrives while it is down;
 *    a last instance finishes.
 * Replaying dave's page twice would show: his sequence would fire again on
 * failures 4–6 and the replayed success (an alert that must not exist).
 * The expected alerts are written by hand below (docs/rules.md semantics):
 * each must be in the alerts index once, with exactly its events: a window
 * lost in a crash misses its alert, a replay applied twice fires early or
 * again, on other events.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { recordFault } from '../helpers/faults.js';
import {
  PARTITIONS,
  SEQUENCE_RULE,
  THRESHOLD_RULE,
  cleanupKeyed,
  eventIds,
  expectAlertsIndex,
  expectAlertsTopic,
  expectEventsOnce,
  keyedConfig,
  keyedEventCount,
  keyedNames,
  noise,
  produceRoundRobin,
  signIn,
  waitAllDetected,
  writeRules,
  type ExpectedAlert,
  type KeyedNames,
  type TestRecord,
} from '../helpers/keyed-faults.js';
import { saveLog } from '../helpers/fault-check.js';
import { countDocs, createTopic, foundIds, keyedEventRecords, offsets, startSift, topicSize } from '../helpers/stack.js';

const F = 'FAILURE';
const S = 'SUCCESS';

// dave: 6 failures within 2.5 min and a success at 10:03; the first 5 (two in one API page) in the first half.
const dave = ['10:00:00', '10:00:30', '10:01:00', '10:01:30', '10:02:00', '10:02:30'].map((t, i) => signIn(`dave-f${i + 1}`, 'dave@example.com', t, F));
const daveSuccess = signIn('dave-s', 'dave@example.com', '10:03:00', S);
// bob: 6 failures a minute apart (10:01–10:06): 3 in the first half (two in one page), 3 at the end.
const bob = ['10:01:00', '10:02:00', '10:03:00', '10:04:00', '10:05:00', '10:06:00'].map((t, i) => signIn(`bob-f${i + 1}`, 'bob@example.com', t, F));
// carol: 2 failures in the first half; the 3rd failure and the success at the end, in one API page.
const carol = [signIn('carol-f1', 'carol@example.com', '10:02:00', F), signIn('carol-f2', 'carol@example.com', '10:02:40', F), signIn('carol-f3', 'carol@example.com', '10:03:20', F), signIn('carol-s', 'carol@example.com', '10:04:00', S)];
// erin: a whole sequence (3 failures, then a success) in the first half.
const erin = [signIn('erin-f1', 'erin@example.com', '10:05:00', F), signIn('erin-f2', 'erin@example.com', '10:05:20', F), signIn('erin-f3', 'erin@example.com', '10:05:40', F), signIn('erin-s', 'erin@example.com', '10:06:00', S)];

const one = (e: TestRecord[number] | undefined): TestRecord => (e ? [e] : []);

/** Attack records interleaved with noise, so round-robin spreads each attack over the partitions. */
function mix(attack: TestRecord[], background: TestRecord[]): TestRecord[] {
  const out: TestRecord[] = [];
  const step = Math.max(1, Math.floor(background.length / Math.max(1, attack.length)));
  background.forEach((r, i) => {
    out.push(r);
    if (i % step === 0 && attack.length > 0) out.push(attack.shift() ?? []);
  });
  return [...out, ...attack].filter((r) => r.length > 0);
}

const BEFORE = mix(
  [one(dave[0]), one(bob[0]), one(carol[0]), one(erin[0]), one(dave[1]), [dave[2], dave[3]].flatMap(one), [bob[1], bob[2]].flatMap(one), one(erin[1]), one(carol[1]), one(dave[4]), one(erin[2]), one(erin[3])],
  noise('calm', 20, 0),
);
/** One API page: the only record the second armed instance sees. */
const DAVE_PAGE: TestRecord[] = [[dave[5], daveSuccess].flatMap(one)];
const AFTER = mix([one(bob[3]), [carol[2], carol[3]].flatMap(one), one(bob[4]), one(bob[5])], noise('busy', 20, 10));

/**
 * By hand, from docs/rules.md: a threshold fires on its 6th event within
 * 10m, covering exactly those 6 (window start = the earliest); a sequence
 * fires when 3 failures then a success of one user lie within 10m, greedily
 * from the oldest failure (count 4, window start = its first event). Nobody
 * else trips a rule: bob never signs in successfully, carol and erin fail
 * only 3 times (< 6), and each noise user fails once.
 */
const EXPECTED: ExpectedAlert[] = [
  { rule: THRESHOLD_RULE, group: ['dave@example.com'], count: 6, windowStart: '10:00:00', events: dave },
  { rule: SEQUENCE_RULE, group: ['dave@example.com'], count: 4, windowStart: '10:00:00', events: [...dave.slice(0, 3), daveSuccess] },
  { rule: THRESHOLD_RULE, group: ['bob@example.com'], count: 6, windowStart: '10:01:00', events: bob },
  { rule: SEQUENCE_RULE, group: ['carol@example.com'], count: 4, windowStart: '10:02:00', events: carol },
  { rule: SEQUENCE_RULE, group: ['erin@example.com'], count: 4, windowStart: '10:05:00', events: erin },
];

const ALL = [...BEFORE, ...DAVE_PAGE, ...AFTER];
const rulesDir = writeRules();
const used: KeyedNames[] = [];
afterAll(async () => {
  for (const names of used) await cleanupKeyed(names);
}, 120_000);

/** Waits for the instance to exit, at most `ms`; undefined when it is still running. */
async function exitWithin(p: ReturnType<typeof startSift>, ms: number): Promise<number | string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts an instance with `failpoint` armed and expects it to SIGKILL itself there; returns its log. */
async function crashAt(config: Record<string, unknown>, failpoint: string): Promise<string> {
  const p = startSift(config, { SIFT_FAILPOINTS: failpoint });
  try {
    const code = await exitWithin(p, 60_000);
    expect(code, `the instance must SIGKILL itself at ${failpoint}`).toBe('SIGKILL');
    expect(p.output()).toContain(`failpoint ${failpoint}: SIGKILL`);
  } finally {
    p.child.kill('SIGKILL');
  }
  return p.output();
}

/** What the topics hold right after a crash: where it landed. */
async function snapshot(names: KeyedNames) {
  return {
    raw_committed: (await offsets(names.group, names.topic)).committed,
    keyed_records: await topicSize(names.keyed).catch(() => 0),
    checkpoints: await topicSize(names.keyedState).catch(() => 0),
    alert_records: await topicSize(names.alertsTopic).catch(() => 0),
  };
}

/** Starts a clean instance, waits until the first `total` raw records are consumed and detected, stops it; returns its log. */
async function runUntilDetected(names: KeyedNames, config: Record<string, unknown>, total: number): Promise<string> {
  const p = startSift(config);
  try {
    await waitAllDetected(names, total, [p]);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  } finally {
    p.child.kill('SIGKILL');
  }
  return p.output();
}

async function crashAndRecover(failpoint: string) {
  const names = keyedNames(`kc-${failpoint}`);
  used.push(names);
  const config = keyedConfig(names, rulesDir);
  const logs: string[] = [];
  try {
    await createTopic(names.topic, PARTITIONS);
    let next = await produceRoundRobin(names.topic, BEFORE);
    // 1. Fresh: crash at the first batch, then a clean run over the first half.
    logs.push(await crashAt(config, failpoint));
    const fresh = await snapshot(names);
    logs.push(await runUntilDetected(names, config, BEFORE.length));
    const settled = await snapshot(names);

    // 2. Dave's page completes his attacks; the armed instance crashes on it.
    next = await produceRoundRobin(names.topic, DAVE_PAGE, next);
    logs.push(await crashAt(config, failpoint));
    const inFlight = await snapshot(names);
    await produceRoundRobin(names.topic, AFTER, next);
    const last = startSift(config);
    const restarted = Date.now();
    try {
      await waitAllDetected(names, ALL.length, [last]);
      const recovered = Date.now();
      last.child.kill('SIGTERM');
      expect(await last.exited).toBe(0);
      const ids = eventIds(ALL);
      const found = await foundIds(names.alias, ids);
      // Events only: the source markers beside them would make a rewrite look like one.
      const keyedRecords = await keyedEventRecords(names.keyed);
      const rewritten = await expectAlertsTopic(names, EXPECTED);
      recordFault(`keyed-crash ${failpoint}`, {
        produced: ALL.length,
        indexed: found,
        dead_lettered: await topicSize(names.dlq).catch(() => 0),
        lost: ids.length - found,
        duplicated: (await countDocs(names.alias)) - found,
        recovery_seconds: Math.round((recovered - restarted) / 100) / 10,
        alerts_expected: EXPECTED.length,
        alerts_topic_rewritten: rewritten,
        keyed_records: keyedRecords,
        keyed_records_distinct: keyedEventCount(ALL),
        ...Object.fromEntries(Object.entries(fresh).map(([k, v]) => [`first_crash_${k}`, v])),
        ...Object.fromEntries(Object.entries(inFlight).map(([k, v]) => [`second_crash_${k}`, v])),
      });
      await expectAlertsIndex(names, EXPECTED);
      await expectEventsOnce(names, ALL);
      // Every selected event was re-keyed at least once (one group value each here).
      expect(keyedRecords).toBeGreaterThanOrEqual(keyedEventCount(ALL));
      return { fresh, settled, inFlight, keyedRecords };
    } finally {
      last.child.kill('SIGKILL');
      logs.push(last.output());
    }
  } finally {
    saveLog(`keyed-crash-${failpoint}`, logs.join('\n==== restart ====\n'));
  }
}

describe('keyed detection across a crash at each step', () => {
  it('ingest.after-keyed-write: the re-keyed replay of a crashed batch counts once', async () => {
    const { fresh, settled, inFlight, keyedRecords } = await crashAndRecover('ingest.after-keyed-write');
    // Each crash was where it was meant to be: keyed records acked, their source batch not committed.
    expect(fresh.keyed_records).toBeGreaterThan(0);
    expect(fresh.raw_committed).toBeLessThan(BEFORE.length);
    expect(inFlight.keyed_records).toBeGreaterThan(settled.keyed_records);
    expect(inFlight.raw_committed).toBe(BEFORE.length);
    // So both batches were re-keyed after the restarts.
    expect(keyedRecords).toBeGreaterThan(keyedEventCount(ALL));
  }, 170_000);

  it('detect.after-alert-write: windows replayed from the last checkpoint raise the same alerts once', async () => {
    const { fresh, settled, inFlight } = await crashAndRecover('detect.after-alert-write');
    expect(fresh.keyed_records).toBeGreaterThan(0);
    // Dave's alerts were written before the second crash, his windows not checkpointed.
    expect(inFlight.alert_records).toBeGreaterThan(settled.alert_records);
    expect(inFlight.checkpoints).toBe(settled.checkpoints);
  }, 170_000);

  it('detect.after-checkpoint: keyed records replayed after their checkpoint are not counted again', async () => {
    const { fresh, settled, inFlight } = await crashAndRecover('detect.after-checkpoint');
    expect(fresh.checkpoints).toBeGreaterThan(0);
    // Dave's alerts and windows were written before the second crash, the keyed offsets not committed.
    expect(inFlight.alert_records).toBeGreaterThan(settled.alert_records);
    expect(inFlight.checkpoints).toBeGreaterThan(settled.checkpoints);
  }, 170_000);
});
