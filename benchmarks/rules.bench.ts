import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_VENDORS, vendorRecords } from '../src/conformance/index.js';
import type { EcsEvent } from '../src/ecs/index.js';
import { generateOkta } from '../src/generate/index.js';
import { loadGeoIp, type GeoIp, type RawRecord } from '../src/ingest/index.js';
import { planSource, prepareBatch } from '../src/pipeline/index.js';
import { compileRule, createEngine, loadRules, parseRuleFile, type CompiledRule, type DetectInput } from '../src/rules/index.js';
import { convertSigma, findSigmaFiles } from '../src/rules/sigma/index.js';
import { packageRoot } from '../src/shared/index.js';
import { comparePair, type PairResult } from './harness.js';
import { windowRule } from './window-rule.js';

/**
 * Detection cost per event with the shipped library, and at 10, 100, 300
 * and 1000 rules, next to the ingest
 * cost (decode + normalize + serialize) of the same events, so the ratio says
 * how much detection adds to the hot path.
 *
 * Rules: the shipped rules/ plus every SigmaHQ corpus rule Sift converts (a
 * real mix across all datasets); beyond that pool, copies of it under new ids.
 * Copies test exactly what their original tests, so every event that is a
 * candidate for a rule is a candidate for all its copies: a pessimistic mix.
 * Events: every corpus record of every source plus generated Okta traffic.
 */
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const TARGET = 20_000;
const BATCH = 1000;

/** Events are enriched as `sift run` enriches them by default (enrich.geoip, the shipped databases), so rules see geo fields and the ingest side pays for them. */
function shippedGeoIp(): GeoIp {
  const g = loadGeoIp({ cityDatabase: '', asnDatabase: '' });
  if (!g.ok) throw new Error(`cannot load the shipped GeoIP databases: ${JSON.stringify(g.issues)}`);
  return g.geoip;
}

function records(texts: readonly string[]): RawRecord[] {
  return texts.map((text, i) => ({ topic: 'bench', partition: 0, offset: String(i), timestamp: '0', key: null, value: Buffer.from(text) }));
}

function rulePool(): CompiledRule[] {
  const pool = [...loadRules([`${packageRoot()}/rules`]).rules];
  const sigma = findSigmaFiles(`${CORPUS}sigma`);
  for (const file of sigma.files) {
    const converted = convertSigma(readFileSync(join(sigma.root, file), 'utf8'), file);
    if (!converted.ok) continue;
    const parsed = parseRuleFile(converted.yaml, file);
    const compiled = parsed.rule ? compileRule(parsed.rule).rule : undefined;
    if (compiled) pool.push(compiled);
  }
  return pool;
}

function rulesOf(pool: readonly CompiledRule[], n: number): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (let i = 0; out.length < n; i++) {
    const base = pool[i % pool.length] as CompiledRule;
    const copy = Math.floor(i / pool.length);
    if (copy === 0) out.push(base);
    else {
      const compiled = compileRule({ ...base.spec, id: `${base.spec.id}.copy${copy}` }).rule;
      if (compiled) out.push(compiled);
    }
  }
  return out;
}

interface Workload {
  raw: { vendor: string; records: RawRecord[] }[];
  inputs: DetectInput[];
}

function workload(): Workload {
  const raw: Workload['raw'] = [];
  const okta = [...generateOkta({ count: 5000, seed: 7, start: new Date('2026-01-01T00:00:00Z') })];
  raw.push({ vendor: 'okta', records: records(okta) });
  for (const vendor of Object.keys(CORPUS_VENDORS)) raw.push({ vendor, records: records(vendorRecords(CORPUS, vendor)) });
  const opts = { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false, geoip: shippedGeoIp() };
  const events: { event: EcsEvent; id: string }[] = [];
  for (const { vendor, records: rs } of raw) {
    const plan = planSource(vendor, 'default');
    if (!plan) continue;
    const p = prepareBatch(rs, plan, opts);
    p.origins.forEach((o, i) => events.push({ event: o.event, id: p.docs[i]?.id ?? '' }));
  }
  const inputs: DetectInput[] = [];
  for (let i = 0; inputs.length < TARGET; i++) {
    const e = events[i % events.length] as { event: EcsEvent; id: string };
    inputs.push({ event: e.event, id: e.id, offset: String(i) });
  }
  return { raw, inputs };
}

