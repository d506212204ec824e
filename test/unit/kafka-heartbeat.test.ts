/**
 * Issue 12 defect 4: a heartbeat that fails while a long batch waits (an ES
 * outage retried for minutes) was swallowed. Now each failure is counted
 * (sift_ingest_heartbeat_failures_total by kind), logged once per kind per
 * batch, and a failure saying this member left the generation (kafkajs
 * REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION) aborts the
 * batch's wait and rethrows the kafkajs error, with nothing committed, so
 * kafkajs rejoins at once instead of after the outage.
 *
 * The fake consumer hands the source a fake eachBatch payload whose
 * heartbeat rejects with errors shaped as kafkajs builds them
 * (node_modules/kafkajs/src/protocol/error.js: type, code, retriable, message;
 * errors.js: KafkaJSProtocolError copies type and code). Expectations are
 * written by hand.
 */
import { KafkaJSConnectionError, KafkaJSProtocolError, type EachBatchPayload, type Kafka } from 'kafkajs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createKafkaSource, type BatchHandler } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

/** The three entries of kafkajs' protocol/error.js that mean "this member is out of the generation". */
const GENERATION_LOST = [
  { type: 'REBALANCE_IN_PROGRESS', code: 27, message: 'The group is rebalancing, so a rejoin is needed' },
  { type: 'UNKNOWN_MEMBER_ID', code: 25, message: 'The coordinator is not aware of this member' },
  { type: 'ILLEGAL_GENERATION', code: 22, message: 'Specified group generation id is not valid' },
] as const;

const protocolError = (e: { type: string; code: number; message: string }): KafkaJSProtocolError =>
  new KafkaJSProtocolError(Object.assign(new Error(e.message), { type: e.type, code: e.code, retriable: false }));

interface Harness {
  eachBatch: (payload: EachBatchPayload) => Promise<void>;
  commits: { topic: string; partition: number; offset: string }[];
  lines: Record<string, unknown>[];
  metrics: ReturnType<typeof createMetrics>;
}

/** A source on a fake kafkajs consumer; resolves once `run` handed over its eachBatch. */
async function harness(handler: BatchHandler): Promise<Harness> {
  const commits: Harness['commits'] = [];
  const lines: Record<string, unknown>[] = [];
  let eachBatch: Harness['eachBatch'] | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (cfg: { eachBatch: Harness['eachBatch'] }) => {
      eachBatch = cfg.eachBatch;
    },
    commitOffsets: async (offsets: Harness['commits']) => {
      commits.push(...offsets);
    },
    disconnect: async () => undefined,
  };
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  const log = createLogger({
    level: 'info',
    format: 'json',
    destination: new Writable({
      write: (chunk: Buffer, _e, cb) => {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    }),
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const source = createKafkaSource({
    kafka,
    groupId: 'g',
    topics: ['sift.raw.okta'],
    fromBeginning: true,
    // Heartbeat every 100 ms (a third of the session timeout, as the source sets it).
    sessionTimeoutMs: 300,
    partitionsConcurrently: 1,
    maxBytesPerPartition: 1024 * 1024,
    metrics,
    log,
    isFatal: () => false,
    onFatal: () => undefined,
  });
  await source.start(handler);
  if (!eachBatch) throw new Error('run() was not called');
  return { eachBatch, commits, lines, metrics };
}

interface FakePayload {
  payload: EachBatchPayload;
  beats: () => number;
  resolved: string[];
}

/** One batch of offsets 40..41 on partition 3; `beat(n)` answers the n-th heartbeat (throws = rejects). */
function fakePayload(beat: (n: number) => void): FakePayload {
  let beats = 0;
  const resolved: string[] = [];
  const messages = [40, 41].map((o) => ({ offset: String(o), timestamp: '1700000000000', key: null, value: Buffer.from('{}') }));
  const payload = {
    batch: {
      topic: 'sift.raw.okta',
      partition: 3,
      highWatermark: '42',
      messages,
      isEmpty: () => false,
      lastOffset: () => '41',
    },
    heartbeat: async () => {
      beats++;
      beat(beats);
    },
    pause: () => () => undefined,
    isStale: () => false,
    resolveOffset: (o: string) => resolved.push(o),
  } as unknown as EachBatchPayload;
  return { payload, beats: () => beats, resolved };
}

/** A batch waiting on ES retries: ends after `ms`, or rejects as soon as the signal aborts. */
function waitingHandler(ms: number, seen: { aborted?: boolean }): BatchHandler {
  return (_batch, signal) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        seen.aborted = true;
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      });
    });
}

async function failures(metrics: Harness['metrics']): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const metric = metrics.registry.getSingleMetric('sift_ingest_heartbeat_failures_total');
  if (!metric) return out;
  for (const v of (await metric.get()).values) out[String(v.labels.kind)] = v.value;
  return out;
}

const heartbeatWarnings = (lines: Record<string, unknown>[]) => lines.filter((l) => l.msg === 'Kafka heartbeat failed during a batch.');

