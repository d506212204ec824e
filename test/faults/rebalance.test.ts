/**
 * Two `sift run` instances share a consumer group over a 6-partition topic
 * (the second joins while the first consumes); one is SIGKILLed mid-stream. After its session times out the group
 * rebalances, the survivor takes its partitions (restoring their rule windows
 * from the state topic) and finishes everything: every event and alert exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkload, checkDelivery, expectExactlyOnce, cleanupFault, committedNow, faultConfig, faultNames, produceWorkload, report, saveLog, waitAllCommitted } from '../helpers/fault-check.js';
import { createTopic, startSift, waitFor, type SiftProcess } from '../helpers/stack.js';

const names = faultNames('rebalance');
afterAll(() => cleanupFault(names));

/** Partitions of the instance's latest assignment, from its "Joined the consumer group." log lines. */
function assignment(p: SiftProcess): number[] {
  const joins = p.output().split('\n').filter((l) => l.includes('Joined the consumer group.'));
  const last = joins[joins.length - 1];
  if (last === undefined) return [];
  const parsed = JSON.parse(last) as { assignment: Record<string, number[]> };
  return parsed.assignment[names.topic] ?? [];
}

describe('rebalance after a crash', () => {
  it('the survivor of two instances finishes everything after the other is SIGKILLed', async () => {
    const PARTITIONS = 6;
    const w = buildWorkload(names, { count: 6000, seed: 15, partitions: PARTITIONS });
    const total = w.records.length;
    const early = Math.floor(total / 6); // records; the rest arrives once the group is split, so the kill lands mid-stream
    await createTopic(names.topic, PARTITIONS);
    await produceWorkload(names.topic, w, 0, early);
    const config = faultConfig(names, { partitions: PARTITIONS, kafka: { partitions_concurrently: 3 } });
    // The second instance joins a group already consuming (scale-out): a first rebalance splits the
    // partitions, the kill makes a second. (Two instances starting at the very same moment can also
    // race on creating the shared topics; that start-up race is not what this test is about.)
    const victim = startSift(config);
    const running: SiftProcess[] = [victim];
    try {
      await waitFor(async () => ((await committedNow(names)) ?? 0) > 0, 60_000, 'the first instance to commit');
      const survivor = startSift(config);
      running.push(survivor);
      await waitFor(() => assignment(victim).length > 0 && assignment(survivor).length > 0 && assignment(victim).length + assignment(survivor).length === PARTITIONS, 60_000, 'both instances to share the partitions');
      const shared = `${assignment(victim).join(',')} | ${assignment(survivor).join(',')}`;
      await produceWorkload(names.topic, w, early, total);
      await waitFor(async () => ((await committedNow(names)) ?? 0) > early, 60_000, 'commits after the split', 100);
      victim.child.kill('SIGKILL');
      const killed = Date.now();
      expect(await victim.exited).toBe('SIGKILL');
      const atKill = (await committedNow(names)) ?? -1;
      await waitFor(() => assignment(survivor).length === PARTITIONS, 60_000, 'the survivor to take every partition');
      const rebalanced = Date.now();
      const done = await waitAllCommitted(names, total, 120_000, [survivor]);
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
      const d = report('rebalance', { ...(await checkDelivery(names, w)), recovery_seconds: (done - killed) / 1000 }, {
        partitions: PARTITIONS,
        assignment_before_kill: shared,
        committed_at_kill: atKill,
        rebalance_seconds: Math.round((rebalanced - killed) / 100) / 10,
      });
      expect(atKill).toBeLessThan(total); // killed mid-stream
      expectExactlyOnce(d);
    } finally {
      for (const p of running) p.child.kill('SIGKILL');
      running.forEach((p, i) => saveLog(i === 0 ? 'rebalance-victim' : 'rebalance-survivor', p.output()));
    }
  }, 240_000);
});
