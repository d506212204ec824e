/**
 * Issue 12, defect 2: a large batch must not wedge a partition. Every writer
 * Sift produces with (alerts, dead letters, rule-state checkpoints and the
 * notifier's ledger, which is a checkpoint store too, keyed records) sends
 * through a fake broker that refuses a record batch larger than the topic's
 * max.message.bytes exactly as Kafka does (MESSAGE_TOO_LARGE, not
 * retriable). The oracle of "larger" is kafkajs' own v2 record-batch encoder
 * (what goes on the wire, compressed if the send asks for it), not Sift's
 * size estimate.
 */
import { createRequire } from 'node:module';
import { CompressionTypes, Partitioners, type Message, type Producer, type ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createAlertDeadLetterWriter, createAlertTopicWriter } from '../../src/alerts/index.js';
import { createStateCheckpoint } from '../../src/ingest/index.js';
import { BROKER_DEFAULT_MESSAGE_BYTES, chunkByBytes, recordBytes, sendChunked } from '../../src/ingest/kafka/send.js';
import { createDeadLetterSink } from '../../src/pipeline/dead-letter.js';
import { createKeyedWriter } from '../../src/pipeline/keyed.js';
import type { KeyedInput } from '../../src/rules/index.js';
import { ErrorCode, SiftError, Stage } from '../../src/shared/index.js';
import { createMetrics } from '../../src/telemetry/index.js';
import { captureLogger, makeAlert } from './alerts/fixtures.js';

const require = createRequire(import.meta.url);
interface Encoded {
  buffer: Buffer;
}
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (b: { compression: number; records: unknown[]; lastOffsetDelta: number }) => Promise<Encoded> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: { offsetDelta: number; key: unknown; value: unknown; headers?: unknown }) => unknown;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };
const { KafkaJSNonRetriableError } = require('kafkajs/src/errors.js') as { KafkaJSNonRetriableError: new (e: Error, o: { cause: Error }) => Error };

/** Bytes the broker compares with max.message.bytes: the whole record batch with its log overhead. */
async function batchBytes(messages: readonly Message[], compression: number): Promise<number> {
  const records = messages.map((m, i) => Record({ offsetDelta: i, key: m.key ?? null, value: m.value, headers: m.headers ?? {} }));
  return (await RecordBatch({ compression, records, lastOffsetDelta: records.length - 1 })).buffer.length;
}

interface Sent {
  topic: string;
  compression: number;
  messages: Message[];
  bytes: number;
}

/**
 * A broker whose topics all have `limit` max.message.bytes. Worst case for
 * the writer: every record of a send lands in one partition's batch.
 */
function fakeBroker(limit = BROKER_DEFAULT_MESSAGE_BYTES) {
  const sent: Sent[] = [];
  const producer = {
    async send(r: ProducerRecord) {
      const compression = r.compression ?? CompressionTypes.None;
      const bytes = await batchBytes(r.messages, compression);
      if (bytes > limit) {
        // What kafkajs' producer rejects with: its retrier wraps the broker's non-retriable error.
        const protocol = createErrorFromCode(10);
        throw new KafkaJSNonRetriableError(protocol, { cause: protocol });
      }
      sent.push({ topic: r.topic, compression, messages: r.messages, bytes });
      return [];
    },
  };
  return { producer: producer as unknown as Producer, sent, keys: () => sent.flatMap((s) => s.messages.map((m) => String(m.key))) };
}

