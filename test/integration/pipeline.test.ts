/**
 * `sift run` end to end on Okta traffic in the shapes it really arrives in
 * (test/helpers/okta-workload.ts): single LogEvents, API pages and NDJSON
 * records, a few events out of order and a few late, malformed events inside
 * packed records, and whole records that hold no event. The expected `_id`s
 * and dead letters come from the workload's own reading of the bytes and the
 * documented rules, not from Sift's code; the whole-record reason codes are
 * written by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { expectedLetters, letterKeyOf, outcomesOf, packOkta } from '../helpers/okta-workload.js';
import { cleanup, countDocs, createTopic, es, foundIds, offsets, produce, readAll, startSift, testConfig, topicSize, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('pipe');
afterAll(() => cleanup(names));

describe('sift run on the real Kafka and Elasticsearch', () => {
  it('indexes every Okta event of single, paged and NDJSON records exactly once under its documented _id, dead-letters bad records whole and bad events alone, and commits to the end', async () => {
    const N = 3000;
    const generated = [...generateOkta({ count: N, seed: 101, start: new Date('2026-03-01T00:00:00Z') })];
    const packed = packOkta(generated, 102);
    const bad = ['not json', '', '{"uuid":"no-time","eventType":"x"}', '{"published":"never","uuid":"bad-time"}', Buffer.from([0xff, 0xfe, 0xfd])];
    const values: (string | Buffer)[] = [...packed.records.map((r) => r.value), ...bad];
    const ids = values.flatMap((v) => outcomesOf(v).docs.map((d) => d.id));
    const letters = expectedLetters(values);
    // The workload really holds what this test is about: every shape, disorder, and bad events beside good ones.
    expect(Math.min(packed.figures.pages, packed.figures.ndjson, packed.figures.singles, packed.figures.late, packed.figures.swapped)).toBeGreaterThan(0);
    const badInside = packed.records.filter((r) => r.shape !== 'single' && outcomesOf(r.value).dead.length > 0 && outcomesOf(r.value).docs.length > 0);
    expect(badInside.length).toBeGreaterThan(5);
    await createTopic(names.topic);
    await produce(names.topic, values);

    const sift = startSift(testConfig(names));
    try {
      await waitFor(async () => {
        const o = await offsets(names.group, names.topic);
        return o.end === values.length && o.committed === o.end;
      }, 120_000, 'committed offsets to reach the end offsets');

      // Exactly the expected documents, each under its expected _id: exactly once each.
      expect(new Set(ids).size).toBe(ids.length);
      // The generator made N valid events (no badRatio): every one is indexed; the dead letters are the bad records, the hostile events and the empty pages.
      expect(ids.length).toBe(N);
      expect(letters.length).toBe(bad.length + packed.figures.hostile + packed.figures.empty);
      expect(await countDocs(names.alias)).toBe(ids.length);
      expect(await foundIds(names.alias, ids)).toBe(ids.length);

      // ES accepted the documents with their types: a term query on an ip field works.
      const one = JSON.parse(generated[0] as string) as { client: { ipAddress: string } };
      const hits = await es.count({ index: names.alias, query: { term: { 'source.ip': one.client.ipAddress } } });
      expect(hits.count).toBeGreaterThan(0);

      // Every bad record is in the DLQ with its reason, origin and original bytes; every bad event inside a
      // packed record has a dead letter of its own, with its event index and the whole record; nothing else is there.
      expect(await topicSize(names.dlq)).toBe(letters.length);
      const dead = await readAll(names.dlq, letters.length);
      expect(dead.map((d) => letterKeyOf(d.value)).sort()).toEqual([...letters].sort());
      const wholeCodes = dead
        .map((d) => JSON.parse(d.value) as { reason: { code: string }; original_base64: string })
        .filter((v) => bad.some((b) => Buffer.from(v.original_base64, 'base64').equals(Buffer.from(b))))
        .map((v) => v.reason.code)
        .sort();
      expect(wholeCodes).toEqual(['SIFT_DECODE_EMPTY', 'SIFT_DECODE_NOT_JSON', 'SIFT_DECODE_NOT_UTF8', 'SIFT_NORMALIZE_BAD_TIMESTAMP', 'SIFT_NORMALIZE_NO_TIMESTAMP']);
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
      // Consumed counts records; indexed and failed count events (docs/operations.md).
      expect(metrics).toMatch(new RegExp(`sift_ingest_events_consumed_total\\{source="okta"\\} ${values.length}\n`));
      expect(metrics).toMatch(new RegExp(`sift_ingest_events_indexed_total\\{dataset="okta.system"\\} ${ids.length}\n`));
      const notJson = letters.filter((l) => l.endsWith('/SIFT_DECODE_NOT_JSON')).length;
      expect(metrics).toMatch(new RegExp(`sift_ingest_events_failed_total\\{dataset="okta",stage="decode",code="SIFT_DECODE_NOT_JSON"\\} ${notJson}\n`));
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
