/**
 * The rule-test runner: every `tests:` case of every rule, each against a
 * fresh engine holding only that rule, so cases cannot leak state into each
 * other and one broken rule cannot fail another's tests.
 *
 * Events go through Sift's own ingest path (ingest.ts) and are evaluated one
 * at a time, in the order written, with Kafka-like offsets "0", "1", …: late
 * and out-of-order events reach the rule exactly as they would in `sift run`.
 */
import { basename } from 'node:path';
import type { JsonValue } from '../../ecs/index.js';
import { sourceFor } from '../../ingest/index.js';
import { formatIssue } from '../spec/index.js';
import { createEngine, DEFAULT_LATENESS_MS } from '../runtime/index.js';
import type { CompiledRule, Ruleset } from '../compile/types.js';
import type { RuleTestCase } from '../spec/types.js';
import type { Detection, DetectInput } from '../runtime/types.js';
import { describeFailure, prepareEcs, prepareRaw } from './ingest.js';
import { compareExpectation, type Fields } from './match.js';
import { suppress } from './suppress.js';

/** Lateness the tests run with: the engine's and the pipeline's default (`rules.default_lateness`, 5m). */
export const TEST_LATENESS_MS = DEFAULT_LATENESS_MS;

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

/** The case's events as detection inputs, or the reason one could not be built. */
function inputsOf(tc: RuleTestCase): DetectInput[] | string {
  const inputs: DetectInput[] = [];
  for (const [i, te] of tc.events.entries()) {
    let prepared;
    if (te.kind === 'ecs') {
      prepared = [prepareEcs(te.value, `test:${i}`)];
    } else {
      const source = sourceFor(te.source);
      if (!source) return `event #${i + 1}: unknown source ${JSON.stringify(te.source)}`;
      prepared = prepareRaw(source, te.value, `test:${i}`);
      if (prepared.length === 0) return `event #${i + 1}: the ${te.source} source found no event in it`;
    }
    for (const p of prepared) {
      if (!p.ok) return `event #${i + 1} does not normalize: ${describeFailure(p)}`;
      inputs.push({ event: p.event, id: p.id, offset: String(inputs.length) });
    }
  }
  return inputs;
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

export function runCase(rule: CompiledRule, tc: RuleTestCase): CaseReport {
  const expected = { count: tc.count, alerts: tc.alerts as readonly Fields[] };
  const none = { count: 0, alerts: [] };
  const inputs = inputsOf(tc);
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