describe('writers on a topic with the broker-default 1 MiB max.message.bytes', () => {
  it('alerts topic: 5,000 alerts of one batch are all written, in order, each request within the limit', async () => {
    const broker = fakeBroker();
    const alerts = Array.from({ length: 5000 }, () => makeAlert());
    await createAlertTopicWriter(broker.producer, 'sift.alerts').write(alerts);
    expect(broker.keys()).toEqual(alerts.map((a) => a.id));
    expect(broker.sent.length).toBeGreaterThan(1);
    for (const s of broker.sent) expect(s.compression).toBe(CompressionTypes.GZIP);
  });

  it('rule-state checkpoint (and the notifier ledger, the same store): 10,000 window keys in one save', async () => {
    const broker = fakeBroker();
    const { log } = captureLogger();
    const store = createStateCheckpoint({ kafka: undefined as never, producer: broker.producer, topic: 'sift.state', group: 'g', log });
    // About the size of a threshold window of one event (measured: 300-400 bytes per key).
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      key: `it.spray/${String(i).padStart(64, '0')}`,
      value: JSON.stringify({ start: 1776160800000 + i, count: 1, events: [`4f6b8e2a-37c1-11f1-a9d2-${String(i).padStart(12, '0')}`], values: [`10.${i >> 8}.${i & 255}.1`] }),
      offset: `${i}:0`,
    }));
    await store.save('it.raw/0', entries);
    expect(broker.keys()).toEqual(entries.map((e) => `g|it.raw/0|${e.key}`));
    expect(broker.sent.length).toBeGreaterThan(1);
  });

  it('dead letters: 400 dead letters of 8 KiB records are all written', async () => {
    const broker = fakeBroker();
    const letters = Array.from({ length: 400 }, (_, i) => ({
      record: { topic: 'sift.raw.okta', partition: 0, offset: String(i), timestamp: '0', key: null, value: Buffer.alloc(8192, 0x7b) },
      vendor: 'okta',
      dataset: 'okta.system',
      stage: Stage.Index,
      code: ErrorCode.IndexMappingRejected,
      message: 'mapper_parsing_exception',
    }));
    await createDeadLetterSink(broker.producer, 'sift.dlq').send(letters);
    expect(broker.keys()).toEqual(letters.map((d) => `sift.raw.okta:0:${d.record.offset}`));
  });

  it('alert dead letters and keyed records go through the same chunked send', async () => {
    const broker = fakeBroker();
    await createAlertDeadLetterWriter(broker.producer, 'sift.alerts.dlq')(makeAlert(), 'slack', 'HTTP 500', 'http_5xx');
    const inputs: KeyedInput[] = Array.from({ length: 3000 }, (_, i) => ({
      key: `["u${i}@example.com"]`,
      id: `id${i}`,
      source: 'sift.raw.okta/0',
      offset: String(i),
      index: 0,
      dataset: 'okta.system',
      time: 1776160800000 + i,
      watermark: 1776160800000 + i,
      rules: [{ id: 'r', fingerprint: 'f', mask: 1 }],
      event: { '@timestamp': '2026-04-14T10:00:00.000Z', event: { kind: 'event', module: 'okta', dataset: 'okta.system' }, message: 'x'.repeat(600) },
    }));
    await createKeyedWriter(broker.producer, 'sift.keyed', createMetrics({ defaultMetrics: false })).write(inputs);
    expect(broker.sent.filter((s) => s.topic === 'sift.keyed').flatMap((s) => s.messages.map((m) => m.key))).toEqual(inputs.map((i) => i.key));
    for (const s of broker.sent) expect(s.compression).toBe(CompressionTypes.GZIP);
  });
});

