/**
 * Kafka topics for alerts. `sift.alerts` (keyed by alert id) is both a sink
 * for downstream consumers and the durable outbox of notifications: the event
 * pipeline writes each alert there (acks=all) before it commits the batch that
 * raised it, and the notifier delivers to Slack, PagerDuty and webhooks from
 * it. `sift.alerts.dlq` holds alerts a sink could not deliver.
 */
import type { Producer } from 'kafkajs';
import { sendChunked, type MessageLimits } from '../../ingest/index.js';
import type { Alert } from '../alert.js';

export interface AlertRecord {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Alert['severity'];
  /** true when this record updates an earlier alert (suppressed repeats): never paged again. */
  readonly update: boolean;
  readonly doc: Alert['doc'];
}

/** An alert record as the JSON alerts topic carries it. */
export function encodeAlertJson(r: AlertRecord): string {
  return JSON.stringify(r);
}

/**
 * `limits`: the topics' max.message.bytes learned at start (the broker default without).
 * `encode`: the record's bytes (JSON unless alerts.kafka.format is avro, src/alerts/avro.ts).
 */
export function createAlertTopicWriter(
  producer: Pick<Producer, 'send'>,
  topic: string,
  limits?: MessageLimits,
  encode: (r: AlertRecord) => Buffer | string = encodeAlertJson,
) {
  return {
    /** Resolves once the broker acknowledged every record (acks=all), sent in chunks that fit the topic (a noisy rule's batch can raise thousands). */
    async write(alerts: readonly Alert[], update = false): Promise<void> {
      if (alerts.length === 0) return;
      const messages = alerts.map((a) => ({
        key: a.id,
        value: encode({ id: a.id, ruleId: a.ruleId, severity: a.severity, update, doc: a.doc }),
        headers: { 'sift.rule.id': a.ruleId, 'sift.alert.severity': a.severity, 'sift.alert.update': String(update) },
      }));
      await sendChunked(producer, topic, messages, { maxBytes: limits?.of(topic), partitions: limits?.partitionsOf(topic) });
    },
  };
}

export function parseAlertRecord(value: Buffer | null): AlertRecord | undefined {
  if (value === null) return undefined;
  try {
    const r = JSON.parse(value.toString('utf8')) as Partial<AlertRecord>;
    if (typeof r.id !== 'string' || typeof r.ruleId !== 'string' || typeof r.severity !== 'string' || typeof r.doc !== 'object' || r.doc === null) return undefined;
    return { id: r.id, ruleId: r.ruleId, severity: r.severity, update: r.update === true, doc: r.doc };
  } catch {
    return undefined;
  }
}

export function createAlertDeadLetterWriter(producer: Pick<Producer, 'send'>, topic: string, limits?: MessageLimits) {
  return async (alert: Alert, sink: string, reason: string, code: string): Promise<void> => {
    const message = {
      key: `${alert.id}:${sink}`,
      value: JSON.stringify({ alert_id: alert.id, rule_id: alert.ruleId, severity: alert.severity, sink, code, reason, at: new Date().toISOString(), alert: alert.doc }),
      headers: { 'sift.sink': sink, 'sift.reason.code': code },
    };
    await sendChunked(producer, topic, [message], { maxBytes: limits?.of(topic), partitions: limits?.partitionsOf(topic) });
  };
}
