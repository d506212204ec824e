/**
 * A misbehaving front between Sift and Elasticsearch (nginx, an ALB, a
 * black-holed load balancer), through the fault proxy's front modes
 * (test/helpers/es-proxy.ts), one proxy and one scenario per test:
 *
 * - es-413: bulk bodies over 64 KiB answered 413 with nginx's HTML page for
 *   the whole run. Sift must split them until they pass, dead-letter only the
 *   documents too large by themselves (SIFT_INDEX_TOO_LARGE, known by
 *   construction: the workload pads every 100th event past the limit) and
 *   never resend a request that was answered 413.
 * - es-malformed: bulk answers that are not bulk responses (cut JSON with 200,
 *   an HTML 502, an empty 200 that was never forwarded, a 200 with half the
 *   items). None is success, none is a rejection: retried until ES answers.
 * - es-half-open: requests read and never answered, connections left open,
 *   for over twice `elasticsearch.request_timeout_ms`; Sift times out and
 *   retries, and the documents the front did forward are not doubled.
 *
 * No service is stopped: these run beside other tests on the shared stack.
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
  type FaultNames,
} from '../helpers/fault-check.js';
import { startEsProxy, type EsProxy, type FrontMode } from '../helpers/es-proxy.js';
import { createTopic, startSift, waitFor } from '../helpers/stack.js';

const PARTITIONS = 2;
const used: FaultNames[] = [];
afterAll(() => Promise.all(used.map((n) => cleanupFault(n))));

interface Scenario {
  readonly seed: number;
  readonly front: FrontMode;
  /**
   * Set before Sift starts (its startup requests are not bulk requests, so
   * they pass) and held over the whole workload; otherwise set once half the
   * workload is committed through a passing proxy, before the other half is produced.
   */
  readonly fromStart?: boolean;
  readonly elasticsearch?: Record<string, unknown>;
  readonly oversized?: { every: number; bytes: number };
  /** Resolves when the fault has lasted long enough to lift it. */
  hold(proxy: EsProxy, names: FaultNames, total: number): Promise<void>;
}

/** One scenario: the fault over the workload, lifted, then every event checked. */
async function runScenario(name: string, s: Scenario) {
  const names = faultNames(name);
  used.push(names);
  const proxy = await startEsProxy(s.seed);
  const w = buildWorkload(names, { count: 1000, seed: s.seed, partitions: PARTITIONS, ...(s.oversized ? { oversized: s.oversized } : {}) });
  const total = w.records.length;
  const before = s.fromStart ? 0 : Math.floor(total / 2);
  await createTopic(names.topic, PARTITIONS);
  await produceWorkload(names.topic, w, 0, before);
  if (s.fromStart) proxy.setFront(s.front);
  // The default session timeout: a batch retried through the fault must not outlive its group membership.
  const sift = startSift(faultConfig(names, { partitions: PARTITIONS, esNode: proxy.url, kafka: { session_timeout_ms: 30_000 }, elasticsearch: s.elasticsearch }));
  const commits = sampler(() => committedNow(names));
  try {
    if (!s.fromStart) {
      await waitAllCommitted(names, before, 60_000, [sift]);
      proxy.setFront(s.front);
    }
    const from = Date.now();
    await produceWorkload(names.topic, w, before);
    await Promise.race([s.hold(proxy, names, total), sift.exited.then((code) => Promise.reject(new Error(`sift run exited (${code}) during the fault`)))]);
    const liftedAt = Date.now();
    proxy.setFront(undefined);
    const done = await waitAllCommitted(names, total, 60_000, [sift]);
    await commits.stop();
    sift.child.kill('SIGTERM');
    expect(await sift.exited).toBe(0);
    const during = [...new Set(commits.between(from, liftedAt))];
    const d = report(name, { ...(await checkDelivery(names, w)), recovery_seconds: (done - liftedAt) / 1000 }, {
      fault_seconds: Math.round((liftedAt - from) / 100) / 10,
      committed_during_fault: during.join(','),
      bulk_requests: proxy.stats.bulkRequests,
      expected_too_large: [...w.dead.values()].filter((c) => c === 'SIFT_INDEX_TOO_LARGE').length,
      answered_413: proxy.stats.tooLarge,
      resent_after_413: proxy.stats.tooLargeRepeated,
      answered_malformed: proxy.stats.malformed,
      held_unanswered: proxy.stats.held,
    });
    expectExactlyOnce(d);
    expect(d.dlq_redelivered).toBe(0); // no batch was replayed: Kafka never failed
    return { d, committedDuring: during, before };
  } finally {
    await commits.stop();
    sift.child.kill('SIGKILL');
    saveLog(name, sift.output());
    await proxy.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Side by side: each scenario has its own proxy, topics, group and indices, and the file stays short.
describe.concurrent('A misbehaving front before Elasticsearch', () => {
  it('es-413: splits bulk requests the front refuses as too large, dead-letters only documents too large alone, never resends a refused request', async () => {
    const { d } = await runScenario('es-413', {
      seed: 31,
      front: { kind: 'tooLarge', maxBytes: 64 * 1024 },
      fromStart: true,
      // 48 KiB in displayMessage, which lands in message and okta.display_message: each such document alone is over 64 KiB.
      oversized: { every: 100, bytes: 48 * 1024 },
      hold: (_proxy, names, total) => waitAllCommitted(names, total, 60_000).then(() => undefined),
    });
    expect(d['answered_413']).toBeGreaterThan(0);
    expect(d['resent_after_413']).toBe(0);
    expect(d.expected_dead).toBeGreaterThan(0);
    expect(d.dead_codes).toContain('SIFT_INDEX_TOO_LARGE');
  }, 120_000);

  it('es-malformed: retries cut, empty, HTML and short bulk answers until Elasticsearch answers, commits nothing meanwhile', async () => {
    const SHAPES = 4;
    const { committedDuring, before } = await runScenario('es-malformed', {
      seed: 32,
      front: { kind: 'malformed' },
      elasticsearch: { retry_max_ms: 500 },
      hold: (proxy) => waitFor(() => proxy.stats.malformed >= 2 * SHAPES, 30_000, 'two malformed answers of each shape'),
    });
    expect(committedDuring.filter((c) => c !== undefined)).toEqual([before]);
  }, 120_000);

  it('es-half-open: times out requests a front reads and never answers, retries them, and delivers exactly once', async () => {
    const TIMEOUT = 1500;
    const { committedDuring, before } = await runScenario('es-half-open', {
      seed: 33,
      front: { kind: 'halfOpen' },
      elasticsearch: { request_timeout_ms: TIMEOUT, retry_max_ms: 500 },
      // Several requests held: Sift gave up on the first ones and tried again, for over twice its timeout.
      hold: async (proxy) => {
        const from = Date.now();
        await waitFor(() => proxy.stats.held >= 3, 30_000, 'three requests held unanswered');
        await sleep(Math.max(0, 2.5 * TIMEOUT - (Date.now() - from)));
      },
    });
    expect(committedDuring.filter((c) => c !== undefined)).toEqual([before]);
  }, 120_000);
});
