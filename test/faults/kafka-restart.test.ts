/**
 * The Kafka broker restarted mid-stream (controlled shutdown, then start):
 * fetches, commits, dead letters and state checkpoints all fail for a while.
 * Sift must ride it out and deliver every event and alert exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildWorkload,
  checkDelivery,
  expectExactlyOnce,
  cleanupFault,
  committedNow,
  faultConfig,
  faultNames,
  produceWorkload,
  report,
  saveLog,
  stack,
  stackUp,
  waitAllCommitted,
} from '../helpers/fault-check.js';
import { createTopic, startSift, waitFor } from '../helpers/stack.js';

const names = faultNames('kafka-restart');
afterAll(async () => {
  await stackUp();
  await cleanupFault(names);
});

describe('Kafka broker restart', () => {
  it('delivers every event and alert exactly once across a broker restart mid-stream', async () => {
    const w = buildWorkload(names, { count: 4000, seed: 13, partitions: 3 });
    const total = w.records.length;
    await createTopic(names.topic, 3);
    await produceWorkload(names.topic, w);
    const sift = startSift(faultConfig(names, { partitions: 3 }));
    try {
      await waitFor(async () => ((await committedNow(names)) ?? 0) > 0, 60_000, 'a first commit');
      const down = Date.now();
      await stack('restart', 'kafka');
      const up = Date.now();
      const atRestart = await committedNow(names);
      const done = await waitAllCommitted(names, total, 120_000, [sift]);
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);
      const d = report('kafka-restart', { ...(await checkDelivery(names, w)), recovery_seconds: (done - up) / 1000 }, {
        outage_seconds: Math.round((up - down) / 100) / 10,
        committed_after_restart: atRestart ?? -1,
      });
      expect(atRestart).toBeLessThan(total); // really mid-stream
      expectExactlyOnce(d);
    } finally {
      sift.child.kill('SIGKILL');
      saveLog('kafka-restart', sift.output());
    }
  }, 240_000);
});
