import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { sleep } from '../src/ingest/index.js';

/**
 * What the benchmarks that run on the real stack share (keyed-latency, e2e,
 * soak): where the stack is, whether it answers, `sift run` children, and
 * reading their /metrics.
 */
export const BROKERS = (process.env['SIFT_KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
export const ES_URL = process.env['SIFT_ES_URL'] ?? 'http://127.0.0.1:9200';
/** The built CLI of this checkout (dist/src/main.js). */
export const SIFT_MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** The project's own (src/ingest/indexer/backoff.ts), for the benches that poll. */
export { sleep };

export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Why Kafka or Elasticsearch cannot be used, or undefined when both answer. */
export async function reachable(kafka: Kafka): Promise<string | undefined> {
  const timeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);
  try {
    const res = await timeout(fetch(`${ES_URL}/_cluster/health`), 5000, `Elasticsearch at ${ES_URL}`);
    if (!res.ok) return `Elasticsearch at ${ES_URL} answered ${res.status}`;
  } catch (err) {
    return `Elasticsearch at ${ES_URL}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const admin = kafka.admin();
  try {
    await timeout(admin.connect(), 5000, `Kafka at ${BROKERS.join(',')}`);
    await admin.disconnect();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(xs: readonly number[]): Percentiles {
  const s = [...xs].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const at = (q: number): number => (s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number));
  return { count: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length === 0 ? NaN : (s[s.length - 1] as number) };
}

/** Sums a metric's samples whose labels contain `labels` (Prometheus text format). */
export function metric(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{') || !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export interface SiftChild {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly exited: Promise<unknown>;
  /** The tail of its stdout and stderr. */
  output(): string;
  /** Port of its /metrics, once it logged it. */
  port(): string | undefined;
}

export interface SiftChildOptions {
  /** Names the config file and the child in errors. */
  name: string;
  config: Record<string, unknown>;
  /** Where the config file is written. */
  dir: string;
  /** The CLI to run; another checkout's dist/src/main.js for a before/after run. */
  main?: string;
  /** Flags for node itself (e.g. --trace-gc). */
  nodeArgs?: readonly string[];
  env?: Record<string, string>;
  /** Sees every chunk of output before only the tail is kept (e.g. to sum --trace-gc lines). */
  onOutput?: (chunk: string) => void;
}

/** Starts the built `sift run` with a config file, as users run it. */
export function startSift(opts: SiftChildOptions): SiftChild {
  const file = join(opts.dir, `sift-${opts.name}.json`);
  writeFileSync(file, JSON.stringify(opts.config, null, 2));
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.main ?? SIFT_MAIN, 'run', '--config', file], {
    env: { ...process.env, SIFT_LOG_FORMAT: 'json', SIFT_LOG_LEVEL: 'info', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let port: string | undefined;
  // Keep the tail only: an alert is logged per line, for minutes.
  const keep = (d: Buffer): void => {
    const chunk = d.toString();
    opts.onOutput?.(chunk);
    out += chunk;
    port ??= /"port":(\d+)[^\n]*Serving \/metrics/.exec(out)?.[1];
    out = out.slice(-200_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  return { name: opts.name, proc, exited, output: () => out, port: () => port };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(proc: ChildProcess, exited: Promise<unknown>, graceMs = 30_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  await Promise.race([exited, sleep(graceMs)]);
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}
