/**
 * Keyed mode's two ends on Kafka (docs/operations.md, "Stateful detection"):
 * the ingest stage writes re-keyed events to the keyed topic before it
 * commits its source batch; the detect stage reads them back.
 *
 * Topology, with `<g>` = kafka.group_id and `<k>` = rules.keyed_topic
 * (default `<g>.keyed`):
 *   raw topics ──(group <g>)── ingest: index, single-event alerts, route ──► <k> (key = group JSON)
 *   <k> ──(group <g>.detect)── detect: windows of its partitions ──► alerts ──► <k>.state partition p ──► commit
 */
import type { Kafka, Producer } from 'kafkajs';
import { decodeKeyed, decodeMarks, encodeKeyed, encodeMarks, MARK_KEY, type KeyedInput, type SourceMark } from '../rules/index.js';
import { sendChunked, topicPartitions, type MessageLimits, type RawBatch } from '../ingest/index.js';
import { ErrorCode, SiftError } from '../shared/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';

/** Kafka topic names of keyed mode, from the configuration. */
export interface KeyedTopology {
  readonly topic: string;
  readonly stateTopic: string;
  readonly group: string;
}

export function keyedTopology(groupId: string, keyedTopic: string): KeyedTopology {
  const topic = keyedTopic || `${groupId}.keyed`;
  return { topic, stateTopic: `${topic}.state`, group: `${groupId}.detect` };
}

/**
 * The detect stage restores keyed partition p from state partition p; with
 * fewer state partitions some windows would have nowhere to go. Checked at
 * start, whoever created the topics.
 */
export async function checkCoPartitioned(kafka: Kafka, topology: KeyedTopology): Promise<void> {
  const counts = await topicPartitions(kafka, [topology.topic, topology.stateTopic]);
  const keyed = counts.get(topology.topic);
  const state = counts.get(topology.stateTopic);
  const missing = [topology.topic, topology.stateTopic].filter((t) => !counts.has(t));
  if (missing.length > 0) {
    throw new SiftError(ErrorCode.ConfigInvalid, `keyed mode needs the topics ${missing.join(' and ')}: create them (${topology.stateTopic} compacted, both with the same partition count) or set kafka.create_topics: true`);
  }
  if (keyed !== state) {
    throw new SiftError(ErrorCode.ConfigInvalid, `${topology.topic} has ${keyed} partitions and ${topology.stateTopic} ${state}: the detect stage checkpoints keyed partition p to state partition p, so both need the same count`);
  }
}

/** The keyed partition a detect-stage scope (`<topic>/<partition>`) names, if it is one of the keyed topic's. */
export function keyedPartitionOf(topic: string, scope: string): number | undefined {
  if (!scope.startsWith(`${topic}/`)) return undefined;
  const p = Number(scope.slice(topic.length + 1));
  return Number.isSafeInteger(p) && p >= 0 ? p : undefined;
}

/** A keyed record, encoded; its dataset is only counted once the write is acknowledged. */
export interface KeyedMessage {
  readonly key: string;
  readonly value: string;
  /** Empty for a source marker. */
  readonly dataset: string;
  /** A marker's keyed partition; an event's follows from its key. */
  readonly partition?: number;
}

export interface KeyedWriter {
  /**
   * Encodes a slice's inputs onto `into`. The ingest stage encodes each slice
   * as it routes it, so the slice's events die young instead of living on in
   * the inputs until the batch's bulk is answered.
   */
  encode(inputs: readonly KeyedInput[], into: KeyedMessage[]): void;
  /** Resolves once the broker acknowledged every record (acks=all, idempotent producer). */
  send(messages: readonly KeyedMessage[]): Promise<void>;
  /** encode + send. */
  write(inputs: readonly KeyedInput[]): Promise<void>;
  /** Appends one marker record per keyed partition to `into` (after the events they follow). */
  mark(marks: readonly SourceMark[], partitions: number, into: KeyedMessage[]): void;
}

/**
 * A batch of thousands of selected events is sent in several requests, each
 * within the keyed topic's max.message.bytes (`limits`, learned at start; the
 * broker default without): a topic Sift did not create may have 1 MiB.
 */
