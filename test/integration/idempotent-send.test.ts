/**
 * Sift's producer (idempotent, as pipeline.ts builds it) on the real broker:
 * a send whose request held two partitions, one of which the broker refused,
 * must not break the sequence numbers of the partition it wrote. kafkajs
 * rolls back the sequences of every partition of a failed request, so with
 * both partitions in one request the next send to the written partition
 * reused its sequence numbers: 3 records refused as OUT_OF_ORDER_SEQUENCE_NUMBER
 * (which stopped an instance in the fresh-start-race fault test), and 1 record
 * acknowledged as a "duplicate" without being written. sendChunked sends one
 * partition per request (src/ingest/kafka/send.ts).
 */
import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageLimits, sendChunked } from '../../src/ingest/index.js';
import { createLogger } from '../../src/telemetry/index.js';
import { createTopic, kafka, uniqueNames } from '../helpers/stack.js';

const names = uniqueNames('idem-send');
afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [names.topic] }).catch(() => undefined);
  await admin.disconnect();
});

async function ends(topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: number[] = [];
    for (const o of await admin.fetchTopicOffsets(topic)) out[o.partition] = Number(o.high);
    return out;
  } finally {
    await admin.disconnect();
  }
}

describe('the idempotent producer after a partly refused send', () => {
  it('writes every later record of the partition the refused send did write', async () => {
    // Partition 1 refuses the 27 KB record (random: GZIP cannot shrink it under max.message.bytes 10,000); Sift is told 1 MiB, as after a limit lowered since start.
    await createTopic(names.topic, 2, 10_000);
    const limits = createMessageLimits();
    await limits.learn(kafka, [names.topic], createLogger({ level: 'silent', format: 'json' }));
    expect(limits.partitionsOf(names.topic)).toBe(2);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 2 } });
    await producer.connect();
    const opts = { maxBytes: 1 << 20, partitions: limits.partitionsOf(names.topic) };
    try {
      const refused = await sendChunked(producer, names.topic, [{ partition: 0, key: 'a', value: 'first' }, { partition: 1, key: 'b', value: randomBytes(20_000).toString('base64') }], opts).catch((e: unknown) => e);
      expect((refused as { code?: string }).code).toBe('SIFT_KAFKA_MESSAGE_TOO_LARGE');
      await sendChunked(producer, names.topic, [0, 1, 2].map((i) => ({ partition: 0, key: `c${i}`, value: `three-${i}` })), opts);
      await sendChunked(producer, names.topic, [{ partition: 0, key: 'd', value: 'one' }], opts);
    } finally {
      await producer.disconnect();
    }
    // By hand: 'first', the three, then the one on partition 0; nothing on partition 1.
    expect(await ends(names.topic)).toEqual([5, 0]);
  });
});
