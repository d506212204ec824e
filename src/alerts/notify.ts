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
 */
import type { Kafka } from 'kafkajs';
import { createKafkaSource, type KafkaSource, type RawBatch, type StateCheckpoint } from '../ingest/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import type { Alert } from './alert.js';
import type { Dispatcher } from './dispatch/index.js';
import { parseAlertRecord } from './sinks/kafka.js';

const LEDGER_SCOPE = 'delivered';
/** Delivered ids remembered in memory; older ones fall out (their alerts are long committed). */
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
}

function idle(dispatcher: Dispatcher, metrics: Metrics): boolean {
  const pending = dispatcher.pending();
  for (const [sink, n] of Object.entries(pending)) metrics.alertsPending.set({ sink }, n);
  return Object.values(pending).every((n) => n === 0);
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const { dispatcher, ledger, log } = deps;
  const delivered = new Set<string>();
  let source: KafkaSource | undefined;

  function remember(ids: readonly string[]): void {
    for (const id of ids) delivered.add(id);
    if (delivered.size > LEDGER_MAX) {
      const drop = delivered.size - LEDGER_MAX;
      let i = 0;
      for (const id of delivered) {
        if (i++ >= drop) break;
        delivered.delete(id);
      }
    }
  }

  async function handle(batch: RawBatch, signal: AbortSignal): Promise<void> {
    const fresh: Alert[] = [];
    for (const r of batch.records) {
      const a = parseAlertRecord(r.value);
      if (!a) {
        log.warn({ topic: batch.topic, offset: r.offset }, 'Skipped an unreadable record on the alerts topic.');
        continue;
      }
      if (a.update || delivered.has(a.id) || fresh.some((f) => f.id === a.id)) continue;
      fresh.push({ id: a.id, ruleId: a.ruleId, severity: a.severity, doc: a.doc });
    }
    if (fresh.length === 0) return;
    dispatcher.submit(fresh);
    // Every sink has delivered or dead-lettered each alert once its lanes are empty.
    while (!idle(dispatcher, deps.metrics)) {
      if (signal.aborted) throw new Error('notifier stopped before delivery finished');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await ledger.save(LEDGER_SCOPE, fresh.map((a) => ({ key: a.id, value: '1' })));
    remember(fresh.map((a) => a.id));
  }

  return {
    async start() {
      const stored = await ledger.load(new Set([LEDGER_SCOPE]));
      remember((stored.get(LEDGER_SCOPE) ?? []).map((e) => e.key));
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
