/**
 * The dead-letter topic unwritable for a while, on the real broker. Raising
 * its min.insync.replicas to 2 (replication factor 1) does not do it: Kafka
 * 3.9 still took acks=all produces (tried: three sends, all acknowledged).
 * So the topic is deleted under the running Sift and created again (same
 * partitions and max.message.bytes as Sift creates it) a few seconds later,
 * as an operator's or a cleanup script's mistake would: meanwhile every
 * produce to it fails with UNKNOWN_TOPIC_OR_PARTITION, which is retriable.
 *
 * The workload carries dead letters (5% malformed records), produced after
 * the deletion, so batches must wait: no partition may be committed past a
 * record whose dead letter is not written, every dead letter ends in the DLQ
 * exactly once and every good event is indexed exactly once.
 *
 * No service is stopped (the fault is a topic): this runs beside other
 * tests on the shared stack, on its own topics.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildWorkload,
  checkDelivery,
  cleanupFault,
  expectExactlyOnce,
  faultConfig,
  faultNames,
  produceWorkload,
  report,
  sampler,
  saveLog,
  waitAllCommitted,
} from '../helpers/fault-check.js';
import { createTopic, kafka, offsets, startSift, waitFor } from '../helpers/stack.js';

const names = faultNames('dlq-unwritable');
const PARTITIONS = 2;
afterAll(() => cleanupFault(names));

async function withAdmin<T>(f: (admin: ReturnType<typeof kafka.admin>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await admin.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOLD_MS = 5000;

describe('Dead-letter topic unwritable', () => {
  it('commits no partition past an unwritten dead letter while the DLQ is gone, then delivers every event and dead letter exactly once', async () => {
    const w = buildWorkload(names, { count: 1500, seed: 41, partitions: PARTITIONS, badRatio: 0.05 });
    const total = w.records.length;
    await createTopic(names.topic, PARTITIONS);
    const sift = startSift(faultConfig(names, { partitions: PARTITIONS, kafka: { session_timeout_ms: 30_000 } }));
    const commits = sampler(async () => (await offsets(names.group, names.topic).catch(() => undefined))?.byPartition);
    try {
      // Sift created the DLQ at start and joined its group: then the DLQ goes.
      await waitFor(async () => (await fetch(`http://127.0.0.1:${sift.httpPort() ?? 0}/readyz`).catch(() => undefined))?.status === 200, 60_000, 'sift run to be ready');
      await withAdmin((a) => a.deleteTopics({ topics: [names.dlq] }));
      await waitFor(async () => !(await withAdmin((a) => a.listTopics())).includes(names.dlq), 30_000, 'the DLQ to be deleted');
      const from = Date.now();
      await produceWorkload(names.topic, w);
      // Per partition, the first record that must leave a dead letter: no commit may pass it while the DLQ is gone.
      const firstDead = new Map<number, number>();
      for (const key of w.dead.keys()) {
        const [p, o] = key.split('/').map(Number) as [number, number];
        if (o < (firstDead.get(p) ?? Infinity)) firstDead.set(p, o);
      }
      expect(firstDead.size).toBe(PARTITIONS); // every partition has a dead letter to wait for
      await sleep(HOLD_MS);
      await withAdmin((a) => a.createTopics({ topics: [{ topic: names.dlq, numPartitions: PARTITIONS, configEntries: [{ name: 'max.message.bytes', value: String(64 * 1024 * 1024) }] }] }));
      const liftedAt = Date.now();
      const done = await waitAllCommitted(names, total, 60_000, [sift]);
      await commits.stop();
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);

      const during = commits.between(from, liftedAt).filter((m) => m !== undefined);
      const past = during.flatMap((m) => [...m].filter(([p, c]) => c > (firstDead.get(p) ?? Infinity)).map(([p, c]) => `${p}@${c}`));
      const held = [...firstDead].map(([p, o]) => `${p}:${Math.max(...during.map((m) => m.get(p) ?? 0))}<=${o}`).join(',');
      const d = report('dlq-unwritable', { ...(await checkDelivery(names, w)), recovery_seconds: (done - liftedAt) / 1000 }, {
        committed_past_unwritten: past.length,
        held_at: held,
        dlq_deleted_seconds: Math.round((liftedAt - from) / 100) / 10,
      });
      expect(during.length).toBeGreaterThan(5);
      expect(past, 'partition@offset committed past a dead letter not yet written').toEqual([]);
      expectExactlyOnce(d);
    } finally {
      await commits.stop();
      sift.child.kill('SIGKILL');
      saveLog('dlq-unwritable', sift.output());
    }
  }, 120_000);
});
