import { benchIngestAll } from './ingest.bench.js';
import { machine, type PairResult } from './harness.js';
import { benchRules, benchStateMemory } from './rules.bench.js';

/**
 * `npm run bench [-- --json] [-- --only ingest|rules] [-- --source <vendor>]`:
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
let memory: ReturnType<typeof benchStateMemory> | undefined;
if (wanted('rules')) {
  say('running rule evaluation benchmarks…');
  results.push(...benchRules());
  say('measuring window state memory (100k keys)…');
  memory = benchStateMemory();
}

if (json) {
  process.stdout.write(`${JSON.stringify({ machine: machine(), date: new Date().toISOString(), results, ...(memory ? { state_memory: memory } : {}) }, null, 2)}\n`);
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
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
