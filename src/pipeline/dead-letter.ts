import type { Producer } from 'kafkajs';
import { sendChunked, type DeadLetter, type MessageLimits } from '../ingest/index.js';
import type { ErrorCode, Stage } from '../shared/index.js';

export type { DeadLetter } from '../ingest/index.js';

/**
 * The DLQ record value. The original bytes travel base64-encoded, so a record
 * that is not UTF-8 (one reason to be here) survives the round trip exactly.
 * Documented in docs/dead-letter.md.
 */
export interface DeadLetterValue {
  reason: { code: ErrorCode; stage: Stage; message: string; path?: string };
  source: { topic: string; partition: number; offset: string; timestamp: string; key_base64: string | null };
  /** The topic's source (`okta`, `google_workspace`): where to send a fixed record back. */
  vendor: string;
  /** The event's dataset, null when it was refused before Sift knew it (docs/dead-letter.md). */
  dataset: string | null;
  event_index?: number;
  original_base64: string | null;
  original_bytes: number;
}

export function deadLetterValue(d: DeadLetter): DeadLetterValue {
  const reason: DeadLetterValue['reason'] = { code: d.code, stage: d.stage, message: d.message };
  if (d.path !== undefined) reason.path = d.path;
  const value: DeadLetterValue = {
    reason,
    source: {
      topic: d.record.topic,
      partition: d.record.partition,
      offset: d.record.offset,
      timestamp: d.record.timestamp,
      key_base64: d.record.key === null ? null : d.record.key.toString('base64'),
    },
    vendor: d.vendor,
    dataset: d.dataset,
    original_base64: d.record.value === null ? null : d.record.value.toString('base64'),
    original_bytes: d.record.value?.length ?? 0,
  };
  if (d.eventIndex !== undefined) value.event_index = d.eventIndex;
  return value;
}

export interface DeadLetterSink {
  /** Resolves once the broker acknowledged every record (acks=all). */
  send(letters: readonly DeadLetter[]): Promise<void>;
}

/** `limits`: the topics' max.message.bytes learned at start (the broker default without). */
export function createDeadLetterSink(producer: Pick<Producer, 'send'>, topic: string, limits?: MessageLimits): DeadLetterSink {
  return {
    async send(letters) {
      if (letters.length === 0) return;
      // Chunked: each dead letter carries its whole original record, so a batch of them easily passes the topic's limit.
      await sendChunked(
        producer,
        topic,
        letters.map((d) => ({
          // Keyed by origin, so a redelivered bad record lands next to its first copy.
          key: `${d.record.topic}:${d.record.partition}:${d.record.offset}${d.eventIndex === undefined ? '' : `:${d.eventIndex}`}`,
          value: JSON.stringify(deadLetterValue(d)),
          headers: {
            'sift.reason.code': d.code,
            'sift.stage': d.stage,
            'sift.source.topic': d.record.topic,
            'sift.source.partition': String(d.record.partition),
            'sift.source.offset': d.record.offset,
          },
        })),
        { maxBytes: limits?.of(topic), partitions: limits?.partitionsOf(topic) },
      );
    },
  };
}
