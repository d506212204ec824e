import { afterAll, describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { documentId } from '../../src/ingest/index.js';
import { cleanup, countDocs, createTopic, es, foundIds, offsets, produce, readAll, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('pipe');
afterAll(() => cleanup(names));

describe('sift run on the real Kafka and Elasticsearch', () => {
  it('indexes every Okta event exactly once under its deterministic _id, dead-letters bad records, and commits to the end', async () => {
    const N = 3000;
    const good = [...generateOkta({ count: N, seed: 101, start: new Date('2026-03-01T00:00:00Z') })];
    const bad = ['not json', '', '{"uuid":"no-time","eventType":"x"}', '{"published":"never","uuid":"bad-time"}', Buffer.from([0xff, 0xfe, 0xfd])];
    await createTopic(names.topic);
    await produce(names.topic, [...good, ...bad]);

    const sift = startSift(testConfig(names));
    try {
      await waitFor(async () => {
        const o = await offsets(names.group, names.topic);
        return o.end === N + bad.length && o.committed === o.end;
      }, 120_000, 'committed offsets to reach the end offsets');

      // Exactly N documents, and each expected _id is there: exactly once each.
      expect(await countDocs(names.alias)).toBe(N);
      const ids = good.map((t) => documentId('okta.system', (JSON.parse(t) as { uuid: string }).uuid));
      expect(new Set(ids).size).toBe(N);
      expect(await foundIds(names.alias, ids)).toBe(N);

      // ES accepted the documents with their types: a term query on an ip field works.
      const one = JSON.parse(good[0] as string) as { client: { ipAddress: string } };
      const hits = await es.count({ index: names.alias, query: { term: { 'source.ip': one.client.ipAddress } } });
      expect(hits.count).toBeGreaterThan(0);

      // Every bad record is in the DLQ with its reason, origin and original bytes.
      const dead = await readAll(names.dlq, bad.length);
      expect(dead).toHaveLength(bad.length);
      const codes = dead.map((d) => (JSON.parse(d.value) as { reason: { code: string } }).reason.code).sort();
      expect(codes).toEqual(['SIFT_DECODE_EMPTY', 'SIFT_DECODE_NOT_JSON', 'SIFT_DECODE_NOT_UTF8', 'SIFT_NORMALIZE_BAD_TIMESTAMP', 'SIFT_NORMALIZE_NO_TIMESTAMP']);
      for (const d of dead) {
        const v = JSON.parse(d.value) as { source: { topic: string; offset: string }; reason: { stage: string; message: string } };
        expect(v.source.topic).toBe(names.topic);
        expect(d.headers['sift.reason.code']).toMatch(/^SIFT_/);
        expect(v.reason.message.length).toBeGreaterThan(5);
      }

      // Operations: metrics, health and readiness.
      const port = sift.httpPort();
      expect(port).toBeDefined();
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`sift_ingest_events_consumed_total\\{source="okta"\\} ${N + bad.length}`));
      expect(metrics).toMatch(new RegExp(`sift_ingest_events_indexed_total\\{dataset="okta.system"\\} ${N}`));
      expect(metrics).toMatch(/sift_ingest_events_failed_total\{dataset="okta",stage="decode",code="SIFT_DECODE_NOT_JSON"\} 1/);
      expect(metrics).toMatch(new RegExp(`sift_ingest_consumer_lag_records\\{topic="${names.topic.replace(/\./g, '\\.')}",partition="\\d"\\} 0`));
      expect(metrics).toMatch(/sift_index_bulk_duration_seconds_count\{outcome="ok"\} \d+/);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      sift.child.kill('SIGTERM');
    }
    // Graceful shutdown: drains, commits, exits 0.
    expect(await sift.exited).toBe(0);
    expect(sift.output()).toContain('Stopped cleanly.');
  });
});
