/**
 * Every record Sift produces (alerts, dead letters, rule-state checkpoints,
 * the notifier's ledger, keyed records) goes out through `sendChunked`.
 *
 * Why: a topic refuses a record batch larger than its `max.message.bytes`
 * (broker default 1 MiB) with MESSAGE_TOO_LARGE, which is not retriable. One
 * produce request per batch of the pipeline (5,000 alerts of a noisy rule,
 * 10,000 window keys of a spray) would fail the same way on every refetch of
 * the batch and wedge its partition. So a send is cut into consecutive
 * chunks whose uncompressed size stays under the topic's limit, each chunk is
 * GZIP-compressed, and the chunks go one after the other (acks=all), which
 * keeps their order on each partition.
 *
 * A chunk also holds at most MAX_CHUNK_RECORDS records: kafkajs groups a
 * send's messages by partition by copying the group so far for every message,
 * which is quadratic in the send's length. 100,000 dead letters of one hostile
 * record fit one 64 MiB chunk and took 35 s of CPU in that loop alone.
 *
 * A single record larger than the limit cannot be cut: it fails at once with
 * SIFT_KAFKA_MESSAGE_TOO_LARGE naming the topic, the size and the limit, and
 * the pipeline stops on it (docs/operations.md) instead of refetching forever.
 *
 * Each produce request also holds one partition only (when the topic's
 * partition count is known). kafkajs' idempotent producer, when one partition
 * of a request fails (NOT_LEADER on a topic created a moment ago, a batch too
 * large), rolls back the sequence numbers of every partition in the request,
 * also of those the broker wrote. The next send to such a partition reuses
 * sequence numbers the broker already has: a batch of another size is
 * refused with OUT_OF_ORDER_SEQUENCE_NUMBER, which kafkajs does not retry (the
 * pipeline stops), and a batch of the same size is taken for a duplicate and
 * acknowledged without being written (lost). A request of one partition that
 * fails wrote nothing (or, when only its answer was lost, is retried as the
 * same batch, which the broker de-duplicates), so its rollback is exact.
 */
import { CompressionTypes, Partitioners, type ConfigResourceTypes, type Kafka, type Message, type PartitionMetadata, type Producer } from 'kafkajs';
import { ErrorCode, SiftError, Stage } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';

/** kafkajs' ConfigResourceTypes.TOPIC: Node's ESM loader does not see that export of the CommonJS package. */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** The broker's default `message.max.bytes`, which a topic without its own `max.message.bytes` inherits. */
export const BROKER_DEFAULT_MESSAGE_BYTES = 1_048_588;

/**
 * Bytes a record batch adds around its records (61-byte v2 header plus the
 * 12-byte log overhead), rounded up; gzip's worst case on incompressible
 * bytes adds about 0.1 % more, which `budgetOf` leaves room for.
 */
const BATCH_OVERHEAD = 128;

/**
 * A record's size in a v2 record batch, before compression: its key, value
 * and header bytes plus the varints around them (length, attributes,
 * timestamp and offset deltas, key and value lengths: at most 36 bytes; two
 * length varints per header: at most 10 bytes each).
 */
export function recordBytes(m: Message): number {
  let n = 36 + bytesOf(m.key) + bytesOf(m.value);
  if (m.headers) {
    for (const [k, v] of Object.entries(m.headers)) {
      n += 10 + Buffer.byteLength(k);
      if (Array.isArray(v)) for (const item of v) n += 10 + bytesOf(item);
      else n += bytesOf(v);
    }
  }
  return n;
}

