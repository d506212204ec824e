/**
 * Elasticsearch hung (SIGSTOP) and Elasticsearch down (stopped, restarted)
 * mid-stream: Sift holds the batch, commits nothing while ES cannot take it,
 * shows it on sift_ingest_paused, and once ES is back delivers every event and
 * alert exactly once.
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
  metricValue,
  produceWorkload,
  report,
  saveLog,
  sampler,
  stack,
  stackUp,
  waitAllCommitted,
  type FaultNames,
} from '../helpers/fault-check.js';
import { createTopic, startSift, waitFor } from '../helpers/stack.js';

const used: FaultNames[] = [];
afterAll(async () => {
  await stackUp(); // thaws or restarts ES if a failed test left it down
  for (const names of used) await cleanupFault(names);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function outage(label: string, fault: { begin: () => Promise<void>; end: () => Promise<void>; holdMs: number }) {
  const names = faultNames(label);
  used.push(names);
  const w = buildWorkload(names, { count: 3000, seed: 11, partitions: 3 });
  const total = w.records.length;
  await createTopic(names.topic, 3);
  await produceWorkload(names.topic, w, 0, total / 2);
  const sift = startSift(faultConfig(names, { partitions: 3 }));
  try {
    // Past the first commits of every partition: the producer to the new DLQ, alerts and state topics is warm, so
    // a batch whose bulk finished before the fault cannot still be committing seconds into it.
    await waitFor(async () => ((await committedNow(names)) ?? 0) >= total / 10, 60_000, 'the first commits');
    const paused = sampler(() => metricValue(sift.httpPort(), 'sift_ingest_paused'));
    const commits = sampler(() => committedNow(names));
    await fault.begin();
    const down = Date.now();
    // The rest arrives while ES is out: the backlog must wait, not vanish.
    await produceWorkload(names.topic, w, total / 2, total);
    await sleep(Math.max(0, down + fault.holdMs - Date.now()));
    const before = await committedNow(names);
    // ES may take bulks before `stack.sh start` has seen it healthy: the outage surely lasted until `ending`.
    const ending = Date.now();
    await fault.end();
    const up = Date.now();
    const done = await waitAllCommitted(names, total, 90_000, [sift]);
    await paused.stop();
    await commits.stop();
    // Batches whose bulk finished just before the fault may still commit in its first moments.
    const during = commits.between(down + 2000, ending).filter((c) => c !== undefined);
    const timeline = commits.samples.map((c) => `${((c.at - down) / 1000).toFixed(1)}s:${c.value ?? '-'}`).join(' ');
    sift.child.kill('SIGTERM');
    expect(await sift.exited).toBe(0);
    const d = report(label, { ...(await checkDelivery(names, w)), recovery_seconds: (done - up) / 1000 }, {
      outage_seconds: Math.round((up - down) / 100) / 10,
      fault_end_seconds: Math.round((up - ending) / 100) / 10,
      committed_at_fault_end: before ?? -1,
      offsets_moved_during_outage: new Set(during).size > 1,
      paused_seen: paused.samples.some((s) => s.value === 1),
    });
    expect(before).toBeLessThan(total); // really mid-stream
    expect(during.length).toBeGreaterThan(3);
    expect(new Set(during).size, `committed offsets moved during the outage (s after its start: committed): ${timeline}`).toBe(1);
    expect(d.paused_seen).toBe(true);
    expectExactlyOnce(d);
  } finally {
    sift.child.kill('SIGKILL');
    saveLog(label, sift.output());
  }
}

describe('Elasticsearch outages mid-stream', () => {
  it('ES frozen (SIGSTOP) for 10 s, then thawed', async () => {
    await outage('es-frozen', { begin: () => stack('freeze', 'es'), end: () => stack('thaw', 'es'), holdMs: 10_000 });
  }, 180_000);

  it('ES stopped, then restarted', async () => {
    await outage('es-restarted', { begin: () => stack('stop', 'es'), end: () => stack('start', 'es'), holdMs: 5_000 });
  }, 240_000);
});
