import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Client } from '@elastic/elasticsearch';
import { ensureDatasetIndex } from '../../src/ingest/index.js';
import { fieldsOf } from '../../src/ecs/index.js';
import { BROKERS, ES_URL, metric, sleep, startSift, stopChild } from '../live.js';
import { cpuSeconds, rssMb, stackPids } from './proc.js';
import { startRsyslog } from './rsyslog.js';
import { scrape, siftRunConfig, type SiftTopics } from './sift-config.js';
import { traceGcCounter, type TraceGc } from './stats.js';

/**
 * One round of one contender: a fresh consumer group and a fresh index with
 * refresh_interval -1, the contender started as its own process, and the
 * clock stopped when the index's count (after a refresh, polled every
 * second) reaches the number of records on the topic: the same finish line
 * for every contender.
 */
export const CONTENDERS = ['loader', 'rsyslog', 'ceiling', 'sift', 'sift_base'] as const;
export type Contender = (typeof CONTENDERS)[number];

/**
 * Contenders whose index is Sift's (its template and write alias): Sift, and
 * the ceiling, which loads Sift's documents and must cost Elasticsearch what
 * they cost it under `sift run`.
 */
const SIFT_INDEX: ReadonlySet<Contender> = new Set(['ceiling', 'sift', 'sift_base']);

export interface Bench {
  readonly es: Client;
  readonly runId: string;
  readonly topic: string;
  /** The topic of Sift's prepared documents, keyed by _id (ceiling.ts): the ceiling's input; absent in runs without a ceiling (the soak). */
  readonly ceilingTopic?: string;
  readonly events: number;
  /** Topics every `sift run` of this bench shares (created up front; alerts land there too). */
  readonly siftTopics: SiftTopics;
  /** Temp dir for configs and rsyslog's work files. */
  readonly dir: string;
  /** dist/src/main.js of the --baseline checkout. */
  readonly baselineMain?: string;
  readonly say: (s: string) => void;
}

export interface CpuSplit {
  own: number;
  es: number;
  kafka: number;
}

export interface RoundResult {
  contender: Contender;
  round: number;
  seconds: number;
  /** Until the first document was counted: start-up (process, group join) plus the first bulk, to 1 s. */
  first_doc_s: number | undefined;
  events_per_s: number;
  cpu_s: CpuSplit;
  peak_rss_mb: number | undefined;
  /** From the Sift child's /metrics at the finish line (whole process life: one process per round). */
  sift?: { gc_metric_s: number; loop_lag_p99_s: number; heap_used_mb: number };
  /** --trace-gc's sums, when the round ran with it. */
  gc_trace?: TraceGc;
}

const LOADER = fileURLToPath(new URL('./loader.js', import.meta.url));
const DATASET = 'okta.system';
const POLL_MS = 1000;

interface Running {
  pid: number | undefined;
  exited: () => boolean;
  output: () => string;
  stop: () => Promise<void>;
  /** /metrics port of a Sift child. */
  port?: () => string | undefined;
}

/** Names of a round's group and index (the index as the contender writes it: Sift's alias for Sift and the ceiling). */
export function roundNames(runId: string, contender: Contender, round: number): { group: string; index: string; namespace: string } {
  const namespace = `e2e${runId}${contender.replace('_', '')}${round}`;
  return { group: `bench-e2e-${runId}-${contender}-${round}`, index: SIFT_INDEX.has(contender) ? `logs-${DATASET}-${namespace}` : `bench-e2e-${runId}-${contender}-${round}`, namespace };
}

async function freshIndex(b: Bench, contender: Contender, names: ReturnType<typeof roundNames>): Promise<void> {
  if (SIFT_INDEX.has(contender)) {
    // Sift's own template and alias, created before it starts (its alias gate
    // then finds them), with refresh off like the others' indices. This needs
    // no Sift setting, so a --baseline checkout is measured the same way.
    await ensureDatasetIndex(b.es, DATASET, names.namespace, fieldsOf(DATASET) ?? []);
    await b.es.indices.putSettings({ index: names.index, settings: { index: { refresh_interval: '-1' } } });
    return;
  }
  await b.es.indices.create({
    index: names.index,
    settings: { index: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' } },
    // Each string once, as a keyword, the way Sift's ECS template maps nearly
    // every field: Elasticsearch's default (text plus a keyword sub-field)
    // doubled its indexing work per string and made Elasticsearch, not the
    // contender, what the raw loaders were measured on.
    mappings: { dynamic_templates: [{ strings_as_keywords: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } }] },
  });
}