export function benchRules(): PairResult[] {
  const pool = rulePool();
  const { raw, inputs } = workload();
  const opts = { limits: { maxBytes: 2 * 1024 * 1024, maxDepth: 64 }, keepOriginal: false, geoip: shippedGeoIp() };
  const plans = raw.map((r) => ({ plan: planSource(r.vendor, 'default'), records: r.records }));
  const rawCount = raw.reduce((n, r) => n + r.records.length, 0);
  const results: PairResult[] = [];
  // The whole shipped library (issue 14) as it runs by default, then the pool at fixed sizes.
  const library = loadRules([`${packageRoot()}/rules`]).rules;
  const sets: { name: string; label: string; rules: readonly CompiledRule[] }[] = [
    { name: 'rules.library', label: `the shipped library (${library.length} rules)`, rules: library },
    ...[10, 100, 300, 1000].map((n) => ({ name: `rules.evaluate.${n}`, label: `${n} rules`, rules: rulesOf(pool, n) })),
  ];
  for (const set of sets) {
    const rules = set.rules;
    let sink = 0;
    const r = comparePair(
      set.name,
      inputs.length,
      {
        name: `evaluate ${set.label}`,
        run: () => {
          // A fresh engine per round: stateful windows start empty every time.
          const part = createEngine(rules).partition('bench/0');
          for (let i = 0; i < inputs.length; i += BATCH) sink += part.evaluate(inputs.slice(i, i + BATCH)).length;
        },
      },
      {
        name: 'ingest (decode+normalize+enrich+serialize)',
        run: () => {
          // Scaled to the same number of events below, by repeating the corpus.
          for (let k = 0; k * rawCount < inputs.length; k++) for (const p of plans) if (p.plan) sink += prepareBatch(p.records, p.plan, opts).docs.length;
        },
      },
      9,
      2,
    );
    if (sink < 0) throw new Error('unreachable');
    results.push({ ...r, name: set.rules === library ? `${r.name} (${inputs.length} events of all eight sources)` : `${r.name} (${pool.length} distinct rules in the pool, ${inputs.length} events)` });
  }
  return results;
}

/** Heap held per active window key, and the checkpoint bytes per key, at 100k keys. */
export function benchStateMemory(keys = 100_000): { keys: number; heap_bytes_per_key: number; checkpoint_bytes_per_key: number } {
  const compiled = windowRule('bench.threshold');
  const base = Date.parse('2026-01-01T00:00:00Z');
  const inputs: DetectInput[] = Array.from({ length: keys }, (_, i) => ({
    id: `id${i}`,
    offset: String(i),
    event: {
      '@timestamp': new Date(base + i).toISOString(),
      event: { kind: 'event', dataset: 'okta.system', module: 'okta', action: 'user.session.start', outcome: 'failure' },
      user: { name: `user${i}@example.com` },
      source: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    },
  }));
  const engine = createEngine([compiled], { maxKeysPerRule: keys * 2 });
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const part = engine.partition('bench/0');
  for (let i = 0; i < inputs.length; i += BATCH) part.evaluate(inputs.slice(i, i + BATCH));
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  const checkpoint = part.checkpoint().reduce((n, e) => n + e.key.length + (e.value?.length ?? 0) + (e.offset?.length ?? 0), 0);
  if (inputs.length !== keys) throw new Error('unreachable');
  return { keys: part.keys, heap_bytes_per_key: Math.round((after - before) / part.keys), checkpoint_bytes_per_key: Math.round(checkpoint / part.keys) };
}
