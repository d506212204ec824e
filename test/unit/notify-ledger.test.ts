/**
 * Issue 12 defect 3a: the notifier's delivered-alert ledger (keys in the
 * compacted state topic) never deleted a key, so the topic only grew. Now a
 * ledger key holds the alert record's timestamp and is tombstoned once it is
 * older than alerts.ledger_ttl (by then the alerts topic no longer holds the
 * record, so it cannot be re-read and paged twice): at start for stored keys,
 * and with each batch's ledger write afterwards.
 *
 * A fake kafkajs consumer hands the notifier's source its batches; the ledger
 * is a fake StateCheckpoint recording every save; the clock is injected.
 * Expectations are written by hand.
 */
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createNotifier, type Alert } from '../../src/alerts/index.js';
import type { Dispatcher } from '../../src/alerts/dispatch/index.js';
import type { StateCheckpoint, StoredStateEntry as StateEntry } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const quiet = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const MIN = 60_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

function fakeKafka(): { kafka: Kafka; eachBatch: () => (p: EachBatchPayload) => Promise<void> } {
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (cfg: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      eachBatch = cfg.eachBatch;
    },
    commitOffsets: async () => undefined,
    disconnect: async () => undefined,
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    eachBatch: () => {
      if (!eachBatch) throw new Error('the notifier did not start its consumer');
      return eachBatch;
    },
  };
}

/** One batch of the alerts topic: each alert record with its Kafka timestamp (ms). */
function alertsBatch(firstOffset: number, alerts: readonly { id: string; at: number }[]): EachBatchPayload {
  const messages = alerts.map((a, i) => ({
    offset: String(firstOffset + i),
    timestamp: String(a.at),
    key: Buffer.from(a.id),
    value: Buffer.from(JSON.stringify({ id: a.id, ruleId: 'okta.brute-force', severity: 'high', doc: { sift: { alert: { id: a.id } } } })),
  }));
  return {
    batch: {
      topic: 'sift.alerts',
      partition: 0,
      highWatermark: String(firstOffset + alerts.length),
      messages,
      isEmpty: () => messages.length === 0,
      lastOffset: () => String(firstOffset + alerts.length - 1),
    },
    heartbeat: async () => undefined,
    pause: () => () => undefined,
    isStale: () => false,
    resolveOffset: () => undefined,
  } as unknown as EachBatchPayload;
}

describe('the delivered-alert ledger', () => {
  it('tombstones ledger keys older than alerts.ledger_ttl, at start and with later ledger writes', async () => {
    let now = T0;
    const saves: StateEntry[][] = [];
    const stored: StateEntry[] = [
      { key: 'old', value: String(T0 - 120 * MIN) },
      { key: 'recent', value: String(T0 - 30 * MIN) },
      // Written before ledger keys carried a time: counted from this start.
      { key: 'legacy', value: '1' },
    ];
    const ledger: StateCheckpoint = {
      load: async (scopes) => new Map([...scopes].map((s) => [s, s === 'delivered' ? stored : []])),
      save: async (_scope, entries) => {
        saves.push([...entries]);
      },
    };
    const submitted: string[] = [];
    const dispatcher: Dispatcher = {
      submit: (alerts: readonly Alert[]) => submitted.push(...alerts.map((a) => a.id)),
      pending: () => ({}),
      drain: async () => ({ drained: true, deadLettered: 0 }),
    } as unknown as Dispatcher;
    const fake = fakeKafka();
    const notifier = createNotifier({
      kafka: fake.kafka,
      topic: 'sift.alerts',
      group: 'sift',
      dispatcher,
      ledger,
      log: quiet,
      metrics: createMetrics({ defaultMetrics: false }),
      sessionTimeoutMs: 30_000,
      onFatal: () => undefined,
      ledgerTtlMs: 60 * MIN,
      now: () => now,
    });
    await notifier.start();
    // 'old' was written two hours ago: past the one-hour horizon.
    expect(saves).toEqual([[{ key: 'old', value: null }]]);

    await fake.eachBatch()(alertsBatch(0, [
      { id: 'a1', at: T0 },
      { id: 'recent', at: T0 - 30 * MIN },
      { id: 'a2', at: T0 },
    ]));
    // 'recent' is still remembered: not paged again.
    expect(submitted).toEqual(['a1', 'a2']);
    expect(saves[1]).toEqual([
      { key: 'a1', value: String(T0) },
      { key: 'a2', value: String(T0) },
    ]);

    now = T0 + 45 * MIN;
    await fake.eachBatch()(alertsBatch(3, [{ id: 'a3', at: T0 + 45 * MIN }]));
    // 'recent' (written at T0 − 30 min) passed the horizon at T0 + 30 min.
    expect(saves[2]).toEqual([
      { key: 'a3', value: String(T0 + 45 * MIN) },
      { key: 'recent', value: null },
    ]);

    now = T0 + 61 * MIN;
    // Nothing new to page (a1 is a re-read), but the keys written at T0 (and 'legacy', counted from the start at T0) expire.
    await fake.eachBatch()(alertsBatch(0, [{ id: 'a1', at: T0 }]));
    expect(submitted).toEqual(['a1', 'a2', 'a3']);
    expect(saves).toHaveLength(4);
    expect(new Set(saves[3])).toEqual(new Set([
      { key: 'legacy', value: null },
      { key: 'a1', value: null },
      { key: 'a2', value: null },
    ]));
    await notifier.stop(100);
  });
});
