/**
 * The two shapes of a service outage mid-stream, shared by the fault tests
 * that take Kafka or Elasticsearch away (restart, freeze, stop, SIGKILL):
 * one `sift run` over a workload, the fault once commits have begun, then
 * every event, dead letter and alert checked exactly once, figures reported
 * under the scenario's name (also the name of its log in test-results/fault-logs/).
 */
import { expect } from 'vitest';
import {
  buildWorkload,
  checkDelivery,
  committedNow,
  expectExactlyOnce,
  faultConfig,
  metricValue,
  produceWorkload,
  report,
  sampler,
  saveLog,
  waitAllCommitted,
  type FaultNames,
} from './fault-check.js';
import { createTopic, startSift, waitFor } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WorkloadSize {
  readonly count: number;
  readonly seed: number;
}

/**
 * Elasticsearch out mid-stream (`begin`, at least `holdMs`, `end`): half the
 * records are produced before, half during the outage. While ES is out
 * nothing may commit and sift_ingest_paused must show it; once it is back
 * everything is delivered exactly once.
 */
export async function esOutage(
  scenario: string,
  names: FaultNames,
  size: WorkloadSize,
  fault: { begin: () => Promise<void>; end: () => Promise<void>; holdMs: number },
): Promise<void> {
  const w = buildWorkload(names, { ...size, partitions: 3 });
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
    const d = report(scenario, { ...(await checkDelivery(names, w)), recovery_seconds: (done - up) / 1000 }, {
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
    saveLog(scenario, sift.output());
  }
}

/**
 * The Kafka broker out mid-stream (`fault` takes it down and brings it back):
 * every record is produced before, so fetches, commits, dead letters and
 * state checkpoints all fail while it is out; afterwards everything is
 * delivered exactly once.
 */
export async function brokerOutage(scenario: string, names: FaultNames, size: WorkloadSize, fault: () => Promise<void>): Promise<void> {
  const w = buildWorkload(names, { ...size, partitions: 3 });
  const total = w.records.length;
  await createTopic(names.topic, 3);
  await produceWorkload(names.topic, w);
  const sift = startSift(faultConfig(names, { partitions: 3 }));
  try {
    await waitFor(async () => ((await committedNow(names)) ?? 0) > 0, 60_000, 'a first commit');
    const down = Date.now();
    await fault();
    const up = Date.now();
    const atRestart = await committedNow(names);
    const done = await waitAllCommitted(names, total, 120_000, [sift]);
    sift.child.kill('SIGTERM');
    expect(await sift.exited).toBe(0);
    const d = report(scenario, { ...(await checkDelivery(names, w)), recovery_seconds: (done - up) / 1000 }, {
      outage_seconds: Math.round((up - down) / 100) / 10,
      committed_after_restart: atRestart ?? -1,
    });
    expect(atRestart).toBeLessThan(total); // really mid-stream
    expectExactlyOnce(d);
  } finally {
    sift.child.kill('SIGKILL');
    saveLog(scenario, sift.output());
  }
}
