/**
 * Durable checkpoints of stateful rule windows in a compacted Kafka topic.
 *
 * Record key: `<group>|<topic>/<partition>|<rule>/<group-key hash>`; value:
 * `{"offset": "<highest source position the state reflects, offset:index>", "state": "<json>"}`
 * or a tombstone when the window was closed or evicted. Compaction keeps one
 * record per key, so the topic holds exactly the live windows.
 *
 * Ordering with offsets (the invariant that makes a sequence begun before a
 * crash complete after it exactly once): for each batch the pipeline writes
 * alerts, then these checkpoints (acks=all), then commits the source offsets.
 * A crash after the checkpoint but before the commit replays records the state
 * already reflects; each entry's position (the record's offset and the event's
 * index in it, since one record can hold many events) lets the rule runtime
 * skip exactly those events.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from '../../telemetry/index.js';
import { sendChunked, type MessageLimits } from './send.js';

/** One keyed state record (structurally the rule runtime's StateEntry). */
export interface StateEntry {
  readonly key: string;
  readonly value: string | null;
  readonly offset?: string;
}

export interface StateCheckpoint {
  /** All stored entries of the given scopes (`topic/partition`), latest per key. */
  load(scopes: ReadonlySet<string>): Promise<Map<string, StateEntry[]>>;
  /** Resolves once the broker acknowledged every entry (acks=all). */
  save(scope: string, entries: readonly StateEntry[]): Promise<void>;
}

interface StoredValue {
  offset?: string;
  state: string;
}

function parseKey(key: string, group: string): { scope: string; entryKey: string } | undefined {
  const prefix = `${group}|`;
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const bar = rest.indexOf('|');
  return bar < 0 ? undefined : { scope: rest.slice(0, bar), entryKey: rest.slice(bar + 1) };
}

/** Bytes a restore fetches per partition per round trip (see readAll). */
const READ_BYTES_PER_PARTITION = 16 * 1024 * 1024;

export interface StateCheckpointOptions {
  kafka: Kafka;
  producer: Pick<Producer, 'send'>;
  /** The topics' max.message.bytes learned at start (the broker default without). */
  limits?: MessageLimits;
  topic: string;
  group: string;
  log: Logger;
  timeoutMs?: number;
  /**
   * Co-partitioning (keyed mode): the state topic partition that holds a
   * scope's entries (keyed partition p → state partition p). A restore then
   * reads only the partitions of the scopes it restores. Without it entries
   * are spread by key and a restore reads the whole topic.
   */
  partitionOf?: (scope: string) => number | undefined;
}

export function createStateCheckpoint(opts: StateCheckpointOptions): StateCheckpoint {
  const { kafka, producer, topic, group, log, partitionOf } = opts;
  const timeoutMs = opts.timeoutMs ?? 120_000;

  async function readAll(only: ReadonlySet<number> | undefined): Promise<Map<string, StoredValue | null>> {
    const latest = new Map<string, StoredValue | null>();
    const admin = kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    let others: number[];
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends = new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low) && (only === undefined || only.has(p.partition))).map((p) => [p.partition, BigInt(p.high)]));
      others = offsets.map((p) => p.partition).filter((p) => !ends.has(p));
    } finally {
      await admin.disconnect();
    }
    if (ends.size === 0) return latest;
    // A throwaway group: kafkajs reads only through a group; it commits nothing.
    const readerGroup = `${group}.state-reader.${randomUUID()}`;
    // Large fetches: kafkajs' default (1 MiB per partition per round trip)
    // makes a restore of one partition crawl at ~1,700 windows per fetch.
    const consumer = kafka.consumer({ groupId: readerGroup, allowAutoTopicCreation: false, maxBytesPerPartition: READ_BYTES_PER_PARTITION, maxBytes: READ_BYTES_PER_PARTITION * 2 });
    await consumer.connect();
    // kafkajs reads only through a subscription, which fetches every partition
    // of the topic: pause the ones this restore does not need as the reader
    // joins (before its first fetch), or restoring one keyed partition of six
    // fetches all six, interleaved, and takes as long as reading everything.
    if (others.length > 0) consumer.on(consumer.events.GROUP_JOIN, () => consumer.pause([{ topic, partitions: others }]));
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`reading ${topic} took longer than ${timeoutMs} ms`)), timeoutMs);
        const remaining = new Set(ends.keys());
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch, pause }) => {
              if (!ends.has(batch.partition)) {
                pause();
                return;
              }
              for (const m of batch.messages) {
                const key = m.key?.toString('utf8');
                if (key === undefined || !key.startsWith(`${group}|`)) continue;
                latest.set(key, m.value === null ? null : (JSON.parse(m.value.toString('utf8')) as StoredValue));
              }
              const end = ends.get(batch.partition);
              const last = batch.messages.length > 0 ? BigInt(batch.lastOffset()) + 1n : 0n;
              if (end !== undefined && last >= end) remaining.delete(batch.partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              await Promise.resolve();
            },
          })
          .catch(reject);
      });
      await done;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin2 = kafka.admin();
      await admin2.connect().then(() => admin2.deleteGroups([readerGroup])).catch(() => undefined).finally(() => admin2.disconnect());
    }
    return latest;
  }

  return {
    async load(scopes) {
      const started = Date.now();
      const out = new Map<string, StateEntry[]>();
      for (const scope of scopes) out.set(scope, []);
      let only: Set<number> | undefined;
      if (partitionOf !== undefined) {
        only = new Set();
        for (const scope of scopes) {
          const p = partitionOf(scope);
          if (p === undefined) {
            only = undefined;
            break;
          }
          only.add(p);
        }
      }
      const latest = await readAll(only);
      for (const [key, value] of latest) {
        if (value === null) continue;
        const parsed = parseKey(key, group);
        if (!parsed || !scopes.has(parsed.scope)) continue;
        out.get(parsed.scope)?.push({ key: parsed.entryKey, value: value.state, ...(value.offset !== undefined ? { offset: value.offset } : {}) });
      }
      const total = [...out.values()].reduce((n, e) => n + e.length, 0);
      log.info({ topic, scopes: [...scopes], entries: total, ms: Date.now() - started }, 'Restored rule state.');
      return out;
    },
    async save(scope, entries) {
      if (entries.length === 0) return;
      const partition = partitionOf?.(scope);
      // Chunked: a spray batch changes thousands of window keys at once (MBs), more than one request may carry.
      const messages = entries.map((e) => ({
        ...(partition !== undefined ? { partition } : {}),
        key: `${group}|${scope}|${e.key}`,
        value: e.value === null ? null : JSON.stringify({ ...(e.offset !== undefined ? { offset: e.offset } : {}), state: e.value } satisfies StoredValue),
      }));
      await sendChunked(producer, topic, messages, { maxBytes: opts.limits?.of(topic), partitions: opts.limits?.partitionsOf(topic) });
    },
  };
}
