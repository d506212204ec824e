import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Partitioners } from 'kafkajs';
import { metric, sleep, startSift, stopChild, until } from './live.js';
import { startFeed } from './e2e/feed.js';
import { cpuSeconds } from './e2e/proc.js';
import { upsertSection } from './e2e/report.js';
import { runRound } from './e2e/round.js';
import { createTopics, deleteTopics, produceOkta, stackUp } from './e2e/setup.js';
import { joinedBoth, scrape, siftRunConfig } from './e2e/sift-config.js';
import { round, slope, tail } from './e2e/stats.js';
import { trafficPool } from './e2e/traffic.js';

/**
 * `npm run bench:soak [-- --minutes 10] [-- --rate R] [-- --json] [-- --no-write]`
 * (issue 15, item 4; not part of `make test`).
 *
 * `sift run` (its defaults, 1 s refresh) fed Okta traffic at 70 % of its max
 * rate for the given minutes; the max is measured first (one `sift run`
 * over 50,000 records, refresh off, as bench:e2e does) unless --rate gives
 * the feed rate itself. Every 10 s: Sift's RSS and heap, consumer lag and GC
 * from its /metrics. Memory is flat when the least-squares slope of RSS and
 * heap over the last 80 % of the samples (the first 20 % are warm-up) is
 * near zero; lag is bounded when its max stays small against the rate.
 * Writes the "Soak (bench:soak)" section of BENCHMARKS.md unless --no-write.
 */