describe('heartbeats during a long batch', () => {
  it.each(GENERATION_LOST)('$type: aborts the waiting batch, commits nothing and rethrows the kafkajs error for the rejoin', async (e) => {
    const seen: { aborted?: boolean } = {};
    const h = await harness(waitingHandler(4000, seen));
    const fake = fakePayload(() => {
      throw protocolError(e);
    });
    const outcome = await h.eachBatch(fake.payload).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    // Before the fix: 'resolved' after the whole 4 s wait, and offset 42 committed.
    expect(outcome).toBeInstanceOf(KafkaJSProtocolError);
    expect((outcome as KafkaJSProtocolError).type).toBe(e.type);
    expect(seen.aborted).toBe(true);
    expect(h.commits).toEqual([]);
    expect(fake.resolved).toEqual([]);
    expect(await failures(h.metrics)).toEqual({ [e.type]: 1 });
    const warned = heartbeatWarnings(h.lines);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, topic: 'sift.raw.okta', partition: 3, kind: e.type, abandoned: true });
  });

  it('other failures (a broker unreachable): counted per beat, one warning per kind per batch, the batch still commits', async () => {
    const h = await harness(waitingHandler(1000, {}));
    const timeout = new KafkaJSConnectionError('Connection timeout', { broker: '127.0.0.1:9092' });
    const coordinator = protocolError({ type: 'NOT_COORDINATOR_FOR_GROUP', code: 16, message: 'This is not the correct coordinator for this group' });
    // Beats 1-3 time out, later ones hit a moved coordinator: two kinds.
    const fake = fakePayload((n) => {
      throw n <= 3 ? timeout : coordinator;
    });
    // The last beat, after the commit, is the source's own awaited one: its failure goes to kafkajs, which rejoins.
    await h.eachBatch(fake.payload).catch(() => undefined);
    expect(h.commits).toEqual([{ topic: 'sift.raw.okta', partition: 3, offset: '42' }]);
    const counted = await failures(h.metrics);
    expect(counted.KafkaJSConnectionError).toBe(3);
    expect(counted.NOT_COORDINATOR_FOR_GROUP).toBeGreaterThanOrEqual(2);
    expect((counted.KafkaJSConnectionError ?? 0) + (counted.NOT_COORDINATOR_FOR_GROUP ?? 0)).toBe(fake.beats() - 1);
    expect(heartbeatWarnings(h.lines).map((l) => [l.kind, l.abandoned])).toEqual([
      ['KafkaJSConnectionError', false],
      ['NOT_COORDINATOR_FOR_GROUP', false],
    ]);
  });

  it('warns again for the next batch that meets the same failure', async () => {
    const h = await harness(waitingHandler(350, {}));
    const timeout = new KafkaJSConnectionError('Connection timeout', { broker: '127.0.0.1:9092' });
    for (let i = 0; i < 2; i++) {
      const fake = fakePayload((n) => {
        // The heartbeat after the commit succeeds: only the in-batch beats fail.
        if (n <= 3) throw timeout;
      });
      await h.eachBatch(fake.payload);
    }
    expect(heartbeatWarnings(h.lines)).toHaveLength(2);
    expect(h.commits).toHaveLength(2);
  });
});

/**
 * A process stalled past its session timeout (a GC pause, a blocked event
 * loop: no timer, no beat) wakes with a batch whose partition another member
 * has taken over and written. Its dead letters and alerts are not idempotent
 * by id: the handler asks `owned()` before writing them, and the coordinator's
 * answer, not a beat that never fired, decides.
 */
describe('owned() before a write that is not idempotent', () => {
  /** Stalls the whole process for `ms`, then writes once owned() resolves. */
  const stallThenWrite =
    (ms: number, written: string[]): BatchHandler =>
    async (_batch, _signal, owned) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      await owned();
      written.push('dead letters');
    };

  it('after a stall, a coordinator that no longer knows the member: nothing written, nothing committed, the kafkajs error rethrown', async () => {
    const written: string[] = [];
    const h = await harness(stallThenWrite(250, written));
    const fake = fakePayload(() => {
      throw protocolError({ type: 'UNKNOWN_MEMBER_ID', code: 25, message: 'The coordinator is not aware of this member' });
    });
    const outcome = await h.eachBatch(fake.payload).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    // Before the fix: the handler had no owned() and wrote its dead letters after the stall.
    expect(written).toEqual([]);
    expect(outcome).toBeInstanceOf(KafkaJSProtocolError);
    expect((outcome as KafkaJSProtocolError).type).toBe('UNKNOWN_MEMBER_ID');
    expect(h.commits).toEqual([]);
    expect(fake.resolved).toEqual([]);
    expect(fake.beats()).toBeGreaterThanOrEqual(1);
    expect(await failures(h.metrics)).toEqual({ UNKNOWN_MEMBER_ID: 1 });
  });

  it('a member still in the group writes and commits', async () => {
    const written: string[] = [];
    const h = await harness(stallThenWrite(0, written));
    const fake = fakePayload(() => undefined);
    await h.eachBatch(fake.payload);
    expect(written).toEqual(['dead letters']);
    expect(h.commits).toEqual([{ topic: 'sift.raw.okta', partition: 3, offset: '42' }]);
  });

  it('a beat that failed for want of a connection does not hold the write back (the commit decides later)', async () => {
    const written: string[] = [];
    const h = await harness(stallThenWrite(0, written));
    const fake = fakePayload((n) => {
      if (n === 1) throw new KafkaJSConnectionError('Connection timeout', { broker: '127.0.0.1:9092' });
    });
    await h.eachBatch(fake.payload);
    expect(written).toEqual(['dead letters']);
    expect(h.commits).toEqual([{ topic: 'sift.raw.okta', partition: 3, offset: '42' }]);
  });
});
