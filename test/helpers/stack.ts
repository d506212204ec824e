import { Client } from '@elastic/elasticsearch';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The stack scripts/stack.sh runs; a second stack on other ports (SIFT_STACK_*_PORT, as stack.sh reads them) serves a
 * parallel checkout. The faults project's files run with SIFT_STACK_PROFILE=faults: the fault tests' own plain stack
 * (`stack.sh --faults`, SIFT_STACK_FAULTS_*_PORT), which they stop and kill while the other files use the first.
 */
const FAULTS = process.env['SIFT_STACK_PROFILE'] === 'faults';
export const ES_PORT = Number((FAULTS ? process.env['SIFT_STACK_FAULTS_ES_PORT'] : process.env['SIFT_STACK_ES_PORT']) ?? (FAULTS ? 9202 : 9200));
export const ES_URL = `http://127.0.0.1:${ES_PORT}`;
export const BROKERS = [`127.0.0.1:${(FAULTS ? process.env['SIFT_STACK_FAULTS_KAFKA_PORT'] : process.env['SIFT_STACK_KAFKA_PORT']) ?? (FAULTS ? 9292 : 9092)}`];

// Live bindings: useClients points every helper of one test file at another stack (the secured one).
export let es = new Client({ node: ES_URL });
export let kafka = new Kafka({ clientId: 'sift-tests', brokers: BROKERS, logLevel: logLevel.NOTHING });

/** From now on (in this test file: vitest isolates modules per file), the helpers talk to this stack. */
export function useClients(next: { es: Client; kafka: Kafka }): void {
  es = next.es;
  kafka = next.kafka;
}

/** Names unique to one test, so tests never see each other's data. */
export function uniqueNames(label: string) {
  const id = `${label}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  return {
    id,
    topic: `it.raw.${id}`,
    dlq: `it.dlq.${id}`,
    group: `it-${id}`,
    namespace: id,
    alias: `logs-okta.system-${id}`,
  };
}

export async function createTopic(topic: string, partitions = 3, maxMessageBytes?: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const configEntries = maxMessageBytes === undefined ? [] : [{ name: 'max.message.bytes', value: String(maxMessageBytes) }];
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }] });
    await leadersOf(admin, [topic], partitions);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every partition of new topics has a leader. kafkajs's own wait
 * (createTopics' waitForLeaders) gives up on "This server does not host this
 * topic-partition", which a broker busy with an earlier test's mass topic
 * deletion answers for a while about topics it has just created.
 */
export async function leadersOf(admin: ReturnType<typeof kafka.admin>, topics: readonly string[], partitions: ReadonlyMap<string, number> | number): Promise<void> {
  const deadline = Date.now() + 60_000;
  const want = (t: string): number => (typeof partitions === 'number' ? partitions : (partitions.get(t) ?? 1));
  let pending = [...topics];
  while (pending.length > 0) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: pending });
      const ready = new Set(meta.topics.filter((t) => t.partitions.length === want(t.name) && t.partitions.every((p) => p.leader >= 0)).map((t) => t.name));
      pending = pending.filter((t) => !ready.has(t));
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw err;
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`no leader for every partition within 60 s: ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Consecutive slices of `items` of at most 500 items and, past its first
 * item, at most 512 KiB: one send must stay under the broker's 1 MiB
 * max.message.bytes, which packed records (API pages, NDJSON) would pass.
 */
export function sendChunks<T>(items: readonly T[], bytes: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = bytes(item);
    if (chunk.length > 0 && (chunk.length === 500 || size + n > 512 * 1024)) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(item);
    size += n;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export async function produce(topic: string, values: (string | Buffer)[]): Promise<void> {
  // Idempotent: a send retried while a new topic's leader is unknown must not write twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (const chunk of sendChunks(values, (v) => Buffer.byteLength(v))) {
      await producer.send({ topic, acks: -1, messages: chunk.map((value) => ({ value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Per partition: committed offset of the group, and the end (high watermark). */
export async function offsets(group: string, topic: string): Promise<{ committed: number; end: number; byPartition: Map<number, number> }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    let c = 0;
    let e = 0;
    const byPartition = new Map<number, number>();
    for (const p of ends) {
      e += Number(p.high);
      const at = committed?.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
      c += at === '-1' ? 0 : Number(at);
      byPartition.set(p.partition, at === '-1' ? 0 : Number(at));
    }
    return { committed: c, end: e, byPartition };
  } finally {
    await admin.disconnect();
  }
}

/** Number of records a topic holds (sum of its partitions' end offsets). */
export async function topicSize(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function readAll(topic: string, expected: number, timeoutMs = 30_000): Promise<{ key: string | null; value: string; headers: Record<string, string> }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  const out: { key: string | null; value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
    },
  });
  await waitFor(() => out.length >= expected, timeoutMs, `reading ${expected} records from ${topic}`);
  await consumer.disconnect();
  return out;
}

/**
 * Records of a keyed topic that are events, read up to its end as it is now:
 * not the source markers (key `@mark`, docs/keyed-order.md) the ingest stage
 * writes beside them, one per source batch and keyed partition, and on a
 * timer while sources are idle.
 */
export async function keyedEventRecords(topic: string, timeoutMs = 60_000): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())).map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  const read = new Map<number, bigint>();
  let events = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const end = ends.get(partition)?.high ?? 0n;
        if (BigInt(message.offset) >= end) return;
        if (message.key?.toString() !== '@mark') events++;
        read.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await waitFor(() => [...ends].every(([p, e]) => (read.get(p) ?? e.low) >= e.high), timeoutMs, `reading ${topic} to its end`);
  } finally {
    await consumer.disconnect();
  }
  return events;
}

