/**
 * One hostile record must not become a crash: 200 KB of `[1,1,…]` on an Okta
 * topic is 100,000 events that are not objects, so 100,000 dead letters. When
 * every letter carried the whole record (267 KB of base64 each) the sink built
 * ~27 GB of strings and the process died, and the refetched batch killed it
 * again. Now a record's bytes are repeated up to ORIGINAL_REPEAT_BYTES per
 * send, and later letters name the letter that carries them.
 */
import type { Message, ProducerRecord, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createDeadLetterSink, ORIGINAL_REPEAT_BYTES, originalCarriers, type DeadLetterValue } from '../../src/pipeline/dead-letter.js';
import { planSource, prepareBatch } from '../../src/pipeline/index.js';
import type { RawRecord } from '../../src/ingest/index.js';

function capture() {
  const messages: Message[] = [];
  const send = async (r: ProducerRecord): Promise<RecordMetadata[]> => {
    messages.push(...r.messages);
    return [];
  };
  return { messages, producer: { send } };
}

const record = (offset: string, text: string): RawRecord => ({ topic: 'sift.raw.okta', partition: 2, offset, timestamp: '0', key: null, value: Buffer.from(text) });

describe('dead letters of a record with many failing events', () => {
  it('a 200 KB array of 100,000 numbers: 100,000 letters, the bytes carried 6 times, the rest referenced', async () => {
    const text = `[${Array(100_000).fill('1').join(',')}]`;
    expect(text.length).toBe(200_001);
    const plan = planSource('okta', 'default');
    if (!plan) throw new Error('no okta plan');
    const prepared = prepareBatch([record('7', text)], plan, { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false });
    expect(prepared.docs).toHaveLength(0);
    expect(prepared.dead).toHaveLength(100_000);

    const broker = capture();
    await createDeadLetterSink(broker.producer, 'sift.dlq').send(prepared.dead);
    expect(broker.messages).toHaveLength(100_000);
    const values = broker.messages.map((m) => JSON.parse(String(m.value)) as DeadLetterValue);
    // Every event keeps its own letter, key and position.
    expect(broker.messages[0]?.key).toBe('sift.raw.okta:2:7:0');
    expect(broker.messages[99_999]?.key).toBe('sift.raw.okta:2:7:99999');
    expect(values.every((v, i) => v.event_index === i && v.reason.code === 'SIFT_NORMALIZE_NOT_OBJECT' && v.original_bytes === 200_001)).toBe(true);
    // 1 MiB = 1,048,576 bytes of repeats: five more copies of 200,001 bytes fit (1,000,005), a sixth does not.
    const carrying = values.filter((v) => v.original_base64 !== null);
    expect(carrying.map((v) => v.event_index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Buffer.from(values[0]?.original_base64 ?? '', 'base64').toString()).toBe(text);
    expect(values[6]?.original_in).toBe('sift.raw.okta:2:7:0');
    expect(values[99_999]?.original_in).toBe('sift.raw.okta:2:7:0');
    expect(values[5]?.original_in).toBeUndefined();
    // What goes to the broker stays small: 6 copies of 267 KB plus 100,000 short letters, not 27 GB.
    const bytes = broker.messages.reduce((n, m) => n + String(m.value).length, 0);
    expect(bytes).toBeLessThan(6 * 270_000 + 100_000 * 600);
  });

  it('ordinary records keep the whole record in every letter, each record counted on its own', () => {
    const a = { record: record('1', '{"Records":[1,2]}'), vendor: 'okta', dataset: 'okta.system', stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', message: 'x' } as const;
    const b = { ...a, record: record('2', '[3]') };
    expect(originalCarriers([{ ...a, eventIndex: 0 }, { ...a, eventIndex: 1 }, { ...b, eventIndex: 0 }])).toEqual([undefined, undefined, undefined]);
  });

  it('a record larger than the budget is carried once, by its first letter', () => {
    const big = { record: record('3', 'x'.repeat(ORIGINAL_REPEAT_BYTES + 1)), vendor: 'okta', dataset: 'okta.system', stage: 'decode', code: 'SIFT_DECODE_NOT_JSON', message: 'x' } as const;
    expect(originalCarriers([{ ...big, eventIndex: 0 }, { ...big, eventIndex: 1 }])).toEqual([undefined, 'sift.raw.okta:2:3:0']);
    // Budget in bytes of repeats: two 10-byte repeats fit 25, a third does not.
    const small = { ...big, record: record('4', '0123456789') };
    expect(originalCarriers([0, 1, 2, 3].map((eventIndex) => ({ ...small, eventIndex })), 25)).toEqual([undefined, undefined, undefined, 'sift.raw.okta:2:4:0']);
  });
});
