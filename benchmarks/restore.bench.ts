import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createStateCheckpoint, ensureTopics, type StoredStateEntry } from '../src/ingest/index.js';
import { keyedPartitionOf, keyedTopology } from '../src/pipeline/keyed.js';
import { createEngine, type CompiledRule, type DetectInput } from '../src/rules/index.js';
import { createLogger } from '../src/telemetry/index.js';
import { median } from './harness.js';
import { windowRule } from './window-rule.js';

/**
 * State restore on the real Kafka (issue 12, defect 3): how long an instance
 * takes to get its windows back when it is assigned a partition.
 *
 * - keyed: one keyed partition's state partition holds N window keys; the
 *   detect stage's restore reads that partition only (createStateCheckpoint
 *   with keyed mode's partitionOf), then the engine decodes the windows.
 * - one vs all: N keys spread over the 6 partitions of a state topic (N/6
 *   each, as six keyed partitions fill it); restoring one scope reads its
 *   partition only (keyed mode), or the whole topic (local mode's read).
 *
 * The entries are real: windows of a threshold rule grouped by user.name,
 * built by the rule engine and written with the real checkpoint writer
 * (`save`, acks=all, the pipeline's idempotent producer). Each restore goes
 * through `load` as the pipeline does (a throwaway reader group). Medians of
 * a few rounds. Needs Kafka; skipped with the reason when it is unreachable.
 * The topics are deleted at the end.
 */
const BROKERS = (process.env['SIFT_KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const PARTITIONS = 6;
/** Windows built and written per round trip: the engine holds only this many at once. */
const CHUNK = 50_000;

export interface RestoreFigure {
  keys: number;
  /** Keys in the partition(s) read. */
  records_read: number;
  rounds: number;
  /** Median ms of `load` (reading Kafka). */
  load_ms: number;
  /** Median ms of the engine decoding the loaded entries into windows (keyed only). */
  decode_ms?: number;
  keys_per_s: number;
}

export interface RestoreResult {
  name: string;
  /** Bytes of one stored record (key + value), the mean. */
  bytes_per_key: number;
  write: { keys: number; ms: number; keys_per_s: number }[];
  keyed_one_partition: RestoreFigure[];
  spread_read_one_of_6: RestoreFigure[];
  spread_read_all: RestoreFigure[];
}


const benchRule = (): CompiledRule => windowRule('bench.restore');

/** The checkpoint entries of `count` windows, users `from`..`from + count − 1`, as the engine writes them. */
function windows(rule: CompiledRule, from: number, count: number): StoredStateEntry[] {
  const base = Date.parse('2026-01-01T00:00:00Z');
  const inputs: DetectInput[] = Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      id: `id${i}`,
      offset: String(i),
      event: {
        '@timestamp': new Date(base + k).toISOString(),
        event: { kind: 'event', dataset: 'okta.system', module: 'okta', action: 'user.session.start', outcome: 'failure' },
        user: { name: `user${i}@example.com` },
        source: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      },
    };
  });
  const part = createEngine([rule], { maxKeysPerRule: count * 2 }).partition('bench/0');
  for (let i = 0; i < inputs.length; i += 1000) part.evaluate(inputs.slice(i, i + 1000));
  return part.checkpoint().filter((e) => e.key.startsWith('bench.restore/'));
}

