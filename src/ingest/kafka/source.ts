import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ErrorCode, SiftError } from '../../shared/index.js';
import type { Logger, Metrics } from '../../telemetry/index.js';
import { retryWhileSettling } from './wait.js';
import { isSettlingCondition } from './client.js';

/** One record as read from Kafka; `offset` stays a string (int64). */
export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface RawBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly RawRecord[];
  /** The partition's end offset when the batch was fetched: the batch is caught up when its last offset + 1 reaches it. */
  readonly highWatermark?: string;
}

/**
 * Called once per fetched batch. It must resolve only when every record is
 * indexed or dead-lettered; the source then commits past the batch. If it
 * throws, nothing is committed and the batch is fetched again.
 *
 * `owned()` comes before each write that is not idempotent by id (dead
 * letters, alerts to the topic, checkpoints): it resolves while this member
 * still holds the batch's partition, and rejects (the batch is then stale)
 * once the group moved on, e.g. after the process stalled past its session
 * timeout and another member took the partition over and wrote the same.
 */
export type BatchHandler = (batch: RawBatch, signal: AbortSignal, owned: () => Promise<void>) => Promise<BatchDone | void>;

/**
 * What a handler may say of a batch it finished: `commit`, an offset of the
 * batch, is the first record not yet safe (keyed mode's detect stage holds
 * events back for the reorder): the commit goes no further, while fetching
 * goes on past the batch.
 */
export interface BatchDone {
  readonly commit?: string;
}

export interface SourceOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  partitionsConcurrently: number;
  maxBytesPerPartition: number;
  metrics: Metrics;
  log: Logger;
  /** A fatal error (401, TLS, …) stops consumption; nothing further is committed. */
  onFatal: (err: unknown) => void;
  isFatal: (err: unknown) => boolean;
  /**
   * Called with this instance's whole assignment (`topic/partition` scopes)
   * each time it joins the group, before the first batch of the generation.
   */
  onAssign?: (scopes: ReadonlySet<string>) => void;
  /** How long startup steps retry while the cluster settles (kafka.connect_timeout_ms); default 60 s. */
  settleTimeoutMs?: number;
  /** Where the lag of each partition is reported; default the ingest lag (sift_ingest_consumer_lag_records). */
  lag?: Metrics['lag'];
  /**
   * A fetch waits up to `waitMs` for `minBytes` (the broker's fetch.min.bytes
   * and max wait). Default: answer as soon as any record is there.
   */
  fetchFill?: { readonly minBytes: number; readonly waitMs: number };
}

export interface KafkaSource {
  start(handler: BatchHandler): Promise<void>;
  /** Stop fetching, let in-flight batches finish (or abort at the deadline), leave the group. */
  stop(deadlineMs: number): Promise<{ drained: boolean }>;
  readonly consuming: boolean;
}

/**
 * Heartbeat errors that mean this member is no longer in the group's current
 * generation (kafkajs protocol error types, codes 27, 25 and 22): a rebalance
 * began, the coordinator forgot the member (session expired) or the
 * generation moved on. The batch in hand is stale.
 */
const GENERATION_LOST: ReadonlySet<string> = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION']);

/**
 * A bounded label for a failed heartbeat: the protocol error's type (a closed
 * list in kafkajs), else the kafkajs error class (KafkaJSConnectionError, …),
 * else `other`. Never the message.
 */
function heartbeatFailureKind(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'other';
  const { type, name } = err as { type?: unknown; name?: unknown };
  if (typeof type === 'string' && /^[A-Z_]+$/.test(type)) return type;
  if (typeof name === 'string' && /^KafkaJS[A-Za-z]+$/.test(name)) return name;
  return 'other';
}

const errMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function createKafkaSource(opts: SourceOptions): KafkaSource {
  const { metrics, log } = opts;
  const consumer: Consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: opts.sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, Math.floor(opts.sessionTimeoutMs / 3)),
    allowAutoTopicCreation: false,
    maxBytesPerPartition: opts.maxBytesPerPartition,
    maxBytes: opts.maxBytesPerPartition * Math.max(1, opts.partitionsConcurrently) * 2,
    ...(opts.fetchFill ? { minBytes: opts.fetchFill.minBytes, maxWaitTimeInMs: opts.fetchFill.waitMs } : {}),
  });
  const abort = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let consuming = false;
  let stopping = false;

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    consuming = true;
    log.info({ assignment: e.payload.memberAssignment }, 'Joined the consumer group.');
    const scopes = new Set<string>();
    for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) for (const p of partitions) scopes.add(`${topic}/${p}`);
    opts.onAssign?.(scopes);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    // A cluster still settling (coordinator loading, no leader yet) crashes a
    // starting consumer and kafkajs restarts it: expected, not an error.
    if (e.payload.restart && isSettlingCondition(e.payload.error.message)) {
      log.info({ err: e.payload.error.message, restart: true }, 'Kafka consumer restarting while the cluster settles.');
      return;
    }
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'Kafka consumer crashed.');
    // kafkajs restarts itself after retriable errors only. After any other
    // crash the consumer is gone for good: stop (exit non-zero) rather than
    // hang looking healthy, and let the supervisor restart Sift. Nothing
    // uncommitted is lost; it is re-read on start.
    if (!e.payload.restart && !stopping) {
      opts.onFatal(new SiftError(ErrorCode.KafkaUnavailable, `Kafka consumer stopped: ${e.payload.error.message}`, { stage: 'consume', cause: e.payload.error }));
    }
  });

  async function onBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty() || stopping) return;
    const last = batch.lastOffset();
    const records: RawRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key,
      value: m.value,
    }));
    // Aborted by shutdown (every batch) or by a heartbeat saying this member
    // left the generation (this batch): either way its waiting ends now.
    const stale = new AbortController();
    const signal = AbortSignal.any([abort.signal, stale.signal]);
    let lost: unknown;
    const warned = new Set<string>();
    const onBeatFailed = (err: unknown): void => {
      const kind = heartbeatFailureKind(err);
      metrics.heartbeatFailures.inc({ kind });
      const abandon = lost === undefined && GENERATION_LOST.has(kind);
      // One line per kind per batch: a beat fails every few seconds for as long as the outage lasts.
      if (!warned.has(kind)) {
        warned.add(kind);
        log.warn({ topic: batch.topic, partition: batch.partition, kind, err: errMessage(err), abandoned: abandon || lost !== undefined }, 'Kafka heartbeat failed during a batch.');
      }
      if (abandon) {
        // The partitions may already be another member's: waiting out the
        // outage here only delays the rejoin, and the commit would be refused.
        lost = err;
        stale.abort(err);
      }
    };
    const owned = async (): Promise<void> => {
      // kafkajs sends the beat only when heartbeatInterval has passed since the
      // last one that succeeded: free for a batch whose timer kept beating; after
      // a stall (GC pause, blocked event loop: the timer could not fire either)
      // the coordinator answers before the write. The session outlives that
      // interval, so with no beat due the member was in the group a moment ago.
      if (lost === undefined) await payload.heartbeat().catch(onBeatFailed);
      if (lost !== undefined) throw lost;
      signal.throwIfAborted();
    };
    const work = handler({ topic: batch.topic, partition: batch.partition, records, highWatermark: batch.highWatermark }, signal, owned);
    inFlight.add(work);
    // While ES is down the batch waits on retries for as long as it takes: keep
    // the group membership alive meanwhile, or the session times out, the
    // partition moves to another member and this batch goes stale.
    const beat = setInterval(() => void payload.heartbeat().catch(onBeatFailed), Math.min(3000, Math.floor(opts.sessionTimeoutMs / 3)));
    let done: BatchDone | void;
    try {
      done = await work;
    } catch (err) {
      // The kafkajs error itself, so its runner rejoins (REBALANCE_IN_PROGRESS,
      // ILLEGAL_GENERATION) or forgets the member id (UNKNOWN_MEMBER_ID) at once.
      if (lost !== undefined) throw lost;
      if (opts.isFatal(err)) {
        // Commit nothing, fetch nothing more: the operator must fix the cause.
        payload.pause();
        opts.onFatal(err);
        return;
      }
      throw err; // kafkajs refetches the batch after its retry backoff.
    } finally {
      clearInterval(beat);
      inFlight.delete(work);
    }
    // Everything up to `last` is indexed or dead-lettered: now, and only now,
    // the offset may move. A stale batch (partition revoked meanwhile) must not
    // commit: the new owner reprocesses it, and the _ids make that idempotent.
    if (payload.isStale()) return;
    // Done, but after a beat said the generation is gone: nothing may commit.
    if (lost !== undefined) throw lost;
    payload.resolveOffset(last);
    const held = done?.commit !== undefined ? BigInt(done.commit) : undefined;
    const next = (held !== undefined && held <= BigInt(last) ? held : BigInt(last) + 1n).toString();
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    metrics.committed.inc({ topic: batch.topic });
    const hw = BigInt(batch.highWatermark);
    const lag = hw > BigInt(next) ? Number(hw - BigInt(next)) : 0;
    (opts.lag ?? metrics.lag).set({ topic: batch.topic, partition: String(batch.partition) }, lag);
    await payload.heartbeat();
  }

  return {
    get consuming() {
      return consuming && !stopping;
    },
    async start(handler) {
      await consumer.connect();
      // A topic created a moment ago may not be known to every broker yet.
      for (const topic of opts.topics) {
        await retryWhileSettling(`subscribe to ${topic}`, () => consumer.subscribe({ topic, fromBeginning: opts.fromBeginning }), log, opts.settleTimeoutMs ?? 60_000);
      }
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConcurrently,
        eachBatch: (payload) => onBatch(payload, handler),
      });
    },
    async stop(deadlineMs) {
      stopping = true;
      const drain = Promise.allSettled([...inFlight]).then(() => true);
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deadlineMs).unref());
      const drained = await Promise.race([drain, timeout]);
      if (!drained) abort.abort(new Error('shutdown deadline reached'));
      await consumer.disconnect().catch((err: unknown) => log.warn({ err }, 'Kafka consumer did not disconnect cleanly.'));
      return { drained };
    },
  };
}
