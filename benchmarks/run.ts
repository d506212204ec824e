import { benchAvro, type AvroCost } from './avro.bench.js';
import { benchEnrich, type EnrichCost } from './enrich.bench.js';
import { benchIngestAll } from './ingest.bench.js';
import { machine, type PairResult } from './harness.js';
import { benchKeyedLatency, type LatencyResult } from './keyed-latency.bench.js';
import { benchLookups, type LookupLint } from './lookup.bench.js';
import { benchKeyed, keyedAsPair, type KeyedCost } from './keyed.bench.js';
import { benchLint, type LintResult } from './lint.bench.js';
import { benchProduce, type ProduceCost } from './produce.bench.js';
import { benchRestore, type RestoreResult } from './restore.bench.js';
import { benchRules, benchStateMemory } from './rules.bench.js';

/**
 * `npm run bench [-- --json] [-- --only ingest|avro|rules|lint|lookups|enrich|keyed|produce|keyed-latency|restore] [-- --source <vendor>]`:
 * every benchmark, one run, ratios measured side by side.
 */
const argv = process.argv;
const json = argv.includes('--json');
const flag = (name: string): string[] => argv.flatMap((a, i) => (a === name ? [argv[i + 1] ?? ''] : []));
const only = flag('--source');
const which = new Set(flag('--only'));
const wanted = (name: string): boolean => which.size === 0 || which.has(name);
const started = Date.now();
const results: PairResult[] = [];
const say = (s: string): void => {
  if (!json) process.stderr.write(`${s}\n`);
};
if (wanted('ingest')) {
  say('running ingest benchmarks…');
  results.push(...benchIngestAll(only));
}
let avroCost: AvroCost | undefined;
if (wanted('avro')) {
  say('running Avro vs JSON benchmarks (the same Okta events, wire format + cached schema vs JSON)…');
  avroCost = benchAvro();
  results.push(avroCost.pair);
}
let memory: ReturnType<typeof benchStateMemory> | undefined;
if (wanted('rules')) {
  say('running rule evaluation benchmarks…');
  results.push(...benchRules());
  say('measuring window state memory (100k keys)…');
  memory = benchStateMemory();
}
let lookupLint: LookupLint | undefined;
if (wanted('lookups')) {
  say('running lookup table benchmarks (load 100,000-row tables, per-event cost against 10-row tables)…');
  const l = benchLookups();
  lookupLint = l.lint;
  results.push(l.pair);
}
let enrich: EnrichCost | undefined;
if (wanted('enrich')) {
  say('running GeoIP/ASN enrichment benchmarks (hot path on vs off, cold lookups, database load)…');
  enrich = benchEnrich();
  results.push(...enrich.pairs);
}
let lint: LintResult | undefined;
if (wanted('lint')) {
  say('running lint benchmarks (a 100,000-value list; alias bombs refused)…');
  lint = benchLint();
  results.push(lint.pair);
}
let keyed: KeyedCost | undefined;
if (wanted('keyed')) {
  say('running keyed-mode cost benchmarks (route + encode, decode + evaluateKeyed vs local evaluate)…');
  keyed = benchKeyed();
  results.push(keyedAsPair(keyed));
}
let produceCost: ProduceCost | undefined;
if (wanted('produce')) {
  say('running produce benchmarks (chunking and GZIP of alerts and checkpoints)…');
  produceCost = benchProduce();
  results.push(...produceCost.pairs);
}
// Needs the real stack and takes about three minutes; skipped with the reason when Kafka or ES is unreachable.
let latency: LatencyResult | { skipped: string } | undefined;
if (wanted('keyed-latency')) {
  say('running keyed-latency (sift run children on the real Kafka and Elasticsearch)…');
  latency = await benchKeyedLatency(say);
}
// Needs the real Kafka and takes several minutes (2.2M window keys written and read back); skipped with the reason when Kafka is unreachable.
let restore: RestoreResult | { skipped: string } | undefined;
if (wanted('restore')) {
  say('running restore (window state written to and restored from the real Kafka, 100k and 1M keys)…');
  restore = await benchRestore(say);
}

