import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_VENDORS, vendorRecords } from '../../src/conformance/index.js';
import { RECEIPT_TIME_TAG, type RawRecord } from '../../src/ingest/index.js';
import { planSource, prepareBatch } from '../../src/pipeline/index.js';
import { CORPUS } from '../helpers/corpus.js';
import { cleanup, createTopic, es, foundIds, offsets, produce, readAll, startSift, topicSize, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('src');
const vendors = Object.keys(CORPUS_VENDORS);
const topicOf = (vendor: string): string => `${names.topic}.${vendor}`;

afterAll(async () => {
  await es.indices.delete({ index: `logs-*-${names.namespace}-*`, ignore_unavailable: true }).catch(() => undefined);
  await cleanup(names);
});

describe('every source through the real Kafka and Elasticsearch', () => {
  it('indexes each source\'s corpus events in the right index under the right _id, with no mapping rejection', async () => {
    // What Sift should make of each record, computed with the same pure hot path.
    const expected = new Map<string, Set<string>>(); // alias → ids
    const records = new Map<string, string[]>();
    let expectedDead = 0;
    for (const vendor of vendors) {
      const texts = vendorRecords(CORPUS, vendor);
      expect(texts.length, vendor).toBeGreaterThan(0);
      records.set(vendor, texts);
      const plan = planSource(vendor, names.namespace);
      if (!plan) throw new Error(`no plan for ${vendor}`);
      const raw: RawRecord[] = texts.map((t, i) => ({ topic: 'x', partition: 0, offset: String(i), timestamp: '0', key: null, value: Buffer.from(t) }));
      const out = prepareBatch(raw, plan, { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false });
      expect(out.docs.length, `${vendor} should index most of its corpus`).toBeGreaterThan(0);
      for (const d of out.docs) {
        const ids = expected.get(d.index) ?? new Set<string>();
        ids.add(d.id);
        expected.set(d.index, ids);
      }
      // Delivered through Kafka, records have a timestamp: the few events that
      // can only take their delivery time (old Zoom webhooks) are indexed then.
      const delivered = raw.map((r) => ({ ...r, timestamp: '1704067200000' }));
      expectedDead += prepareBatch(delivered, plan, { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false }).dead.length;
      await createTopic(topicOf(vendor), 1);
      await produce(topicOf(vendor), texts);
    }

    const sift = startSift({
      kafka: { topics: vendors.map((v) => ({ name: topicOf(v), source: v })), dlq_topic: names.dlq, group_id: names.group },
      elasticsearch: { namespace: names.namespace },
      pipeline: { shutdown_timeout_ms: 10_000 },
      telemetry: { http_port: 0 },
    });
    try {
      await waitFor(async () => {
        for (const v of vendors) {
          const o = await offsets(names.group, topicOf(v));
          if (o.committed !== (records.get(v)?.length ?? -1)) return false;
        }
        return true;
      }, 150_000, 'every source topic to be committed');
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);

    // Every predicted document is there under its _id, and nothing else is,
    // except events stamped with their delivery time (whose _id depends on it).
    for (const [alias, ids] of expected) {
      expect(alias).toMatch(new RegExp(`^logs-[a-z_]+\\.[a-z_]+-${names.namespace}$`));
      expect(await foundIds(alias, [...ids]), alias).toBe(ids.size);
      await es.indices.refresh({ index: alias });
      const count = (await es.count({ index: alias })).count;
      const receipt = (await es.count({ index: alias, query: { term: { tags: RECEIPT_TIME_TAG } } })).count;
      expect(count - receipt, alias).toBe(ids.size);
    }
    // Nothing lost: each refused event is in the DLQ, and no dead letter is
    // an Elasticsearch mapping rejection.
    const dlqCount = await topicSize(names.dlq);
    expect(dlqCount).toBe(expectedDead);
    const dead = await readAll(names.dlq, dlqCount);
    expect(dead.map((d) => (JSON.parse(d.value) as { reason: { stage: string } }).reason.stage).filter((stage) => stage === 'index')).toEqual([]);
  });
});