/**
 * Polls `cond` until it holds. A check that throws counts as "not yet": on a
 * fresh broker the group coordinator answers NOT_COORDINATOR for a while.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await cond()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}

export interface SiftProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  httpPort(): number | undefined;
}

type Section = Record<string, unknown> | undefined;

/** The stack's addresses where the config names none (a config naming a proxy or a wrong port keeps it). */
function withStack(config: Record<string, unknown>): Record<string, unknown> {
  const kafkaSection = config['kafka'] as Section;
  const esSection = config['elasticsearch'] as Section;
  return {
    ...config,
    kafka: { brokers: BROKERS, ...kafkaSection },
    elasticsearch: { node: ES_URL, ...esSection },
  };
}

/**
 * Runs `sift run` as users do: a child process of the built CLI, with a config
 * file; `env` adds variables (e.g. SIFT_FAILPOINTS for a crash at an exact step).
 */
export function startSift(config: Record<string, unknown>, env: Readonly<Record<string, string>> = {}): SiftProcess {
  const dir = mkdtempSync(join(tmpdir(), 'sift-it-'));
  const file = join(dir, 'sift.json');
  writeFileSync(file, JSON.stringify(withStack(config), null, 2));
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js'), 'run', '--config', file], {
    cwd: ROOT,
    env: { ...process.env, SIFT_LOG_FORMAT: 'json', SIFT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    output: () => out,
    exited,
    httpPort: () => {
      const m = /"port":(\d+)[^\n]*Serving \/metrics/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
  };
}

/** A config for one test: its own topic, DLQ, group and index namespace. */
export function testConfig(names: ReturnType<typeof uniqueNames>, extra: { kafka?: Record<string, unknown>; elasticsearch?: Record<string, unknown>; pipeline?: Record<string, unknown> } = {}) {
  return {
    kafka: { topics: [{ name: names.topic, source: 'okta' }], dlq_topic: names.dlq, group_id: names.group, ...extra.kafka },
    elasticsearch: { namespace: names.namespace, ...extra.elasticsearch },
    pipeline: { shutdown_timeout_ms: 10_000, ...extra.pipeline },
    telemetry: { http_port: 0 },
  };
}

/** How many of `ids` exist in the index behind `alias`. */
export async function foundIds(alias: string, ids: string[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const r = await es.mget({ index: alias, ids: ids.slice(i, i + 1000), _source: false });
    found += r.docs.filter((d) => 'found' in d && d.found).length;
  }
  return found;
}

export async function countDocs(alias: string): Promise<number> {
  await es.indices.refresh({ index: alias });
  return (await es.count({ index: alias })).count;
}

/** Deletes a test's indices and topics; `topics` names more of its topics (state, alerts). */
export async function cleanup(names: ReturnType<typeof uniqueNames>, topics: readonly string[] = []): Promise<void> {
  await es.indices.delete({ index: `${names.alias}-*`, ignore_unavailable: true }).catch(() => undefined);
  await es.indices.delete({ index: `sift-alerts-${names.namespace}`, ignore_unavailable: true }).catch(() => undefined);
  await es.indices.delete({ index: `sift-ops-${names.namespace}`, ignore_unavailable: true }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  // One call per topic: a topic the test never created must not keep the others.
  for (const topic of [names.topic, names.dlq, ...topics]) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