describe('sendChunked', () => {
  const msg = (key: string, bytes: number, headers?: Record<string, string>): Message => ({ key, value: 'v'.repeat(bytes), ...(headers ? { headers } : {}) });

  it('cuts at the limit: every chunk, encoded uncompressed by kafkajs, fits; order is kept', async () => {
    const limit = 64 * 1024;
    const messages = Array.from({ length: 500 }, (_, i) => msg(`k${i}`, 100 + ((i * 7919) % 2000), i % 3 === 0 ? { 'sift.rule.id': 'r', 'sift.alert.update': 'false' } : undefined));
    const chunks = chunkByBytes('t', messages, limit);
    expect(chunks.flat()).toEqual(messages);
    for (const c of chunks) expect(await batchBytes(c, CompressionTypes.None)).toBeLessThanOrEqual(limit);
    // Not one record per request either: each chunk but the last is at least half full.
    for (const c of chunks.slice(0, -1)) expect(await batchBytes(c, CompressionTypes.None)).toBeGreaterThan(limit / 2);
  });

  it('cuts at 1,000 records too, however small (kafkajs groups a request by partition in quadratic time)', () => {
    const messages = Array.from({ length: 2500 }, (_, i) => msg(`k${i}`, 10));
    const chunks = chunkByBytes('sift.dlq', messages, 64 * 1024 * 1024);
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(chunks.flat()).toEqual(messages);
  });

  it('recordBytes never underestimates kafkajs\' encoding of a record', async () => {
    for (const m of [msg('', 0), msg('k', 1), msg('a'.repeat(300), 70_000, { h1: 'x'.repeat(200), h2: '' }), { key: null, value: null }]) {
      const alone = await batchBytes([m], CompressionTypes.None);
      const empty = await batchBytes([], CompressionTypes.None);
      expect(recordBytes(m)).toBeGreaterThanOrEqual(alone - empty);
    }
  });

  it('sends nothing for no messages', async () => {
    const broker = fakeBroker();
    await sendChunked(broker.producer, 't', []);
    expect(broker.sent).toEqual([]);
  });

  it('one record larger than the limit fails at once, naming the topic, its size and the limit; nothing is sent', async () => {
    const broker = fakeBroker(10_000);
    const err = await sendChunked(broker.producer, 'sift.alerts', [msg('a', 10), msg('big', 20_000), msg('c', 10)], { maxBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SiftError);
    expect((err as SiftError).code).toBe('SIFT_KAFKA_MESSAGE_TOO_LARGE');
    expect((err as SiftError).message).toContain('sift.alerts');
    expect((err as SiftError).message).toContain(`${20_000 + 3 + 36} bytes`);
    expect((err as SiftError).message).toContain('max.message.bytes is 10000');
    expect(broker.sent).toEqual([]);
  });

  it('a topic whose real limit is lower than Sift learned: the broker\'s refusal becomes SIFT_KAFKA_MESSAGE_TOO_LARGE', async () => {
    const broker = fakeBroker(4096);
    const err = await sendChunked(broker.producer, 'sift.state', Array.from({ length: 20 }, (_, i) => msg(`k${i}`, 500)), { maxBytes: 1 << 20, compression: CompressionTypes.None }).catch((e: unknown) => e);
    expect((err as SiftError).code).toBe('SIFT_KAFKA_MESSAGE_TOO_LARGE');
    expect((err as SiftError).message).toMatch(/topic sift\.state refused 20 records of \d+ bytes/);
  });
});

/**
 * kafkajs' idempotent producer rolls back the sequence numbers of every
 * partition of a produce request when one of them fails, also those the
 * broker wrote; the next send there is refused (OUT_OF_ORDER_SEQUENCE_NUMBER,
 * not retried: the pipeline stopped in fresh-start-race) or acknowledged
 * unwritten (test/integration/idempotent-send.test.ts). So no request may
 * hold two partitions.
 */
describe('one partition per produce request', () => {
  const limits = { of: () => BROKER_DEFAULT_MESSAGE_BYTES, partitionsOf: () => 6, learn: async () => undefined };
  const small = (key: string): Message => ({ key, value: 'v' });

  it('dead letters keyed over six partitions go out one partition per send, where the producer\'s partitioner puts each key, in order', async () => {
    const broker = fakeBroker();
    const letters = Array.from({ length: 24 }, (_, i) => ({
      record: { topic: 'sift.raw.okta', partition: i % 3, offset: String(i), timestamp: '0', key: null, value: Buffer.from('{') },
      vendor: 'okta',
      dataset: 'okta.system',
      stage: Stage.Decode,
      code: ErrorCode.DecodeNotJson,
      message: 'not JSON',
    }));
    await createDeadLetterSink(broker.producer, 'sift.dlq', limits).send(letters);
    const place = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, p) => ({ partitionErrorCode: 0, partitionId: p, leader: 0, replicas: [0], isr: [0] }));
    const expected = new Map<number, string[]>();
    for (const d of letters) {
      const key = `sift.raw.okta:${d.record.partition}:${d.record.offset}`;
      const p = place({ topic: 'sift.dlq', partitionMetadata, message: { key, value: null } });
      expected.set(p, [...(expected.get(p) ?? []), key]);
    }
    expect(expected.size, 'test data: the keys spread over several partitions').toBeGreaterThan(2);
    const got = new Map<number, string[]>();
    for (const s of broker.sent) {
      const partitions = new Set(s.messages.map((m) => m.partition));
      expect([...partitions], 'partitions of one send').toHaveLength(1);
      const p = s.messages[0]?.partition ?? -1;
      got.set(p, [...(got.get(p) ?? []), ...s.messages.map((m) => String(m.key))]);
    }
    expect(got).toEqual(expected);
  });

  it('messages with their own partition keep it; a topic of unknown partition count is sent as before', async () => {
    const broker = fakeBroker();
    await sendChunked(broker.producer, 'sift.keyed', [{ ...small('a'), partition: 4 }, { ...small('b'), partition: 1 }, { ...small('c'), partition: 4 }], { partitions: 6 });
    expect(broker.sent.map((s) => s.messages.map((m) => `${String(m.key)}@${String(m.partition)}`))).toEqual([['a@4', 'c@4'], ['b@1']]);
    const before = fakeBroker();
    await sendChunked(before.producer, 'sift.keyed', [small('a'), small('b')]);
    expect(before.sent).toHaveLength(1);
  });
});
