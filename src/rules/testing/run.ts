/**
 * The rule-test runner: every `tests:` case of every rule, each against a
 * fresh engine holding only that rule, so cases cannot leak state into each
 * other and one broken rule cannot fail another's tests.
 *
 * Events go through Sift's own prepare path (the `prepareBatch` of `sift run`)
 * as Kafka-like records at offsets "0", "1", … and are evaluated one at a
 * time, in the order written: late and out-of-order events reach the rule
 * exactly as they would in `sift run`.
 */
import { basename } from 'node:path';
import type { JsonValue } from '../../ecs/index.js';
import { loadGeoIp, prepareBatch, type GeoIp, type Prepared as PreparedBatch } from '../../ingest/index.js';
import { formatIssue } from '../spec/index.js';
import { createEngine, DEFAULT_LATENESS_MS, detectInputs } from '../runtime/index.js';
import type { CompiledRule, Ruleset } from '../compile/types.js';
import type { RuleTestCase } from '../spec/types.js';
import type { Detection, DetectInput } from '../runtime/types.js';
import { describeFailure, offlinePlan, offlineRecord, prepareEcs } from './ingest.js';
import { compareExpectation, type Fields } from './match.js';
import { suppress } from './suppress.js';

/** Lateness the tests run with: the engine's and the pipeline's default (`rules.default_lateness`, 5m). */
export const TEST_LATENESS_MS = DEFAULT_LATENESS_MS;
/** `rules.max_future_skew`'s default: an event dated beyond now + 5m reaches single-event rules only. */
const TEST_FUTURE_SKEW_MS = 5 * 60_000;
/** `sift run`'s default decode limits (`pipeline.max_record_bytes`, `pipeline.max_depth`). */
const TEST_LIMITS = { maxBytes: 2 * 1024 * 1024, maxDepth: 64 };

/**
 * `enrich.geoip`'s default: raw events get `*.geo.*` / `*.as.*` from the
 * shipped databases, as in `sift run`, so a rule on them can be tested.
 * Opened on the first raw event (a file of `ecs:` events never pays for it).
 */
function testGeoIp(): GeoIp | undefined {
  const loaded = loadGeoIp({ cityDatabase: '', asnDatabase: '' });
  return loaded.ok ? loaded.geoip : undefined;
}

export interface CaseReport {
  readonly name: string;
  readonly passed: boolean;
  readonly expected: { readonly count: number; readonly alerts: readonly Fields[] };
  readonly actual: { readonly count: number; readonly alerts: readonly Fields[] };
  readonly message?: string;
}

export interface RuleReport {
  readonly id: string;
  readonly file: string;
  readonly passed: boolean;
  readonly cases: readonly CaseReport[];
  /** Located load/compile issues (`file:line:col [id] path: message`); the rule did not run. */
  readonly errors?: readonly string[];
}

export interface TestReport {
  /** Test cases run (rules that failed to load have none). */
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly rules: readonly RuleReport[];
}

/**
 * How a case's raw vendor events are put into Kafka records: one event per
 * record (as written), or consecutive events of one source packed into one
 * record as NDJSON or as a JSON array. A rule must give the same alerts
 * however its events were packed; the shipped rules are tested all three ways.
 */
export type Packing = 'none' | 'ndjson' | 'array';

interface CaseRecord {
  /** Source vendor, or undefined for an `ecs:` event. */
  readonly source: string | undefined;
  readonly values: unknown[];
  /** 1-based numbers of the case's events in this record, for messages. */
  readonly numbers: number[];
}

function recordsOf(tc: RuleTestCase, packing: Packing): CaseRecord[] {
  const records: CaseRecord[] = [];
  for (const [i, te] of tc.events.entries()) {
    const source = te.kind === 'ecs' ? undefined : te.source;
    const last = records[records.length - 1];
    if (packing !== 'none' && source !== undefined && last !== undefined && last.source === source) {
      last.values.push(te.value);
      last.numbers.push(i + 1);
    } else {
      records.push({ source, values: [te.value], numbers: [i + 1] });
    }
  }
  return records;
}

function encode(values: readonly unknown[], packing: Packing): Buffer {
  if (packing === 'array' && values.length > 1) return Buffer.from(JSON.stringify(values));
  return Buffer.from(values.map((v) => JSON.stringify(v)).join('\n'));
}

/**
 * The case's events as detection inputs, through the prepare path `sift run`
 * uses (each record at the next offset, each event with its index in it), or
 * the reason one could not be built.
 */
