/**
 * A consumer that outlives its session: one `sift run` stalls inside a batch
 * (failpoint `ingest.after-index=1*sleep(ms)` blocks the whole process, as a
 * long GC pause or a CPU-bound step would, so no heartbeat goes out) for
 * longer than kafka.session_timeout_ms. The group evicts it and a second
 * instance takes over its partitions and delivers them. Then the stalled
 * instance wakes with its batch in hand and a generation that is gone: it
 * must not commit over the new owner, nor write that batch's dead letters or
 * alerts a second time. Every event, dead letter and alert exactly once, and
 * nothing written twice to the DLQ or the alerts topic.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildWorkload,
  checkDelivery,
  cleanupFault,
  committedNow,
  expectExactlyOnce,
  faultConfig,
  faultNames,
  produceWorkload,
  report,
  sampler,
  saveLog,
  waitAllCommitted,
} from '../helpers/fault-check.js';
import { assignmentOf } from '../helpers/keyed-faults.js';
import { createTopic, startSift, waitFor, type SiftProcess } from '../helpers/stack.js';

const names = faultNames('session-outlived');
afterAll(() => cleanupFault(names));

const PARTITIONS = 2;
const SESSION_MS = 6000; // the broker's group.min.session.timeout.ms
const STALL_MS = 12_000; // session timeout, the survivor's start and its take-over fit inside

describe('a consumer that outlives its session', () => {
  it('the evicted instance wakes inside a stale batch and neither commits nor writes it again', async () => {
    // 5 % malformed: dead letters in every batch, so the stale batch has some to write twice.
    const w = buildWorkload(names, { count: 1500, seed: 23, partitions: PARTITIONS, badRatio: 0.05 });
    const total = w.records.length;
    await createTopic(names.topic, PARTITIONS);
    await produceWorkload(names.topic, w);
    // A whole partition per fetch: the stalled batch holds that partition's alerts too.
    const config = faultConfig(names, { partitions: PARTITIONS, kafka: { session_timeout_ms: SESSION_MS, max_bytes_per_partition: 1024 * 1024 } });
    const stalled = startSift(config, { SIFT_FAILPOINTS: `ingest.after-index=1*sleep(${STALL_MS})` });
    const running: SiftProcess[] = [stalled];
    const commits = sampler(() => committedNow(names));
    try {
      await waitFor(() => stalled.output().includes('failpoint ingest.after-index: sleep'), 60_000, 'the first instance to stall in a batch', 50);
      const stallAt = Date.now();
      const survivor = startSift(config);
      running.push(survivor);
      await waitFor(() => assignmentOf(survivor, names.topic).length === PARTITIONS, 60_000, 'the survivor to own every partition');
      const tookOver = Date.now();
      const wokeBeforeTakeover = stalled.output().includes('failpoint ingest.after-index: awake');
      await waitFor(() => stalled.output().includes('failpoint ingest.after-index: awake'), 60_000, 'the stalled instance to wake');
      const committedAtWake = (await committedNow(names)) ?? -1;
      const done = await waitAllCommitted(names, total, 90_000, running);
      await commits.stop();
      for (const p of running) p.child.kill('SIGTERM');
      for (const p of running) expect(await p.exited).toBe(0);
      const seen = commits.samples.map((s) => s.value).filter((c) => c !== undefined);
      const d = report('session-outlived', { ...(await checkDelivery(names, w)), recovery_seconds: (done - stallAt) / 1000 }, {
        partitions: PARTITIONS,
        session_timeout_ms: SESSION_MS,
        stall_ms: STALL_MS,
        takeover_seconds: Math.round((tookOver - stallAt) / 100) / 10,
        committed_at_wake: committedAtWake,
        committed_went_back: seen.some((c, i) => i > 0 && c < (seen[i - 1] ?? 0)),
      });
      expect(wokeBeforeTakeover).toBe(false); // the take-over happened while it slept
      expectExactlyOnce(d);
      expect(d.committed_went_back).toBe(false);
      // What the stale batch would have written a second time: its dead letters and its alerts.
      expect(d.dlq_redelivered).toBe(0);
      expect(d.alerts_topic_rewritten).toBe(0);
    } finally {
      await commits.stop();
      for (const p of running) p.child.kill('SIGKILL');
      saveLog('session-outlived-stalled', stalled.output());
      if (running[1]) saveLog('session-outlived-survivor', running[1].output());
    }
  }, 180_000);
});