async function reachable(kafka: Kafka): Promise<string | undefined> {
  const admin = kafka.admin();
  try {
    await Promise.race([
      admin.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`Kafka at ${BROKERS.join(',')} did not answer within 5000 ms`)), 5000).unref()),
    ]);
    await admin.disconnect();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function benchRestore(say: (s: string) => void, sizes: readonly number[] = [100_000, 1_000_000]): Promise<RestoreResult | { skipped: string }> {
  const kafka = new Kafka({ clientId: 'sift-bench-restore', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const why = await reachable(kafka);
  if (why !== undefined) return { skipped: `restore needs Kafka (scripts/stack.sh up): ${why}` };
  const log = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  // As the pipeline's producer: idempotent, acks=all, retried.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 20, initialRetryTime: 300, maxRetryTime: 30_000 },
  });
  await producer.connect();
  const rule = benchRule();
  const run = randomUUID().slice(0, 8);
  const created: string[] = [];
  const result: RestoreResult = { name: 'state restore (real Kafka)', bytes_per_key: 0, write: [], keyed_one_partition: [], spread_read_one_of_6: [], spread_read_all: [] };
  let bytes = 0;
  let written = 0;

  /** A keyed topology whose state topic exists (6 partitions, compacted, as Sift creates it). */
  async function topology(label: string) {
    const t = keyedTopology(`sift-bench-restore-${run}-${label}`, '');
    await ensureTopics(kafka, [{ name: t.stateTopic, partitions: PARTITIONS, config: { 'cleanup.policy': 'compact', 'max.message.bytes': String(8 * 1024 * 1024) } }]);
    created.push(t.stateTopic);
    return t;
  }

  const store = (t: ReturnType<typeof keyedTopology>, coPartitioned: boolean) =>
    createStateCheckpoint({
      kafka,
      producer,
      topic: t.stateTopic,
      group: t.group,
      log,
      timeoutMs: 30 * 60_000,
      ...(coPartitioned ? { partitionOf: (scope: string) => keyedPartitionOf(t.topic, scope) } : {}),
    });

  /** Writes `count` windows to `scope`, built and sent CHUNK at a time. */
  async function fill(writer: ReturnType<typeof store>, group: string, scope: string, from: number, count: number): Promise<void> {
    for (let done = 0; done < count; done += CHUNK) {
      const entries = windows(rule, from + done, Math.min(CHUNK, count - done));
      // What the writer stores: key `<group>|<scope>|<entry key>`, value {"offset", "state"}.
      for (const e of entries) bytes += Buffer.byteLength(`${group}|${scope}|${e.key}`) + Buffer.byteLength(JSON.stringify({ offset: e.offset, state: e.value }));
      written += entries.length;
      await writer.save(scope, entries);
    }
  }

  async function measure(rounds: number, load: () => Promise<number>, decode?: (n: number) => number): Promise<{ load: number[]; decode: number[] }> {
    const out = { load: [] as number[], decode: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      globalThis.gc?.();
      const t0 = performance.now();
      const n = await load();
      out.load.push(performance.now() - t0);
      if (decode) out.decode.push(decode(n));
    }
    return out;
  }

  try {
    for (const n of sizes) {
      const rounds = n >= 1_000_000 ? 3 : 5;
      // keyed: one keyed partition (2 of 6) holding n windows.
      say(`  restore: writing ${n.toLocaleString('en-US')} windows to one keyed partition…`);
      const k = await topology(`k${n}`);
      const keyedStore = store(k, true);
      const scope = `${k.topic}/2`;
      const w0 = performance.now();
      await fill(keyedStore, k.group, scope, 0, n);
      const wms = performance.now() - w0;
      result.write.push({ keys: n, ms: Math.round(wms), keys_per_s: Math.round(n / (wms / 1000)) });
      say(`  restore: reading it back (${rounds} rounds)…`);
      let loaded: StoredStateEntry[] = [];
      const keyed = await measure(
        rounds,
        async () => {
          const got = await keyedStore.load(new Set([scope]));
          loaded = got.get(scope) ?? [];
          return loaded.length;
        },
        () => {
          const t0 = performance.now();
          const part = createEngine([rule], { maxKeysPerRule: n * 2 }).partition(scope);
          part.restore(loaded);
          if (part.keys !== n) throw new Error(`restored ${part.keys} windows of ${n}`);
          return performance.now() - t0;
        },
      );
      if (loaded.length !== n) throw new Error(`loaded ${loaded.length} entries of ${n}`);
      loaded = [];
      result.keyed_one_partition.push({
        keys: n,
        records_read: n,
        rounds,
        load_ms: Math.round(median(keyed.load)),
        decode_ms: Math.round(median(keyed.decode)),
        keys_per_s: Math.round(n / (median(keyed.load) / 1000)),
      });

      // one vs all: n windows over 6 keyed partitions, n/6 each.
      say(`  restore: writing ${n.toLocaleString('en-US')} windows spread over ${PARTITIONS} partitions…`);
      const s = await topology(`s${n}`);
      const spreadStore = store(s, true);
      const per = Math.ceil(n / PARTITIONS);
      for (let p = 0; p < PARTITIONS; p++) await fill(spreadStore, s.group, `${s.topic}/${p}`, p * per, Math.min(per, n - p * per));
      const wanted = `${s.topic}/0`;
      const fullStore = store(s, false);
      say(`  restore: one scope from its partition vs from the whole topic (${rounds} rounds each)…`);
      const one = await measure(rounds, async () => (await spreadStore.load(new Set([wanted]))).get(wanted)?.length ?? 0);
      const all = await measure(rounds, async () => (await fullStore.load(new Set([wanted]))).get(wanted)?.length ?? 0);
      result.spread_read_one_of_6.push({ keys: n, records_read: per, rounds, load_ms: Math.round(median(one.load)), keys_per_s: Math.round(per / (median(one.load) / 1000)) });
      result.spread_read_all.push({ keys: n, records_read: n, rounds, load_ms: Math.round(median(all.load)), keys_per_s: Math.round(n / (median(all.load) / 1000)) });
    }
    result.bytes_per_key = Math.round(bytes / Math.max(1, written));
    return result;
  } finally {
    await producer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteTopics({ topics: created }))
      .catch(() => undefined)
      .finally(() => admin.disconnect());
  }
}