function bytesOf(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** The most records one chunk (one produce request) holds, whatever their size (see the header). */
export const MAX_CHUNK_RECORDS = 1000;

/** The most record bytes one chunk may hold under a topic limit of `limit` bytes. */
export function budgetOf(limit: number): number {
  return Math.max(1, limit - BATCH_OVERHEAD - Math.ceil(limit / 500));
}

/**
 * Consecutive slices of `messages`, in order, each at most `budget` record
 * bytes (recordBytes) and MAX_CHUNK_RECORDS records. A record larger than
 * the budget alone throws.
 */
export function chunkByBytes(topic: string, messages: readonly Message[], limit: number): Message[][] {
  const budget = budgetOf(limit);
  const chunks: Message[][] = [];
  let chunk: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const n = recordBytes(m);
    if (n > budget) throw tooLarge(topic, n, limit);
    if (chunk.length > 0 && (size + n > budget || chunk.length === MAX_CHUNK_RECORDS)) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(m);
    size += n;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function tooLarge(topic: string, bytes: number, limit: number): SiftError {
  return new SiftError(
    ErrorCode.KafkaMessageTooLarge,
    `a record of ${bytes} bytes does not fit in topic ${topic}, whose max.message.bytes is ${limit}: raise the topic's max.message.bytes (kafka-configs --alter --entity-type topics --entity-name ${topic} --add-config max.message.bytes=<bytes>)`,
    { stage: Stage.Consume },
  );
}

/** Whether kafkajs' error (or its cause) is the broker refusing a batch as too large. */
function isTooLarge(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const type = (e as { type?: unknown }).type;
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface SendOptions {
  /** The topic's max.message.bytes (default: the broker's default, 1 MiB). */
  maxBytes?: number | undefined;
  /** The topic's partition count: each produce request then holds one partition (see the header). */
  partitions?: number | undefined;
  compression?: CompressionTypes;
}

/** The partitioner Sift's producer uses (pipeline.ts), so placing a message here changes nothing. */
const partitioner = Partitioners.DefaultPartitioner();

/**
 * `messages` grouped by partition, in order within each: a message's own
 * `partition`, else where the producer's DefaultPartitioner puts its key
 * among `partitions` partitions. Every message comes back with its partition set.
 */
export function byPartition(topic: string, messages: readonly Message[], partitions: number): Message[][] {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, p) => ({ partitionErrorCode: 0, partitionId: p, leader: 0, replicas: [0], isr: [0] }));
  const groups = new Map<number, Message[]>();
  for (const m of messages) {
    const partition = m.partition ?? partitioner({ topic, partitionMetadata, message: m });
    const group = groups.get(partition) ?? [];
    group.push(m.partition === undefined ? { ...m, partition } : m);
    groups.set(partition, group);
  }
  return [...groups.values()];
}

/**
 * Sends `messages` to `topic` in chunks that each fit the topic's limit,
 * GZIP-compressed, one after the other; resolves once the broker acknowledged
 * every chunk (acks=all). A chunk that fails rejects the whole send: the
 * caller's batch is retried, and the idempotent producer plus Sift's
 * deterministic keys make the chunks already written harmless.
 */
export async function sendChunked(producer: Pick<Producer, 'send'>, topic: string, messages: readonly Message[], opts: SendOptions = {}): Promise<void> {
  if (messages.length === 0) return;
  const limit = opts.maxBytes ?? BROKER_DEFAULT_MESSAGE_BYTES;
  const compression = opts.compression ?? CompressionTypes.GZIP;
  const groups = opts.partitions === undefined ? [messages] : byPartition(topic, messages, opts.partitions);
  for (const chunk of groups.flatMap((group) => chunkByBytes(topic, group, limit))) {
    try {
      await producer.send({ topic, acks: -1, compression, messages: chunk });
    } catch (err) {
      // The topic's limit is lower than Sift learned (changed since start): say so instead of refetching forever.
      if (isTooLarge(err)) {
        const bytes = chunk.reduce((n, m) => n + recordBytes(m), 0);
        throw new SiftError(
          ErrorCode.KafkaMessageTooLarge,
          `topic ${topic} refused ${chunk.length} records of ${bytes} bytes as larger than its max.message.bytes (Sift took it to be ${limit}): check the topic's max.message.bytes`,
          { stage: Stage.Consume, cause: err },
        );
      }
      throw err;
    }
  }
}

/** Each topic's max.message.bytes, as learned at start; the broker default for a topic not learned. */
export interface MessageLimits {
  of(topic: string): number;
  /** The topic's partition count, as learned at start; undefined for a topic not learned. */
  partitionsOf(topic: string): number | undefined;
  /** Reads the topics' max.message.bytes; a topic it cannot describe keeps the broker default, with one warning. */
  learn(kafka: Kafka, topics: readonly string[], log: Logger): Promise<void>;
}

export function createMessageLimits(): MessageLimits {
  const known = new Map<string, number>();
  const counts = new Map<string, number>();
  return {
    of: (topic) => known.get(topic) ?? BROKER_DEFAULT_MESSAGE_BYTES,
    partitionsOf: (topic) => counts.get(topic),
    async learn(kafka, topics, log) {
      let names = [...new Set(topics)];
      const admin = kafka.admin();
      try {
        await admin.connect();
        // One missing topic would fail the whole request; a missing one fails its first send instead, as before.
        const existing = new Set(await admin.listTopics());
        names = names.filter((t) => existing.has(t));
        if (names.length === 0) return;
        // Partition counts first: a metadata request needs no DescribeConfigs right.
        for (const t of (await admin.fetchTopicMetadata({ topics: names })).topics) counts.set(t.name, t.partitions.length);
        const described = await admin.describeConfigs({
          includeSynonyms: false,
          resources: names.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ['max.message.bytes'] })),
        });
        for (const r of described.resources) {
          const value = Number(r.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
          if (r.errorCode === 0 && Number.isSafeInteger(value) && value > 0) known.set(r.resourceName, value);
        }
      } catch (err) {
        // No DescribeConfigs right (a locked-down ACL): the default is the safe guess.
        log.warn({ topics: names, err }, 'Could not read the topics\' max.message.bytes; sending in chunks of the broker default (1 MiB).');
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      if (names.length > 0) log.info({ limits: Object.fromEntries(names.map((t) => [t, known.get(t) ?? BROKER_DEFAULT_MESSAGE_BYTES])) }, 'Produce limits per topic.');
    },
  };
}