function inputsOf(tc: RuleTestCase, packing: Packing): DetectInput[] | string {
  const inputs: DetectInput[] = [];
  const receivedMs = Date.now();
  for (const [offset, rec] of recordsOf(tc, packing).entries()) {
    const where = rec.numbers.length === 1 ? `event #${rec.numbers[0]}` : `events #${rec.numbers.join(', #')}`;
    if (rec.source === undefined) {
      const p = prepareEcs(rec.values[0], `test:${offset}`);
      if (!p.ok) return `${where} does not normalize: ${describeFailure(p)}`;
      inputs.push({ event: p.event, id: p.id, offset: String(offset), index: 0 });
      continue;
    }
    const prepared = prepareOffline(rec.source, offset, encode(rec.values, packing), receivedMs);
    if (prepared === undefined) return `${where}: unknown source ${JSON.stringify(rec.source)}`;
    const dead = prepared.dead[0];
    if (dead !== undefined) {
      const which = dead.eventIndex === undefined ? where : `${where} (event ${dead.eventIndex} of the record)`;
      return `${which} does not normalize: ${describeFailure({ ok: false, code: dead.code, message: dead.message, path: dead.path })}`;
    }
    inputs.push(...detectInputs(prepared));
  }
  return inputs;
}

/**
 * One offline record of `source` through `sift run`'s prepare step with its
 * default settings (limits, future skew, GeoIP enrichment); undefined for an
 * unknown source. Rule tests and `sift rules verify` both read events so.
 */
export function prepareOffline(source: string, offset: number, value: Buffer, receivedMs: number): PreparedBatch | undefined {
  const plan = offlinePlan(source);
  if (!plan) return undefined;
  const record = offlineRecord('test', offset, value, receivedMs);
  const geoip = testGeoIp();
  return prepareBatch([record], plan, { limits: TEST_LIMITS, keepOriginal: false, maxFutureSkewMs: TEST_FUTURE_SKEW_MS, ...(geoip ? { geoip } : {}) });
}

/** Disabled rules are still tested: their content ships, and enabling one must not surprise. */
function enabled(rule: CompiledRule): CompiledRule {
  return rule.spec.enabled ? rule : { ...rule, spec: { ...rule.spec, enabled: true } };
}

function evaluate(rule: CompiledRule, inputs: readonly DetectInput[]): { detections: Detection[]; quarantined?: string } {
  let quarantined: string | undefined;
  const engine = createEngine([enabled(rule)], {
    latenessMs: () => TEST_LATENESS_MS,
    hooks: { onQuarantine: (_id: string, error: unknown) => void (quarantined = String(error)) },
  });
  const partition = engine.partition('test');
  const detections: Detection[] = [];
  for (const input of inputs) detections.push(...partition.evaluate([input]));
  return quarantined === undefined ? { detections } : { detections, quarantined };
}

export function runCase(rule: CompiledRule, tc: RuleTestCase, packing: Packing = 'none'): CaseReport {
  const expected = { count: tc.count, alerts: tc.alerts as readonly Fields[] };
  const none = { count: 0, alerts: [] };
  const inputs = inputsOf(tc, packing);
  if (typeof inputs === 'string') return { name: tc.name, passed: false, expected, actual: none, message: inputs };
  let result;
  try {
    result = evaluate(rule, inputs);
  } catch (err) {
    return { name: tc.name, passed: false, expected, actual: none, message: `evaluation threw: ${String(err)}` };
  }
  const alerts = suppress(result.detections).map((s) => s.detection.fields as Readonly<Record<string, JsonValue>>);
  const actual = { count: alerts.length, alerts };
  const message = result.quarantined !== undefined ? `rule quarantined: ${result.quarantined}` : compareExpectation(tc.count, expected.alerts, alerts);
  return message === undefined ? { name: tc.name, passed: true, expected, actual } : { name: tc.name, passed: false, expected, actual, message };
}

export function runRule(rule: CompiledRule): RuleReport {
  const cases = rule.spec.tests.map((tc) => runCase(rule, tc));
  return { id: rule.spec.id, file: rule.spec.file, passed: cases.every((c) => c.passed), cases };
}

/** Every case of every loaded rule, plus one failed entry per file whose rule did not load. */
export function testRuleset(ruleset: Ruleset): TestReport {
  const rules: RuleReport[] = ruleset.rules.map(runRule);
  const byFile = new Map<string, { id: string; errors: string[] }>();
  for (const issue of ruleset.issues) {
    const entry = byFile.get(issue.file) ?? { id: issue.ruleId ?? basename(issue.file).replace(/\.ya?ml$/, ''), errors: [] };
    entry.errors.push(formatIssue(issue));
    byFile.set(issue.file, entry);
  }
  for (const [file, { id, errors }] of byFile) rules.push({ id, file, passed: false, cases: [], errors });
  rules.sort((a, b) => a.file.localeCompare(b.file) || a.id.localeCompare(b.id));
  const all = rules.flatMap((r) => r.cases);
  const passed = all.filter((c) => c.passed).length;
  return { total: all.length, passed, failed: all.length - passed, rules };
}
