/**
 * `sift run` SIGKILLed mid-batch five times in a row, each time at a random
 * moment after that run's commits began, then run to completion: the events,
 * the dead letters and the alerts (stateful windows restored from the state
 * topic each time) come out exactly as one uninterrupted run would make them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkload, checkDelivery, expectExactlyOnce, cleanupFault, committedNow, faultConfig, faultNames, produceWorkload, report, saveLog, waitAllCommitted } from '../helpers/fault-check.js';
import { seededRandom } from '../../src/generate/index.js';
import { createTopic, startSift, waitFor } from '../helpers/stack.js';

const names = faultNames('kill-loop');
afterAll(() => cleanupFault(names));

const KILLS = 5;

describe('repeated crashes', () => {
  it('survives five SIGKILLs at random points, then finishes with every event and alert exactly once', async () => {
    // Sized so five runs of at most 0.5 s past their first commit cannot finish it: at 6,000 events
    // a fresh-clone CI saw a kill land after the last record was committed (the 'mid-stream' check).
    const w = buildWorkload(names, { count: 12000, seed: 14, partitions: 3 });
    const total = w.records.length;
    await createTopic(names.topic, 3);
    await produceWorkload(names.topic, w);
    const config = faultConfig(names, { partitions: 3 });
    const seed = Date.now() % 1_000_000; // recorded: a failing run's kill delays can be replayed
    const random = seededRandom(seed);
    const atKill: number[] = [];
    const logs: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const from = (await committedNow(names)) ?? 0;
      const sift = startSift(config);
      try {
        await waitFor(async () => ((await committedNow(names)) ?? 0) > from, 60_000, `run ${k + 1} to commit`, 100);
        await new Promise((r) => setTimeout(r, Math.floor(random() * 500)));
        sift.child.kill('SIGKILL');
        expect(await sift.exited).toBe('SIGKILL');
        atKill.push((await committedNow(names)) ?? -1);
      } finally {
        sift.child.kill('SIGKILL');
        logs.push(sift.output());
      }
    }
    const last = startSift(config);
    const restarted = Date.now();
    try {
      const done = await waitAllCommitted(names, total, 120_000, [last]);
      // The last kill can land after the final commit: then everything is committed before this
      // instance even runs its first line, and a SIGTERM then meets Node's default handler (no
      // program can catch it yet). Stop it once it is consuming, as an operator's rollout would.
      await waitFor(() => last.output().includes('"msg":"Consuming."'), 60_000, 'the last instance to consume');
      last.child.kill('SIGTERM');
      expect(await last.exited).toBe(0);
      const d = report('kill-loop', { ...(await checkDelivery(names, w)), recovery_seconds: (done - restarted) / 1000 }, {
        kills: KILLS,
        kill_seed: seed,
        committed_at_kills: atKill.join(','),
      });
      expect(Math.max(...atKill)).toBeLessThan(total); // every kill landed mid-stream
      expectExactlyOnce(d);
    } finally {
      last.child.kill('SIGKILL');
      saveLog('kill-loop', [...logs, last.output()].join('\n==== restart ====\n'));
    }
  }, 240_000);
});
