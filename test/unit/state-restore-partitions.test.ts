/**
 * Issue 12 defect 3b: in keyed mode a restore is meant to read only the state
 * partitions of the keyed partitions it restores (partitionOf). The reader
 * subscribed to the whole topic and dropped the other partitions' batches
 * after fetching them, so restoring one keyed partition of six still fetched
 * all six from the beginning, interleaved, and took about as long as reading
 * everything (what `npm run bench -- --only restore` measured). Now the
 * reader pauses every other partition when it joins, before its first fetch.
 *
 * The fake consumer serves fetch rounds as kafkajs does: one batch per
 * partition that is not paused, in each round, until every partition is read
 * or the consumer stops. GROUP_JOIN fires before the first round, as kafkajs
 * emits it inside joinAndSync, before the fetch loop starts. Expectations
 * are written by hand.
 */
import type { Kafka } from 'kafkajs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStateCheckpoint } from '../../src/ingest/index.js';
import { createLogger } from '../../src/telemetry/index.js';

const quiet = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const TOPIC = 'sift.keyed.state';
const GROUP = 'sift.detect';

interface Message {
  offset: string;
  key: Buffer;
  value: Buffer | null;
}

/** Partition p holds `perPartition` windows of scope `sift.keyed/<p>`, as keyed mode writes them. */
function stateTopic(partitions: number, perPartition: number): Message[][] {
  return Array.from({ length: partitions }, (_, p) =>
    Array.from({ length: perPartition }, (_, i) => ({
      offset: String(i),
      key: Buffer.from(`${GROUP}|sift.keyed/${p}|rule.a/${p}-${i}`),
      value: Buffer.from(JSON.stringify({ offset: `sift.raw.okta/0=${i}:0`, state: `{"p":${p},"i":${i}}` })),
    })),
  );
}

function fakeKafka(log: Message[][]): { kafka: Kafka; fetched: Map<number, number> } {
  const fetched = new Map<number, number>();
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      deleteGroups: async () => undefined,
      fetchTopicOffsets: async () => log.map((msgs, partition) => ({ partition, low: '0', high: String(msgs.length), offset: String(msgs.length) })),
    }),
    consumer: () => {
      const handlers = new Map<string, ((e: unknown) => void)[]>();
      const paused = new Set<number>();
      let stopped = false;
      return {
        events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
        on: (event: string, fn: (e: unknown) => void) => {
          handlers.set(event, [...(handlers.get(event) ?? []), fn]);
          return () => undefined;
        },
        connect: async () => undefined,
        subscribe: async () => undefined,
        pause: (tps: { topic: string; partitions?: number[] }[]) => {
          for (const tp of tps) for (const p of tp.partitions ?? log.map((_, i) => i)) paused.add(p);
        },
        disconnect: async () => {
          stopped = true;
        },
        run: async (cfg: { eachBatch: (payload: unknown) => Promise<void> }) => {
          for (const fn of handlers.get('consumer.group_join') ?? []) {
            fn({ payload: { memberAssignment: { [TOPIC]: log.map((_, i) => i) } } });
          }
          const next = log.map(() => 0);
          // The fetch loop runs on after run() resolves, as in kafkajs.
          void (async () => {
            for (let round = 0; !stopped && round < 1000; round++) {
              let served = false;
              for (let p = 0; p < log.length && !stopped; p++) {
                const msgs = log[p] ?? [];
                const from = next[p] ?? 0;
                if (paused.has(p) || from >= msgs.length) continue;
                // Two records per partition per fetch: small batches, many rounds.
                const messages = msgs.slice(from, from + 2);
                next[p] = from + messages.length;
                fetched.set(p, (fetched.get(p) ?? 0) + messages.length);
                served = true;
                await cfg.eachBatch({
                  batch: { topic: TOPIC, partition: p, messages, lastOffset: () => messages[messages.length - 1]?.offset ?? '-1' },
                  pause: () => {
                    paused.add(p);
                    return () => paused.delete(p);
                  },
                });
              }
              if (!served) await new Promise((r) => setTimeout(r, 5));
            }
          })();
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, fetched };
}

describe('keyed restore reads only its state partitions', () => {
  it('restoring keyed partition 2 of 6 fetches state partition 2 and nothing else', async () => {
    const { kafka, fetched } = fakeKafka(stateTopic(6, 10));
    const store = createStateCheckpoint({
      kafka,
      producer: { send: async () => [] } as never,
      topic: TOPIC,
      group: GROUP,
      log: quiet,
      partitionOf: (scope) => (scope.startsWith('sift.keyed/') ? Number(scope.slice('sift.keyed/'.length)) : undefined),
    });
    const restored = await store.load(new Set(['sift.keyed/2']));
    expect(restored.get('sift.keyed/2')).toHaveLength(10);
    expect(restored.get('sift.keyed/2')?.[0]).toEqual({ key: 'rule.a/2-0', value: '{"p":2,"i":0}', offset: 'sift.raw.okta/0=0:0' });
    // Before the fix: Map { 0 => 10, 1 => 10, 2 => 10, 3 => 8, 4 => 8, 5 => 8 } (every partition fetched until 2 was done).
    expect(fetched).toEqual(new Map([[2, 10]]));
  });

  it('local mode (no partitionOf) still reads the whole topic and keeps only its scope', async () => {
    const { kafka, fetched } = fakeKafka(stateTopic(3, 4));
    const store = createStateCheckpoint({ kafka, producer: { send: async () => [] } as never, topic: TOPIC, group: GROUP, log: quiet });
    const restored = await store.load(new Set(['sift.keyed/1']));
    expect(restored.get('sift.keyed/1')?.map((e) => e.key)).toEqual(['rule.a/1-0', 'rule.a/1-1', 'rule.a/1-2', 'rule.a/1-3']);
    expect(fetched).toEqual(new Map([[0, 4], [1, 4], [2, 4]]));
  });
});
