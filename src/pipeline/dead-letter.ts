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
  /** The record's bytes; null for a record without a value, or when `original_in` names the letter that carries them. */
  original_base64: string | null;
  original_bytes: number;
  /** Set instead of `original_base64` on the later letters of a record that failed many times (ORIGINAL_REPEAT_BYTES). */
  original_in?: string;
}

/**
 * How many bytes of one record's original a batch's dead letters repeat. Each
 * failed event of a record gets its own dead letter, and each carries the
 * whole record, so one hostile record of many small failing events (200 KB of
 * `[1,1,…]` is 100,000 events) would otherwise become 100,000 copies of itself:
 * ~27 GB of strings, out of memory, and the refetched batch would do it again.
 * Past this budget a letter names the letter that holds the bytes instead
 * (`original_in`). The first letter of a record always carries them, however
 * large; an ordinary record (a few bad events in a few KB) never reaches it.
 */
export const ORIGINAL_REPEAT_BYTES = 1024 * 1024;

/** The DLQ record key: the origin, plus the event's position in a multi-event record. */
export function deadLetterKey(d: DeadLetter): string {
  // Keyed by origin, so a redelivered bad record lands next to its first copy.
  return `${recordKey(d)}${d.eventIndex === undefined ? '' : `:${d.eventIndex}`}`;
}

const recordKey = (d: DeadLetter): string => `${d.record.topic}:${d.record.partition}:${d.record.offset}`;

/** `originalIn`: the key of the letter that carries the record's bytes, when this one does not. */
export function deadLetterValue(d: DeadLetter, originalIn?: string): DeadLetterValue {
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
    original_base64: d.record.value === null || originalIn !== undefined ? null : d.record.value.toString('base64'),
    original_bytes: d.record.value?.length ?? 0,
  };
  if (d.eventIndex !== undefined) value.event_index = d.eventIndex;
  if (originalIn !== undefined) value.original_in = originalIn;
  return value;
}

/**
 * For each letter, the key of the letter that carries its record's bytes when
 * it does not carry them itself (undefined: it does). Within one send, a
 * record's bytes are repeated up to ORIGINAL_REPEAT_BYTES, then referenced.
 */
export function originalCarriers(letters: readonly DeadLetter[], budget = ORIGINAL_REPEAT_BYTES): (string | undefined)[] {
  const seen = new Map<string, { carrier: string; repeated: number }>();
  return letters.map((d) => {
    const record = recordKey(d);
    const size = d.record.value?.length ?? 0;
    const first = seen.get(record);
    if (first === undefined) {
      seen.set(record, { carrier: deadLetterKey(d), repeated: 0 });
      return undefined;
    }
    if (first.repeated + size <= budget) {
      first.repeated += size;
      return undefined;
    }
    return first.carrier;
  });
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
      const carriers = originalCarriers(letters);
      // Chunked: a dead letter carries its whole original record, so a batch of them easily passes the topic's limit.
      await sendChunked(
        producer,
        topic,
        letters.map((d, i) => ({
          key: deadLetterKey(d),
          value: JSON.stringify(deadLetterValue(d, carriers[i])),
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
