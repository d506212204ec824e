/**
 * Integers beyond 2^53 reach Elasticsearch exact: decode keeps them as digit
 * strings and the serializer writes them into `long` fields as bare digits.
 * The `_source` is read as raw text (JSON.parse would round it again), and a
 * term query on the exact value proves the indexed long is exact too. Beyond
 * signed 64 bits ES refuses the document, which lands in the DLQ with ES's
 * reason (docs/dead-letter.md). Expected digits are written by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { documentId } from '../../src/ingest/index.js';
import { createTopic, ES_URL, es, kafka, offsets, produce, readAll, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('bigint');
const alias = `logs-gitlab.audit-${names.namespace}`;

afterAll(async () => {
  await es.indices.delete({ index: `${alias}-*`, ignore_unavailable: true }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [names.topic, names.dlq] }).catch(() => undefined);
  await admin.disconnect();
});

// Raw texts, so the producer sends exactly these digits.
const gitlab = (id: string, entityId: string, userId: string): string =>
  `{"id":"${id}","created_at":"2024-05-10T17:46:49.058Z","entity_type":"User","entity_id":${entityId},"meta.user_id":${userId},"author_id":1,"target_id":1,"target_type":"User"}`;

async function rawGet(path: string, body?: string): Promise<string> {
  const res = await fetch(`${ES_URL}/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return res.text();
}

describe('big integers on the real stack', () => {
  it('keeps long values beyond 2^53 exact in _source and in the index, and dead-letters values beyond signed 64 bits', async () => {
    const records = [
      gitlab('big-in-range', '1234567890123456789', '9223372036854775807'),
      gitlab('big-negative', '-9223372036854775808', '9007199254740993'),
      gitlab('big-out-of-range', '9999999999999999999', '1'),
    ];
    await createTopic(names.topic, 1);
    await produce(names.topic, records);
    const sift = startSift(testConfig(names, { kafka: { topics: [{ name: names.topic, source: 'gitlab' }] } }));
    try {
      await waitFor(async () => {
        const o = await offsets(names.group, names.topic);
        return o.end === records.length && o.committed === o.end;
      }, 120_000, 'every record to be committed');
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);
    await es.indices.refresh({ index: alias });

    const inRange = await rawGet(`${alias}/_doc/${documentId('gitlab.audit', 'big-in-range')}`);
    expect(inRange).toContain('"entity_id":1234567890123456789');
    expect(inRange).toContain('"user_id":9223372036854775807');
    const negative = await rawGet(`${alias}/_doc/${documentId('gitlab.audit', 'big-negative')}`);
    expect(negative).toContain('"entity_id":-9223372036854775808');
    expect(negative).toContain('"user_id":9007199254740993');

    // The indexed long is exact: a neighbouring value finds nothing, the exact one finds the document.
    const count = async (value: string): Promise<string> => rawGet(`${alias}/_count`, `{"query":{"term":{"gitlab.audit.entity_id":${value}}}}`);
    expect(await count('1234567890123456789')).toContain('"count":1');
    expect(await count('1234567890123456788')).toContain('"count":0');

    // Out of the long range: ES refuses the document; it is in the DLQ with ES's reason, not lost or clamped.
    const [letter] = await readAll(names.dlq, 1);
    const v = JSON.parse(letter?.value ?? '{}') as { reason: { code: string; message: string }; original_base64: string };
    expect(v.reason.code).toBe('SIFT_INDEX_MAPPING_REJECTED');
    expect(v.reason.message).toMatch(/9999999999999999999/);
    expect(Buffer.from(v.original_base64, 'base64').toString()).toBe(records[2]);
    expect(await rawGet(`${alias}/_doc/${documentId('gitlab.audit', 'big-out-of-range')}`)).toContain('"found":false');
  });
});
