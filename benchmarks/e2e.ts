import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silenceKafkajsTimeoutWarning } from '../src/shared/index.js';
import { produceCeilingInput } from './e2e/ceiling.js';
import { probeLatency, type LatencyProbe } from './e2e/latency.js';
import { buildJson, table, upsertSection, type ContenderSummary } from './e2e/report.js';
import { CONTENDERS, runRound, type Bench, type Contender, type RoundResult } from './e2e/round.js';
import { RSYSLOG_SKIPPED, rsyslogAvailable } from './e2e/rsyslog.js';
import { createTopics, deleteTopics, produceOkta, stackUp } from './e2e/setup.js';
import { round } from './e2e/stats.js';

/**
 * `npm run bench:e2e [-- --json] [-- --events N] [-- --rounds R] [-- --baseline <dir>] [-- --latency-seconds S] [-- --no-write]`
 *
 * Issue 15's end-to-end comparison on the local stack, in one run: N
 * generated Okta records produced once to a 3-partition topic, then a
 * warm-up round and R measured rounds, interleaved (the order flips every
 * round), in which each contender consumes that topic with its own group
 * into its own fresh index (refresh off): the bare loader, rsyslog (when
 * installed), `sift run`, and with --baseline another built checkout's
 * `sift run`; and the ceiling, the bare loader on a second topic holding
 * those records as Sift's prepare step turns them into documents (made
 * before the rounds, keyed by _id; e2e/ceiling.ts). The warm-up's Sift runs
 * under --trace-gc: the GC cross-check.
 * Then the latency probe at 70 % of Sift's measured rate. Writes the
 * "End to end (bench:e2e)" section of BENCHMARKS.md unless --no-write.
 */
