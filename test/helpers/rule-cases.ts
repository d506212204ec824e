/**
 * The `tests:` cases of rule files, read straight from the YAML with the
 * `yaml` package, not through Sift's rule loader: what a case expects (its
 * `count` and `alerts`) must come from the file the detection engineer wrote,
 * so that a test comparing the pipeline's alerts with it has an oracle Sift
 * did not compute.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { datasetsOf, knownVendors } from '../../src/ecs/index.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface CaseEvent {
  /** The vendor whose normalizer reads `raw` (per event, else the case's `source`). */
  readonly source: string | undefined;
  readonly raw?: Json;
  readonly ecs?: Json;
}

export interface RuleCase {
  readonly ruleId: string;
  /** Path of the rule file, relative to the folder that was read. */
  readonly file: string;
  readonly name: string;
  readonly events: readonly CaseEvent[];
  readonly count: number;
  readonly alerts: readonly Readonly<Record<string, Json>>[];
}

export interface RuleFile {
  readonly id: string;
  /** Absolute path. */
  readonly path: string;
  readonly datasets: readonly string[];
  /** Vendors whose events can reach the rule: those emitting one of its datasets. */
  readonly vendors: ReadonlySet<string>;
  readonly cases: readonly RuleCase[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ruleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...ruleFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/**
 * RFC 7386 JSON Merge Patch, written here from the RFC's own pseudo-code so
 * the tests do not read cases through Sift's implementation of it.
 */
function mergePatch(target: unknown, patch: Json): Json {
  if (!isRecord(patch)) return patch;
  const out: Record<string, Json> = isRecord(target) ? { ...(target as Record<string, Json>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Throws on a file that is not a rule with well-formed tests: the shipped rules must all be. */
function readRule(path: string, root: string): RuleFile {
  const doc: unknown = parse(readFileSync(path, 'utf8'));
  const where = relative(root, path);
  if (!isRecord(doc) || typeof doc.id !== 'string') throw new Error(`${where}: not a rule (no id)`);
  const id = doc.id;
  const scope = doc.scope;
  const datasets = isRecord(scope) && Array.isArray(scope.datasets) ? scope.datasets.filter((d): d is string => typeof d === 'string') : [];
  const vendors = new Set(knownVendors().filter((v) => datasetsOf(v).some((d) => datasets.includes(d))));
  const tests = Array.isArray(doc.tests) ? doc.tests : [];
  const base = isRecord(doc.base_event) ? doc.base_event : undefined;
  const cases = tests.map((t: unknown, i: number): RuleCase => {
    if (!isRecord(t) || typeof t.name !== 'string' || !Array.isArray(t.events) || !isRecord(t.expect) || typeof t.expect.count !== 'number') {
      throw new Error(`${where}: tests[${i}] lacks name, events or expect.count`);
    }
    const caseSource = typeof t.source === 'string' ? t.source : undefined;
    const events = t.events.map((e: unknown, j: number): CaseEvent => {
      if (isRecord(e) && 'overrides' in e) {
        // The base event with the overrides applied (docs/rules.md "A base event and overrides").
        if (base === undefined) throw new Error(`${where}: tests[${i}].events[${j}] has overrides but the file has no base_event`);
        const source = typeof e.source === 'string' ? e.source : typeof base.source === 'string' ? base.source : caseSource;
        const patched = mergePatch('raw' in base ? base.raw : base.ecs, e.overrides as Json);
        return 'raw' in base ? { source, raw: patched } : { source, ecs: patched };
      }
      if (!isRecord(e) || (!('raw' in e) && !('ecs' in e))) throw new Error(`${where}: tests[${i}].events[${j}] has neither raw nor ecs`);
      const source = typeof e.source === 'string' ? e.source : caseSource;
      return 'raw' in e ? { source, raw: e.raw as Json } : { source, ecs: e.ecs as Json };
    });
    const alerts = Array.isArray(t.expect.alerts) ? t.expect.alerts.filter(isRecord).map((a) => a as Record<string, Json>) : [];
    return { ruleId: id, file: where, name: t.name, events, count: t.expect.count, alerts };
  });
  return { id, path, datasets, vendors, cases };
}

/** Every rule file below `dir` (recursively), sorted by path. */
export function readRuleFiles(dir: string): RuleFile[] {
  return ruleFiles(dir).map((f) => readRule(f, dir));
}

/** Deep equality of JSON values (strings exactly, objects regardless of key order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The expected alert maps that no DISTINCT actual alert contains (every key
 * present with an equal value), as the rule format defines `expect.alerts`.
 * Exhaustive search over assignments: cases expect a handful of alerts.
 */
export function unmatchedAlerts(expected: readonly Readonly<Record<string, Json>>[], actual: readonly Readonly<Record<string, unknown>>[]): Readonly<Record<string, Json>>[] {
  const fits = expected.map((e) => actual.flatMap((a, i) => (Object.entries(e).every(([k, v]) => Object.hasOwn(a, k) && sameJson(a[k], v)) ? [i] : [])));
  let best: number[] = expected.map((_, i) => i);
  const taken = new Set<number>();
  const missing: number[] = [];
  const search = (e: number): void => {
    if (missing.length >= best.length) return;
    if (e === expected.length) {
      best = [...missing];
      return;
    }
    for (const a of fits[e] ?? []) {
      if (taken.has(a)) continue;
      taken.add(a);
      search(e + 1);
      taken.delete(a);
      if (best.length === 0) return;
    }
    missing.push(e);
    search(e + 1);
    missing.pop();
  };
  search(0);
  return best.map((i) => expected[i] as Readonly<Record<string, Json>>);
}