if (json) {
  process.stdout.write(`${JSON.stringify({ machine: machine(), date: new Date().toISOString(), results, ...(memory ? { state_memory: memory } : {}), ...(lint ? { lint: { list_100k_ms: lint.list_100k_ms, process_100k_ms: lint.process_100k_ms, refusals: lint.refusals } } : {}), ...(lookupLint ? { lookup_lint: lookupLint } : {}), ...(enrich ? { geoip_load: { ms: enrich.load_ms, memory_mib: enrich.memory_mib } } : {}), ...(keyed ? { keyed } : {}), ...(produceCost ? { produce_bytes_ratio: produceCost.bytes_ratio } : {}), ...(avroCost ? { avro_bytes_ratio: avroCost.bytes_ratio } : {}), ...(latency ? { keyed_latency: latency } : {}), ...(restore ? { restore } : {}) }, null, 2)}\n`);
} else {
  const m = machine();
  console.log(`machine: ${String(m['cpus'])} × ${String(m['cpu_model'])}, ${String(m['memory_gib'])} GiB, node ${String(m['node'])}`);
  for (const r of results) {
    console.log(`\n${r.name} (${r.items} items, median of ${r.rounds} rounds)`);
    console.log(`  ${r.subject.name.padEnd(36)} ${r.subject.us_per_item.toFixed(2).padStart(8)} µs/item ${r.subject.items_per_s.toLocaleString('en-US').padStart(12)} /s`);
    console.log(`  ${r.baseline.name.padEnd(36)} ${r.baseline.us_per_item.toFixed(2).padStart(8)} µs/item ${r.baseline.items_per_s.toLocaleString('en-US').padStart(12)} /s`);
    console.log(`  ratio (subject / baseline, paired median)    ${r.ratio.toFixed(2)}×`);
  }
  if (memory) {
    console.log(`\nwindow state at ${memory.keys.toLocaleString('en-US')} keys: ${memory.heap_bytes_per_key} B heap/key, ${memory.checkpoint_bytes_per_key} B checkpoint/key`);
  }
  if (lookupLint) console.log(`\n${lookupLint.name}: ${lookupLint.lint_ms} ms (median of ${lookupLint.rounds})`);
  if (enrich) console.log(`\nGeoIP/ASN databases (shipped): opened in ${enrich.load_ms} ms, holding ${enrich.memory_mib} MiB`);
  if (lint) {
    console.log(`\nlint of the 100,000-value list: ${lint.list_100k_ms} ms in process; \`sift rules lint\` as a whole process ${lint.process_100k_ms} ms (median)`);
    for (const [name, r] of Object.entries(lint.refusals)) console.log(`  ${name.padEnd(16)} refused in ${r.ms} ms: ${r.error}`);
  }
  if (keyed) {
    const u = keyed.us_per_event;
    console.log(`\nkeyed mode per event: local ${u.local} µs, keyed ingest ${u.keyed_ingest} µs + detect ${u.keyed_detect} µs; ${keyed.keyed_records_per_event} keyed records/event, ${keyed.bytes_per_keyed_record} B/record`);
  }
  if (avroCost) console.log(`\nAvro bytes / JSON bytes of the same Okta events: ${avroCost.bytes_ratio}`);
  if (produceCost) console.log(`\ngzip bytes ratio (compressed / raw): alerts ${produceCost.bytes_ratio.alerts}, checkpoints ${produceCost.bytes_ratio.checkpoints}`);
  if (latency && 'skipped' in latency) console.log(`\nkeyed-latency skipped: ${latency.skipped}`);
  else if (latency) {
    console.log(`\n${latency.name}`);
    const modes = ['keyed', 'arrival', 'local'] as const;
    for (const mode of modes) {
      const l = latency.latency_ms[mode];
      console.log(`  ${mode.padEnd(7)} produce → alert ms: p50 ${l.p50}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}  (${l.count} alerts, ${latency.events_per_mode[mode]} events)`);
    }
    for (const mode of modes) console.log(`  ${mode.padEnd(7)} where (p50 / p99 ms): ${Object.entries(latency.breakdown_p50_ms[mode]).map(([k, v]) => `${k} ${v} / ${String(latency.breakdown_p99_ms[mode][k as keyof typeof latency.breakdown_p99_ms.keyed])}`).join(', ')}`);
    for (const mode of modes) {
      const p = latency.profile[mode];
      if (p) console.log(`  ${mode.padEnd(7)} profile: ${p.bulk_requests} bulk requests, mean ${p.bulk_mean_ms} ms; batches raw ${p.batches.raw}, keyed ${p.batches.keyed}; ${p.events_per_raw_batch} events per raw batch`);
    }
    console.log(`  ratio keyed / local: p50 ${latency.ratio_p50}×, p99 ${latency.ratio_p99}×; keyed / arrival (the reorder): p50 ${latency.reorder_ratio_p50}×, p99 ${latency.reorder_ratio_p99}×; load average ${latency.load_average.before.join(' ')} → ${latency.load_average.after.join(' ')}`);
  }
  if (restore && 'skipped' in restore) console.log(`\nrestore skipped: ${restore.skipped}`);
  else if (restore) {
    console.log(`\n${restore.name}, ${restore.bytes_per_key} B per stored window`);
    for (const w of restore.write) console.log(`  write ${w.keys.toLocaleString('en-US')} windows (checkpoint writer, acks=all): ${w.ms} ms, ${w.keys_per_s.toLocaleString('en-US')} keys/s`);
    const line = (label: string, f: RestoreResult['keyed_one_partition'][number]) =>
      console.log(`  ${label.padEnd(44)} ${f.keys.toLocaleString('en-US').padStart(9)} keys: read ${f.records_read.toLocaleString('en-US').padStart(9)} in ${String(f.load_ms).padStart(6)} ms (median of ${f.rounds}, ${f.keys_per_s.toLocaleString('en-US')} keys/s)${f.decode_ms !== undefined ? ` + decode ${f.decode_ms} ms` : ''}`);
    for (const f of restore.keyed_one_partition) line('keyed: one keyed partition holding all', f);
    for (const f of restore.spread_read_one_of_6) line('spread over 6: its partition only (keyed)', f);
    for (const f of restore.spread_read_all) line('spread over 6: whole topic (local mode)', f);
  }
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