function start(b: Bench, contender: Contender, names: ReturnType<typeof roundNames>, traceGc: ReturnType<typeof traceGcCounter> | undefined): Running {
  if (contender === 'loader' || contender === 'ceiling') {
    const topic = contender === 'ceiling' ? b.ceilingTopic : b.topic;
    if (topic === undefined) throw new Error('a ceiling round needs the topic of prepared documents (Bench.ceilingTopic)');
    const args = [LOADER, BROKERS.join(','), ES_URL, topic, names.group, names.index, ...(contender === 'ceiling' ? ['--id-from-key'] : [])];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let out = '';
    proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    return { pid: proc.pid, exited: () => proc.exitCode !== null, output: () => out, stop: () => stopChild(proc, exited) };
  }
  if (contender === 'rsyslog') {
    const es = new URL(ES_URL);
    const r = startRsyslog({ brokers: BROKERS, esHost: es.hostname, esPort: Number(es.port || 9200), topic: b.topic, group: names.group, index: names.index, dir: b.dir });
    return { pid: r.proc.pid, exited: () => r.proc.exitCode !== null, output: r.output, stop: () => stopChild(r.proc, r.exited) };
  }
  const child = startSift({
    name: `${contender}-${names.namespace}`,
    dir: b.dir,
    ...(contender === 'sift_base' && b.baselineMain !== undefined ? { main: b.baselineMain } : {}),
    ...(traceGc ? { nodeArgs: ['--trace-gc'], onOutput: (c: string) => traceGc.feed(c) } : {}),
    config: siftRunConfig({ topic: b.topic, group: names.group, namespace: names.namespace, topics: b.siftTopics }),
  });
  return { pid: child.proc.pid, exited: () => child.proc.exitCode !== null, output: child.output, stop: () => stopChild(child.proc, child.exited), port: child.port };
}

async function count(es: Client, index: string): Promise<number> {
  await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  const res = await es.count({ index, ignore_unavailable: true, allow_no_indices: true });
  return res.count;
}

async function siftMetrics(port: string | undefined): Promise<RoundResult['sift']> {
  const text = await scrape(port);
  if (text === undefined) return undefined;
  return {
    gc_metric_s: metric(text, 'sift_nodejs_gc_duration_seconds_sum'),
    // prom-client resets its lag histogram at each scrape: this is the whole run's p99.
    loop_lag_p99_s: metric(text, 'sift_nodejs_eventloop_lag_p99_seconds'),
    heap_used_mb: metric(text, 'sift_nodejs_heap_size_used_bytes') / 1e6,
  };
}

/** Runs one contender once; throws when it exits early or misses the finish line within `timeoutMs`. */
export async function runRound(b: Bench, contender: Contender, round: number, opts: { traceGc?: boolean; timeoutMs: number }): Promise<RoundResult> {
  const names = roundNames(b.runId, contender, round);
  await freshIndex(b, contender, names);
  const stack = stackPids();
  const cpu = (pid: number | undefined): number => (pid === undefined ? 0 : (cpuSeconds(pid) ?? 0));
  const esBefore = cpu(stack.es);
  const kafkaBefore = cpu(stack.kafka);
  const trace = opts.traceGc ? traceGcCounter() : undefined;
  const t0 = performance.now();
  const run = start(b, contender, names, trace);
  try {
    let seen = 0;
    let firstDoc: number | undefined;
    for (;;) {
      await sleep(POLL_MS);
      if (run.exited()) throw new Error(`${contender} exited before indexing ${b.events} events (${seen} indexed):\n${run.output().slice(-3000)}`);
      seen = await count(b.es, names.index);
      if (seen > 0) firstDoc ??= (performance.now() - t0) / 1000;
      if (seen >= b.events) break;
      if (performance.now() - t0 > opts.timeoutMs) throw new Error(`${contender} indexed ${seen} of ${b.events} events within ${opts.timeoutMs / 1000} s:\n${run.output().slice(-3000)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const own = run.pid === undefined ? 0 : cpu(run.pid);
    const result: RoundResult = {
      contender,
      round,
      seconds,
      first_doc_s: firstDoc,
      events_per_s: b.events / seconds,
      cpu_s: { own, es: cpu(stack.es) - esBefore, kafka: cpu(stack.kafka) - kafkaBefore },
      peak_rss_mb: run.pid === undefined ? undefined : rssMb(run.pid),
    };
    if (run.port) {
      const m = await siftMetrics(run.port());
      if (m) result.sift = m;
    }
    await run.stop();
    if (trace) result.gc_trace = trace.total();
    return result;
  } finally {
    await run.stop();
    await b.es.indices.delete({ index: SIFT_INDEX.has(contender) ? `${names.index}*,sift-alerts-${names.namespace}` : names.index, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  }
}