export function createKeyedWriter(producer: Pick<Producer, 'send'>, topic: string, metrics: Metrics, limits?: MessageLimits): KeyedWriter {
  const encode = (inputs: readonly KeyedInput[], into: KeyedMessage[]): void => {
    for (const input of inputs) into.push({ key: input.key, value: encodeKeyed(input), dataset: input.dataset });
  };
  const send = async (messages: readonly KeyedMessage[]): Promise<void> => {
    if (messages.length === 0) return;
    const byDataset = new Map<string, number>();
    let markers = 0;
    for (const m of messages) {
      if (m.dataset === '') markers++;
      else byDataset.set(m.dataset, (byDataset.get(m.dataset) ?? 0) + 1);
    }
    await sendChunked(
      producer,
      topic,
      messages.map((m) => (m.partition === undefined ? { key: m.key, value: m.value } : { key: m.key, value: m.value, partition: m.partition })),
      { maxBytes: limits?.of(topic), partitions: limits?.partitionsOf(topic) },
    );
    for (const [dataset, n] of byDataset) metrics.keyedWritten.inc({ dataset }, n);
    if (markers > 0) metrics.keyedMarkers.inc(markers);
  };
  return {
    encode,
    send,
    write(inputs) {
      const messages: KeyedMessage[] = [];
      encode(inputs, messages);
      return send(messages);
    },
    mark(marks, partitions, into) {
      if (marks.length === 0) return;
      const value = encodeMarks(marks);
      for (let p = 0; p < partitions; p++) into.push({ key: MARK_KEY, value, dataset: '', partition: p });
    },
  };
}

/** A keyed-topic record as the detect stage reads it: an event at its keyed offset, or a source marker. */
export type KeyedItem = { readonly input: KeyedInput; readonly offset: bigint } | { readonly marks: readonly SourceMark[]; readonly offset: bigint };

/** A keyed batch's events and markers, in order; records that are neither are counted and logged once per batch, then skipped. */
export function readKeyed(batch: RawBatch, metrics: Metrics, log: Logger): KeyedItem[] {
  const items: KeyedItem[] = [];
  let invalid: { reason: string; offset: string } | undefined;
  let count = 0;
  for (const r of batch.records) {
    const key = r.key?.toString('utf8');
    const decoded = key === MARK_KEY ? decodeMarks(r.value?.toString('utf8')) : decodeKeyed(key, r.value?.toString('utf8'));
    if (Array.isArray(decoded)) {
      items.push({ marks: decoded, offset: BigInt(r.offset) });
      continue;
    }
    if (typeof decoded !== 'string') {
      items.push({ input: decoded, offset: BigInt(r.offset) });
      continue;
    }
    // A fixed label set: the version text is the record's, not ours.
    metrics.keyedInvalid.inc({ reason: decoded.startsWith('unknown format') ? 'unknown format version' : decoded });
    invalid ??= { reason: decoded, offset: r.offset };
    count++;
  }
  if (invalid !== undefined) log.warn({ topic: batch.topic, partition: batch.partition, count, first: invalid }, 'Skipped keyed-topic records that Sift did not write.');
  return items;
}

/**
 * Graceful stop: once the ingest stage has stopped, waits until the detect
 * stage has taken every keyed record of its partitions that was written
 * before (committed, or read while its event waits in the reorder for a
 * source still behind: read again at the next start), so a SIGTERM leaves
 * no selected event undetected, or until the deadline. Partitions of other
 * instances are theirs.
 */
export async function drainKeyed(kafka: Kafka, topology: KeyedTopology, partitions: ReadonlySet<number>, deadlineMs: number, read: (partition: number) => bigint | undefined = () => undefined): Promise<boolean> {
  if (partitions.size === 0) return true;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topology.topic)).map((p) => [p.partition, BigInt(p.high)]));
    const until = Date.now() + deadlineMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId: topology.group, topics: [topology.topic] });
      const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      // Read to the end is enough: events still waiting in the reorder are not committed, and read again at the next start.
      const behind = [...partitions].filter((p) => {
        const end = ends.get(p) ?? 0n;
        return end > 0n && (done.get(p) ?? -1n) < end && (read(p) ?? -1n) < end;
      });
      if (behind.length === 0) return true;
      if (Date.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
