import { benchIngestAll } from './ingest.bench.js';
import { machine, type PairResult } from './harness.js';

/** `npm run bench [-- --json]`: every benchmark, one run, ratios measured side by side. */
const json = process.argv.includes('--json');
const only = process.argv.flatMap((a, i) => (a === '--source' ? [process.argv[i + 1] ?? ''] : []));
const started = Date.now();
const results: PairResult[] = [];
for (const bench of [benchIngestAll]) {
  if (!json) process.stderr.write(`running ${bench.name}…\n`);
  results.push(...bench(only));
}

if (json) {
  process.stdout.write(`${JSON.stringify({ machine: machine(), date: new Date().toISOString(), results }, null, 2)}\n`);
} else {
  const m = machine();
  console.log(`machine: ${String(m['cpus'])} × ${String(m['cpu_model'])}, ${String(m['memory_gib'])} GiB, node ${String(m['node'])}`);
  for (const r of results) {
    console.log(`\n${r.name} (${r.items} items, median of ${r.rounds} rounds)`);
    console.log(`  ${r.subject.name.padEnd(34)} ${r.subject.us_per_item.toFixed(2).padStart(8)} µs/item ${r.subject.items_per_s.toLocaleString('en-US').padStart(12)} /s`);
    console.log(`  ${r.baseline.name.padEnd(34)} ${r.baseline.us_per_item.toFixed(2).padStart(8)} µs/item ${r.baseline.items_per_s.toLocaleString('en-US').padStart(12)} /s`);
    console.log(`  ratio (subject / baseline, paired median)  ${r.ratio.toFixed(2)}×`);
  }
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