const argv = process.argv.slice(2);
const flag = (name: string): number | undefined => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} wants a positive number, not ${argv[i + 1] ?? '(nothing)'}`);
  return n;
};
const MINUTES = flag('--minutes') ?? 10;
const SAMPLE_MS = 10_000;
const MAX_PROBE_EVENTS = 50_000;
const say = (s: string): void => void process.stderr.write(`bench:soak: ${s}\n`);

interface Sample {
  t_min: number;
  rss_mb: number;
  heap_mb: number;
  lag: number;
  gc_s: number;
  cpu_s: number;
  consumed: number;
  /** Records sent minus Sift's consumed count: the lag as the producer sees it (Sift's gauge is set when it fetches). */
  behind: number;
}

const loadBefore = loadavg().map((x) => round(x, 2));
const started = new Date();
const { kafka, es } = await stackUp(say);
const runId = `s${Date.now().toString(36)}`;
const prefix = `bench.soak.${runId}`;
const topics = { dlq: `${prefix}.dlq`, alerts: `${prefix}.alerts`, alertsDlq: `${prefix}.alerts-dlq`, state: `${prefix}.state` };
const dir = mkdtempSync(join(tmpdir(), 'sift-soak-'));
const namespace = `soak${runId}`;
const group = `bench-soak-${runId}`;
const samples: Sample[] = [];
try {
  await createTopics(kafka, [
    { topic: `${prefix}.max`, numPartitions: 3 },
    { topic: `${prefix}.okta`, numPartitions: 3 },
    { topic: topics.dlq, numPartitions: 3 },
    { topic: topics.alerts, numPartitions: 3 },
    { topic: topics.alertsDlq, numPartitions: 1 },
    { topic: topics.state, numPartitions: 3, compacted: true },
  ]);
  let max = flag('--rate') === undefined ? undefined : (flag('--rate') as number) / 0.7;
  if (max === undefined) {
    say(`measuring Sift's max rate (one sift run over ${MAX_PROBE_EVENTS.toLocaleString('en-US')} records, refresh off)…`);
    await produceOkta(kafka, `${prefix}.max`, MAX_PROBE_EVENTS, say);
    const r = await runRound({ es, runId, topic: `${prefix}.max`, events: MAX_PROBE_EVENTS, siftTopics: topics, dir, say }, 'sift', 0, { timeoutMs: 60_000 + MAX_PROBE_EVENTS });
    max = r.events_per_s;
  }
  const rate = 0.7 * max;
  const child = startSift({ name: 'soak', dir, config: siftRunConfig({ topic: `${prefix}.okta`, group, namespace, topics }) });
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await until(() => joinedBoth(child.output()) || child.proc.exitCode !== null, 90_000, 'sift run to join its groups');
    if (child.proc.exitCode !== null) throw new Error(`sift run exited (${child.proc.exitCode}):\n${child.output().slice(-3000)}`);
    await producer.connect();
    say(`soak: ${Math.round(rate).toLocaleString('en-US')} events/s (70 % of ${Math.round(max).toLocaleString('en-US')}) for ${MINUTES} min, a sample every ${SAMPLE_MS / 1000} s`);
    const feed = startFeed({ producer, topic: `${prefix}.okta`, rate, pool: trafficPool(20_000, 11), runId });
    const t0 = Date.now();
    const end = t0 + MINUTES * 60_000;
    for (let next = t0 + SAMPLE_MS; next <= end; next += SAMPLE_MS) {
      await sleep(next - Date.now());
      if (child.proc.exitCode !== null) throw new Error(`sift run exited during the soak (${child.proc.exitCode}):\n${child.output().slice(-3000)}`);
      const text = await scrape(child.port());
      if (text === undefined) continue;
      const consumed = metric(text, 'sift_ingest_events_consumed_total');
      const s: Sample = {
        t_min: (Date.now() - t0) / 60_000,
        rss_mb: metric(text, 'sift_process_resident_memory_bytes') / 1e6,
        heap_mb: metric(text, 'sift_nodejs_heap_size_used_bytes') / 1e6,
        lag: metric(text, 'sift_ingest_consumer_lag_records'),
        gc_s: metric(text, 'sift_nodejs_gc_duration_seconds_sum'),
        cpu_s: child.proc.pid === undefined ? 0 : (cpuSeconds(child.proc.pid) ?? 0),
        consumed,
        behind: Math.max(0, feed.sent() - consumed),
      };
      samples.push(s);
      say(`  ${s.t_min.toFixed(1)} min: RSS ${Math.round(s.rss_mb)} MB, heap ${Math.round(s.heap_mb)} MB, lag ${s.lag} (sent − consumed ${s.behind}), GC ${s.gc_s.toFixed(1)} s of ${s.cpu_s.toFixed(1)} CPU s, sent ${feed.sent().toLocaleString('en-US')}`);
    }
    const sent = await feed.stop();
    const steady = tail(samples, 0.8);
    const mbPerMin = (f: (s: Sample) => number): number | null => {
      const k = slope(steady.map((s) => ({ x: s.t_min, y: f(s) })));
      return k === undefined ? null : round(k, 2);
    };
    const last = samples[samples.length - 1];
    // CPU and GC over the steady window: Sift's start (rules, GeoIP) is not the steady state.
    const first = steady[0];
    const d = (f: (s: Sample) => number): number => (first === undefined || last === undefined ? 0 : f(last) - f(first));
    const out = {
      minutes: MINUTES,
      rate_per_s: Math.round(rate),
      max_rate_per_s: Math.round(max),
      events_sent: sent,
      failed_sends: feed.failed(),
      samples: samples.length,
      rss_slope_mb_per_min: mbPerMin((s) => s.rss_mb),
      heap_slope_mb_per_min: mbPerMin((s) => s.heap_mb),
      rss_mb: { first: round(samples[0]?.rss_mb ?? NaN), last: round(last?.rss_mb ?? NaN), max: round(Math.max(...samples.map((s) => s.rss_mb))) },
      heap_mb: { first: round(samples[0]?.heap_mb ?? NaN), last: round(last?.heap_mb ?? NaN), max: round(Math.max(...samples.map((s) => s.heap_mb))) },
      max_lag: Math.max(...samples.map((s) => s.lag)),
      max_behind: Math.max(...samples.map((s) => s.behind)),
      gc_share: d((s) => s.cpu_s) === 0 ? null : round(d((s) => s.gc_s) / d((s) => s.cpu_s), 3),
      cpu_s_per_1k: d((s) => s.consumed) === 0 ? null : round((d((s) => s.cpu_s) * 1000) / d((s) => s.consumed), 4),
      machine: { cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
      load_before: loadBefore,
      load_after: loadavg().map((x) => round(x, 2)),
      date: started.toISOString(),
    };
    const text = [
      '`npm run bench:soak` (benchmarks/soak.ts; issue 15, item 4; not part of `make test`).',
      '',
      `Measured ${out.date.slice(0, 10)} on ${out.machine.cores} cores, ${out.machine.memory_gib} GiB RAM, ${out.machine.node}; load average before ${loadBefore.join(' ')}. \`sift run\` (defaults, shipped rules, 1 s refresh) fed generated Okta traffic at ${out.rate_per_s.toLocaleString('en-US')} events/s (70 % of its measured ${out.max_rate_per_s.toLocaleString('en-US')}) for ${MINUTES} min; ${out.samples} samples of its /metrics, one every 10 s.`,
      '',
      '| RSS slope | heap slope | RSS first / last / max | heap first / last / max | max consumer lag (gauge; sent − consumed) | GC share of CPU | CPU s per 1k events |',
      '|---|---|---|---|---|---|---|',
      `| ${out.rss_slope_mb_per_min ?? '–'} MB/min | ${out.heap_slope_mb_per_min ?? '–'} MB/min | ${out.rss_mb.first} / ${out.rss_mb.last} / ${out.rss_mb.max} MB | ${out.heap_mb.first} / ${out.heap_mb.last} / ${out.heap_mb.max} MB | ${out.max_lag.toLocaleString('en-US')}; ${out.max_behind.toLocaleString('en-US')} records | ${out.gc_share === null ? '–' : `${round(out.gc_share * 100, 1)} %`} | ${out.cpu_s_per_1k ?? '–'} |`,
      '',
      'Slopes are least-squares fits over the last 80 % of the samples (the first 20 % are warm-up); GC share and CPU per 1k events are over the same window (GC from `sift_nodejs_gc_duration_seconds_sum`, CPU from /proc).',
    ].join('\n');
    if (!argv.includes('--no-write')) {
      const file = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
      writeFileSync(file, upsertSection(readFileSync(file, 'utf8'), 'Soak (bench:soak)', text));
      say('wrote the "Soak (bench:soak)" section of BENCHMARKS.md');
    }
    process.stdout.write(argv.includes('--json') ? `${JSON.stringify({ ...out, series: samples }, null, 2)}\n` : `\n${text}\n`);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await stopChild(child.proc, child.exited);
    await es.indices.delete({ index: `logs-okta.system-${namespace}*,sift-alerts-${namespace}`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  }
} finally {
  await deleteTopics(kafka, [prefix, `bench-soak-${runId}`, `bench-e2e-${runId}-`]);
  rmSync(dir, { recursive: true, force: true });
}