// kafkajs's harmless negative-delay warning (src/shared/warnings.ts) would open every run's output, as it would Sift's.
silenceKafkajsTimeoutWarning();
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};
const intFlag = (name: string, fallback: number, min = 1): number => {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} wants an integer of at least ${min}, not ${v}`);
  return n;
};
const EVENTS = intFlag('--events', 200_000);
const ROUNDS = intFlag('--rounds', 3);
// 0 skips the latency probe.
const LATENCY_S = intFlag('--latency-seconds', 30, 0);
const baselineDir = flag('--baseline');
const write = !argv.includes('--no-write');
const say = (s: string): void => void process.stderr.write(`bench:e2e: ${s}\n`);

const baselineMain = baselineDir === undefined ? undefined : join(resolve(baselineDir), 'dist/src/main.js');
if (baselineMain !== undefined && !existsSync(baselineMain)) throw new Error(`--baseline ${baselineDir}: no ${baselineMain} (build that checkout first: npm ci && npx tsc -p tsconfig.build.json)`);

const loadBefore = loadavg().map((x) => round(x, 2));
const started = new Date();
const { kafka, es } = await stackUp(say);
const runId = Date.now().toString(36);
const prefix = `bench.e2e.${runId}`;
const siftTopics = { dlq: `${prefix}.dlq`, alerts: `${prefix}.alerts`, alertsDlq: `${prefix}.alerts-dlq`, state: `${prefix}.state` };
const latencyTopics = { raw: `${prefix}.latency`, alerts: `${prefix}.latency-alerts`, dlq: siftTopics.dlq, alertsDlq: siftTopics.alertsDlq, state: siftTopics.state };
const dir = mkdtempSync(join(tmpdir(), 'sift-e2e-'));
const withRsyslog = rsyslogAvailable();
if (!withRsyslog) say(RSYSLOG_SKIPPED);
const contenders: Contender[] = CONTENDERS.filter((c) => (c === 'rsyslog' ? withRsyslog : c === 'sift_base' ? baselineMain !== undefined : true));

try {
  await createTopics(kafka, [
    { topic: `${prefix}.okta`, numPartitions: 3 },
    { topic: `${prefix}.ceiling`, numPartitions: 3 },
    { topic: latencyTopics.raw, numPartitions: 3 },
    { topic: siftTopics.dlq, numPartitions: 3 },
    { topic: siftTopics.alerts, numPartitions: 3 },
    { topic: latencyTopics.alerts, numPartitions: 3 },
    { topic: siftTopics.alertsDlq, numPartitions: 1 },
    { topic: siftTopics.state, numPartitions: 3, compacted: true },
  ]);
  say(`producing ${EVENTS.toLocaleString('en-US')} generated Okta records to ${prefix}.okta (3 partitions)…`);
  await produceOkta(kafka, `${prefix}.okta`, EVENTS, say);
  say(`ceiling: preparing the same records with Sift's prepare step and producing the documents to ${prefix}.ceiling, keyed by _id…`);
  const ceilingInput = await produceCeilingInput({ kafka, topic: `${prefix}.ceiling`, events: EVENTS, dir, siftTopics, say });
  const docBytes = Math.round(ceilingInput.bytes / ceilingInput.docs);
  const rawBytes = Math.round(ceilingInput.rawBytes / ceilingInput.docs);
  say(`ceiling: ${ceilingInput.docs.toLocaleString('en-US')} documents of ${docBytes} bytes on average (raw records ${rawBytes}), in ${ceilingInput.seconds.toFixed(1)} s`);

  const bench: Bench = { es, runId, topic: `${prefix}.okta`, ceilingTopic: `${prefix}.ceiling`, events: EVENTS, siftTopics, dir, ...(baselineMain ? { baselineMain } : {}), say };
  const timeoutMs = 60_000 + EVENTS; // 1 ms per event: a contender ten times slower than Sift today still finishes.
  const measured: Partial<Record<Contender, RoundResult[]>> = {};
  let gcCrossCheck: Parameters<typeof buildJson>[0]['gcCrossCheck'];
  for (let r = 0; r <= ROUNDS; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const warm = r === 0;
      say(`${warm ? 'warm-up' : `round ${r}/${ROUNDS}`}: ${c}${warm && c === 'sift' ? ' (under --trace-gc: the GC cross-check)' : ''}…`);
      const res = await runRound(bench, c, r, { timeoutMs, traceGc: warm && c === 'sift' });
      say(`  ${c}: ${Math.round(res.events_per_s).toLocaleString('en-US')} events/s in ${res.seconds.toFixed(1)} s (first document at ${res.first_doc_s?.toFixed(0) ?? '–'} s), own CPU ${res.cpu_s.own.toFixed(1)} s, ES ${res.cpu_s.es.toFixed(1)} s, Kafka ${res.cpu_s.kafka.toFixed(1)} s, peak RSS ${Math.round(res.peak_rss_mb ?? 0)} MB`);
      if (res.gc_trace && res.sift) {
        gcCrossCheck = { gc_trace_s: round(res.gc_trace.pause_s, 3), gc_trace_incremental_s: round(res.gc_trace.incremental_s, 3), gc_metric_s: round(res.sift.gc_metric_s, 3), collections: res.gc_trace.collections };
      }
      if (!warm) (measured[c] ??= []).push(res);
    }
  }

  const siftRounds = measured.sift ?? [];
  const siftRate = siftRounds.reduce((a, r) => a + r.events_per_s, 0) / Math.max(1, siftRounds.length);
  let latency: LatencyProbe | undefined;
  if (LATENCY_S > 0) {
    say(`latency probe at 70 % of Sift's measured ${Math.round(siftRate).toLocaleString('en-US')} events/s…`);
    latency = await probeLatency({ kafka, es, runId, dir, topics: latencyTopics, say }, 0.7 * siftRate, LATENCY_S);
  }

  const machine = { cores: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version };
  const out = buildJson({
    byContender: measured,
    events: EVENTS,
    latency,
    gcCrossCheck,
    extra: { events: EVENTS, rounds: ROUNDS, machine, load_before: loadBefore, load_after: loadavg().map((x) => round(x, 2)), date: started.toISOString(), rsyslog_skipped: withRsyslog ? undefined : RSYSLOG_SKIPPED },
  });
  const starts = contenders.map((c) => `${c} ${(out[c] as ContenderSummary | null | undefined)?.first_doc_s ?? '–'} s`).join(', ');
  const ms = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : x.toLocaleString('en-US'));
  const tbl = table(out);
  const l = out.latency;
  const gc = gcCrossCheck;
  const notes = [
    `Measured ${started.toISOString().slice(0, 10)} on ${machine.cores} cores (${machine.cpu_model}), ${machine.memory_gib} GiB RAM, ${machine.node}; load average before ${loadBefore.join(' ')}. ${EVENTS.toLocaleString('en-US')} generated Okta records (seed 15) on one 3-partition topic; ${ROUNDS} measured round${ROUNDS === 1 ? '' : 's'} after a warm-up, interleaved; each contender its own consumer group and a fresh index with refresh_interval -1 (the loader's and rsyslog's map strings dynamically as one keyword each, as Sift's ECS template does, rather than Elasticsearch's default text + keyword pair); the clock stops when the index's _count (after _refresh, polled every second) reaches ${EVENTS.toLocaleString('en-US')}, so every contender's time includes its start-up (first document counted after, on average: ${starts}). CPU from /proc/<pid>/stat (the contender's process, ES's and Kafka's JVMs); peak RSS is VmHWM. Not the same work: the loader (benchmarks/e2e/loader.ts) sends the raw records and commits after each batch's bulks; rsyslog sends the raw records and commits through librdkafka's auto-commit, whether or not Elasticsearch took them; Sift decodes, normalizes to ECS, enriches, runs the shipped rules in keyed mode (a second Kafka hop), indexes ECS documents and alerts, and commits after all of it. Sift's index is created by the bench (Sift's own template and alias) with refresh off, so a --baseline checkout runs unchanged. The ceiling is the rate Elasticsearch allows for Sift's documents with nothing else running: before the rounds (untimed), the same records went through Sift's own prepare step (benchmarks/e2e/ceiling.ts: decode, normalize, user-agent and GeoIP enrichment with the shipped databases, serialize, deterministic _id, with the options \`sift run\` takes from the Sift contender's config; ${docBytes} bytes per document against ${rawBytes} per raw record) onto a second 3-partition topic keyed by _id, which the bare loader indexes with that _id (--id-from-key) into an index made from Sift's template and alias, as Sift's is; Sift's keyed hop, rules and alerts are not in it.`,
    '',
    tbl,
    '',
    `Sift ran at ${out.sift.ratio_to_ceiling ?? '–'}× the ceiling${out.sift_base ? ` (the --baseline checkout at ${out.sift_base.ratio_to_ceiling ?? '–'}×)` : ''}: the gap between the ceiling and Sift is what Sift's own work (its keyed hop and alerts included) takes from the machine; the gap between the loader and the ceiling is Elasticsearch's extra work on Sift's larger documents and their _ids.`,
    '',
    `Latency under load (\`sift run\` at 70 % of its measured rate, ${typeof l['rate_per_s'] === 'number' ? l['rate_per_s'].toLocaleString('en-US') : '–'} events/s, 1 s refresh, a probe every 100 ms for ${LATENCY_S} s): produce → alert p50 / p99 ${ms(l.alert_p50_ms)} / ${ms(l.alert_p99_ms)} ms; produce → searchable p50 / p99 ${ms(l.searchable_p50_ms)} / ${ms(l.searchable_p99_ms)} ms; Sift's consumer lag when the feed stopped: ${typeof l['lag_at_end'] === 'number' ? `${l['lag_at_end'].toLocaleString('en-US')} records${l['lag_at_end'] > Number(l['rate_per_s']) ? ' (it fell behind the rate: these latencies are mostly queueing)' : ''}` : '–'}.`,
    '',
    gc
      ? `GC cross-check (the warm-up's \`sift run\` under \`node --trace-gc\`): the trace's pauses sum to ${gc.gc_trace_s} s (${gc.collections} collections; plus ${gc.gc_trace_incremental_s} s of incremental marking steps); Sift's \`sift_nodejs_gc_duration_seconds_sum\` says ${gc.gc_metric_s} s.`
      : 'GC cross-check: no figures (the warm-up Sift served no /metrics).',
  ].join('\n');
  if (write) {
    const file = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
    writeFileSync(file, upsertSection(readFileSync(file, 'utf8'), 'End to end (bench:e2e)', `\`npm run bench:e2e\` (benchmarks/e2e.ts; issue 15).\n\n${notes}`));
    say('wrote the "End to end (bench:e2e)" section of BENCHMARKS.md');
  }
  if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else process.stdout.write(`\n${notes}\n`);
} finally {
  await deleteTopics(kafka, [prefix, `bench-e2e-${runId}-`]);
  rmSync(dir, { recursive: true, force: true });
}
