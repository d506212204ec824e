/**
 * The notifier: delivers alerts from the `sift.alerts` topic to Slack,
 * PagerDuty and webhooks. It runs in `sift run` beside the event pipeline,
 * under its own consumer group (`<group>.notify`), so a slow or down receiver
 * never holds back event indexing, and an alert written to the topic is never
 * lost: its offset is committed only once every sink delivered it or put it
 * in the alert DLQ.
 *
 * Exactly once per receiver, as far as a receiver without idempotency keys
 * allows: the ids of delivered alerts are recorded in the state topic before
 * the commit, so alerts re-read after a crash, and alerts the event pipeline
 * re-wrote after its own crash, are not paged twice. Records that update an
 * earlier alert (suppressed repeats) are never paged.
 *
 * The ledger does not grow forever: each key holds the alert record's Kafka
 * timestamp and is tombstoned once older than `alerts.ledger_ttl` (default
 * 7 days, Kafka's default retention.ms). By then the alerts topic no longer
 * holds the record, so the notifier cannot re-read it; keep the TTL at least
 * the alerts topic's (and the raw topics') retention, or a replay of older
 * records pages again.
 */
import type { Kafka } from 'kafkajs';
import { createKafkaSource, type KafkaSource, type RawBatch, type StateCheckpoint } from '../ingest/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import type { Alert } from './alert.js';
import type { Dispatcher } from './dispatch/index.js';
import { parseAlertRecord, type AlertRecord } from './sinks/kafka.js';

const LEDGER_SCOPE = 'delivered';
/** Delivered ids remembered; beyond it the oldest fall out, from memory and from the state topic alike. */
const LEDGER_MAX = 200_000;

export interface Notifier {
  start(): Promise<void>;
  stop(deadlineMs: number): Promise<void>;
}

export interface NotifierDeps {
  kafka: Kafka;
  topic: string;
  group: string;
  dispatcher: Dispatcher;
  ledger: StateCheckpoint;
  log: Logger;
  metrics: Metrics;
  sessionTimeoutMs: number;
  onFatal: (err: unknown) => void;
  /** How long a delivered id is remembered after its alert was written (alerts.ledger_ttl). */
  ledgerTtlMs: number;
  /** Injected time, for tests; the ledger's horizon is wall-clock like Kafka's retention. */
  now?: () => number;
  /** Reads an alerts-topic record (JSON unless alerts.kafka.format is avro); undefined: unreadable. */
  parse?: (value: Buffer | null) => AlertRecord | undefined;
}

function idle(dispatcher: Dispatcher, metrics: Metrics): boolean {
  const pending = dispatcher.pending();
  for (const [sink, n] of Object.entries(pending)) metrics.alertsPending.set({ sink }, n);
  return Object.values(pending).every((n) => n === 0);
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const { dispatcher, ledger, log } = deps;
  const now = deps.now ?? Date.now;
  /** Delivered id → its alert record's timestamp (ms), oldest first (insertion order). */
  const delivered = new Map<string, number>();
  let source: KafkaSource | undefined;

  function remember(entries: Iterable<readonly [string, number]>): void {
    for (const [id, at] of entries) delivered.set(id, at);
  }

  /**
   * Ids to forget: past the TTL or beyond LEDGER_MAX. Scans from the oldest
   * and stops at the first live one, so a batch costs what it expires; an id
   * inserted out of timestamp order expires when it reaches the front.
   */
  function expired(): string[] {
    const cutoff = now() - deps.ledgerTtlMs;
    let over = delivered.size - LEDGER_MAX;
    const out: string[] = [];
    for (const [id, at] of delivered) {
      if (at >= cutoff && over <= 0) break;
      out.push(id);
      over--;
    }
    return out;
  }

  /** Writes `fresh` (and tombstones for what expired) to the ledger, then updates memory. */
  async function record(fresh: readonly (readonly [string, number])[]): Promise<void> {
    const gone = expired();
    if (fresh.length === 0 && gone.length === 0) return;
    await ledger.save(LEDGER_SCOPE, [...fresh.map(([id, at]) => ({ key: id, value: String(at) })), ...gone.map((id) => ({ key: id, value: null }))]);
    // Only once written: a failed save leaves memory as the topic has it, for the refetched batch.
    for (const id of gone) delivered.delete(id);
    remember(fresh);
  }

  async function handle(batch: RawBatch, signal: AbortSignal): Promise<void> {
    const fresh: Alert[] = [];
    const writtenAt = new Map<string, number>();
    for (const r of batch.records) {
      const a = (deps.parse ?? parseAlertRecord)(r.value);
      if (!a) {
        log.warn({ topic: batch.topic, offset: r.offset }, 'Skipped an unreadable record on the alerts topic.');
        continue;
      }
      if (a.update || delivered.has(a.id) || fresh.some((f) => f.id === a.id)) continue;
      fresh.push({ id: a.id, ruleId: a.ruleId, severity: a.severity, doc: a.doc });
      const at = Number(r.timestamp);
      writtenAt.set(a.id, Number.isFinite(at) ? at : now());
    }
    if (fresh.length === 0) {
      await record([]);
      return;
    }
    dispatcher.submit(fresh);
    // Every sink has delivered or dead-lettered each alert once its lanes are empty.
    while (!idle(dispatcher, deps.metrics)) {
      if (signal.aborted) throw new Error('notifier stopped before delivery finished');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await record(fresh.map((a) => [a.id, writtenAt.get(a.id) ?? now()] as const));
  }

  return {
    async start() {
      const stored = await ledger.load(new Set([LEDGER_SCOPE]));
      const started = now();
      // Keys written before they carried a time ('1') count from this start: they expire one TTL from now.
      const entries = (stored.get(LEDGER_SCOPE) ?? []).map((e) => {
        const at = Number(e.value);
        return [e.key, e.value !== '1' && Number.isFinite(at) ? at : started] as const;
      });
      remember(entries.sort((x, y) => x[1] - y[1]));
      await record([]);
      source = createKafkaSource({
        kafka: deps.kafka,
        groupId: `${deps.group}.notify`,
        topics: [deps.topic],
        fromBeginning: true,
        sessionTimeoutMs: deps.sessionTimeoutMs,
        partitionsConcurrently: 1,
        maxBytesPerPartition: 1024 * 1024,
        metrics: deps.metrics,
        log,
        isFatal: () => false,
        onFatal: deps.onFatal,
      });
      await source.start(handle);
      log.info({ topic: deps.topic, delivered: delivered.size }, 'Notifier consuming alerts.');
    },
    async stop(deadlineMs) {
      if (source) await source.stop(deadlineMs);
      await dispatcher.drain(Math.min(deadlineMs, 5000));
    },
  };
}
