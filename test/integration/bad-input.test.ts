import { afterAll, describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { documentId } from '../../src/ingest/index.js';
import { cleanup, countDocs, createTopic, es, offsets, produce, readAll, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('bad');
const many = uniqueNames('badmany');
afterAll(() => Promise.all([cleanup(names), cleanup(many)]));

const okta = (extra: Record<string, unknown>): string =>
  JSON.stringify({ uuid: `u-${Math.random()}`, published: '2026-05-01T00:00:00.000Z', eventType: 'user.session.start', ...extra });

describe('bad input never crashes the pipeline and never vanishes', () => {
  it('dead-letters every kind of bad record with its reason and keeps indexing', async () => {
    const deep = '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    const bad: [string, string | Buffer][] = [
      ['SIFT_DECODE_NOT_JSON', 'definitely not json'],
      ['SIFT_DECODE_EMPTY', ''],
      ['SIFT_DECODE_NOT_JSON', '{"uuid":"truncated","published":"2026-05-01T00:00:00Z'],
      ['SIFT_DECODE_NOT_UTF8', Buffer.concat([Buffer.from('{"uuid":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])],
      ['SIFT_DECODE_TOO_LARGE', okta({ displayMessage: 'x'.repeat(10 * 1024 * 1024) })],
      ['SIFT_DECODE_TOO_DEEP', deep],
      ['SIFT_NORMALIZE_NO_TIMESTAMP', JSON.stringify({ uuid: 'no-time', eventType: 'user.session.start' })],
      ['SIFT_NORMALIZE_BAD_TIMESTAMP', JSON.stringify({ uuid: 'bad-time', published: 'last tuesday' })],
      ['SIFT_NORMALIZE_BAD_TIMESTAMP', JSON.stringify({ uuid: 'wrong-type', published: { nested: true } })],
      ['SIFT_NORMALIZE_NOT_OBJECT', '"just a string"'],
      // Another vendor's record on the Okta topic: an unknown source shape.
      ['SIFT_DECODE_UNKNOWN_SOURCE', '{"eventVersion":"1.08","eventID":"e1","eventTime":"2024-01-01T00:00:00Z","eventName":"ConsoleLogin"}'],
    ];
    // Hostile but valid: indexed, with the hostile parts neutralized.
    const pollution = '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"uuid":"proto-1","published":"2026-05-01T00:00:00.000Z","eventType":"user.session.start","debugContext":{"debugData":{"__proto__":{"x":1},"requestId":"r1"}}}';
    const bigNumber = '{"uuid":"big-1","published":"2026-05-01T00:00:00.000Z","eventType":"user.session.start","debugContext":{"debugData":{"counter":12345678901234567890}}}';
    const good = [...generateOkta({ count: 200, seed: 303, start: new Date('2026-05-01T00:00:00Z') })];

    await createTopic(names.topic, 1, 16 * 1024 * 1024);
    await produce(names.topic, [...bad.map(([, v]) => v), pollution, bigNumber, ...good]);
    const total = bad.length + 2 + good.length;

    const sift = startSift(testConfig(names));
    try {
      await waitFor(async () => {
        const o = await offsets(names.group, names.topic);
        return o.end === total && o.committed === total;
      }, 120_000, 'every record to be committed');
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);

    const dead = await readAll(names.dlq, bad.length);
    expect(dead).toHaveLength(bad.length);
    const letters = dead.map((d) => JSON.parse(d.value) as { reason: { code: string; stage: string; message: string }; source: { topic: string; partition: number; offset: string }; original_base64: string | null; original_bytes: number });
    expect(letters.map((l) => l.reason.code).sort()).toEqual(bad.map(([code]) => code).sort());
    for (const l of letters) {
      const offset = Number(l.source.offset);
      const sent = bad[offset]?.[1] ?? '';
      // The original bytes travel intact, with the origin and the stage.
      expect(l.source.topic).toBe(names.topic);
      expect(l.original_bytes).toBe(Buffer.byteLength(sent));
      expect(Buffer.from(l.original_base64 ?? '', 'base64').equals(Buffer.isBuffer(sent) ? sent : Buffer.from(sent))).toBe(true);
      expect(['decode', 'normalize']).toContain(l.reason.stage);
    }

    // Good records after the bad ones were all indexed: the pipeline kept running.
    expect(await countDocs(names.alias)).toBe(good.length + 2);
    const polluted = await es.get<Record<string, unknown>>({ index: names.alias, id: documentId('okta.system', 'proto-1') });
    expect(JSON.stringify(polluted._source)).not.toContain('polluted');
    const big = await es.get<{ okta: { debug_context: { debug_data: { flattened: { counter: unknown } } } } }>({ index: names.alias, id: documentId('okta.system', 'big-1') });
    expect(big._source?.okta.debug_context.debug_data.flattened.counter).toBe('12345678901234567890');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('one record of 100,000 failing events is 100,000 dead letters, and Sift stays up and keeps indexing', async () => {
    // Before the repeat budget every letter carried the whole 200 KB record:
    // ~27 GB of strings, out of memory, and a crash loop on the refetch.
    const hostile = `[${Array(100_000).fill('1').join(',')}]`;
    const good = [...generateOkta({ count: 50, seed: 304, start: new Date('2026-05-02T00:00:00Z') })];
    await createTopic(many.topic, 1, 16 * 1024 * 1024);
    await produce(many.topic, [hostile, ...good]);

    const sift = startSift(testConfig(many));
    try {
      await waitFor(async () => (await offsets(many.group, many.topic)).committed === 1 + good.length, 180_000, 'every record to be committed');
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);
    const dead = await readAll(many.dlq, 100_000, 120_000);
    expect(dead).toHaveLength(100_000);
    const letters = dead.map((d) => JSON.parse(d.value) as { reason: { code: string }; event_index: number; original_base64: string | null; original_in?: string });
    expect(new Set(letters.map((l) => l.event_index)).size).toBe(100_000);
    expect(letters.every((l) => l.reason.code === 'SIFT_NORMALIZE_NOT_OBJECT')).toBe(true);
    const first = letters.find((l) => l.event_index === 0);
    expect(Buffer.from(first?.original_base64 ?? '', 'base64').toString()).toBe(hostile);
    const referenced = letters.filter((l) => l.original_in !== undefined);
    expect(referenced.length).toBeGreaterThan(99_000);
    expect(new Set(referenced.map((l) => l.original_in))).toEqual(new Set([`${many.topic}:0:0:0`]));
    expect(await countDocs(many.alias)).toBe(good.length);
  });
});

