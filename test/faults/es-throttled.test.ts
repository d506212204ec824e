/**
 * Elasticsearch throttling, through the fault proxy (test/helpers/es-proxy.ts):
 * a storm of whole-request 429s, then per-item 429s inside 200 bulk responses
 * (what Vector and Logstash users report losing data to). Every rejected item
 * must be retried until indexed: none lost, none dead-lettered for it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkload, checkDelivery, expectExactlyOnce, cleanupFault, committedNow, faultConfig, faultNames, produceWorkload, report, saveLog, waitAllCommitted } from '../helpers/fault-check.js';
import { startEsProxy } from '../helpers/es-proxy.js';
import { createTopic, startSift, waitFor } from '../helpers/stack.js';

const names = faultNames('es-429');
afterAll(() => cleanupFault(names));

describe('Elasticsearch throttling', () => {
  it('retries 429 storms and per-item 429s until every event is indexed, dead-lettering none of them', async () => {
    const proxy = await startEsProxy(7);
    const w = buildWorkload(names, { count: 3000, seed: 12, partitions: 3 });
    const total = w.records.length;
    await createTopic(names.topic, 3);
    await produceWorkload(names.topic, w);
    const STORM = 12;
    const ITEM_REQUESTS = 40;
    // Startup (templates, alerts index) is not a bulk request: the proxy passes it.
    proxy.setMode({ kind: 'storm429', count: STORM });
    // The default session timeout: a batch retried through the storm must not outlive its group membership.
    const sift = startSift(faultConfig(names, { partitions: 3, esNode: proxy.url, kafka: { session_timeout_ms: 30_000 } }));
    try {
      await waitFor(() => proxy.stats.stormed >= STORM, 60_000, 'the 429 storm to be answered');
      expect(await committedNow(names)).toBe(0); // nothing committed through the storm
      proxy.setMode({ kind: 'item429', ratio: 0.3, requests: ITEM_REQUESTS });
      const itemsFrom = proxy.stats.bulkRequests;
      await waitFor(() => proxy.stats.bulkRequests >= itemsFrom + ITEM_REQUESTS, 60_000, 'the per-item 429 phase');
      proxy.setMode({ kind: 'pass' });
      const calm = Date.now();
      const done = await waitAllCommitted(names, total, 90_000, [sift]);
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);
      const d = report('es-429', { ...(await checkDelivery(names, w)), recovery_seconds: (done - calm) / 1000 }, {
        requests_429: proxy.stats.stormed,
        items_429: proxy.stats.itemsRejected,
        bulk_requests: proxy.stats.bulkRequests,
      });
      expect(proxy.stats.itemsRejected).toBeGreaterThan(100);
      expectExactlyOnce(d);
      expect(d.dead_codes).not.toMatch(/SIFT_INDEX/); // a 429 is never a dead letter
      expect(d.dlq_redelivered).toBe(0); // no batch was replayed: Kafka never failed
    } finally {
      sift.child.kill('SIGKILL');
      saveLog('es-429', sift.output());
      await proxy.close();
    }
  }, 180_000);
});
