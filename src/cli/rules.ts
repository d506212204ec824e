import { relative, join, isAbsolute } from 'node:path';
import { formatIssue, loadRules, TECHNIQUE_TAG, vendorPathAdvice, type CompiledRule, type Ruleset } from '../rules/index.js';
import type { RuleReport, TestReport } from '../rules/testing/index.js';
import { packageRoot } from '../shared/index.js';
import { parse, UsageError } from './args.js';

export const RULES_HELP = `Usage: sift rules <test | lint | explain | verify | coverage | catalog | import-sigma | backtest> [options]

Works on rule files (one YAML rule per *.yml/*.yaml, folders searched
recursively) without Kafka or Elasticsearch (backtest reads Elasticsearch).
docs/detection-cli.md has a walkthrough; docs/rules.md the rule format.

Subcommands:
  test [paths…] [--json]          run every rule's tests: cases
  lint [paths…] [--json]          parse and compile, report located problems and warnings
  explain <id> [--rules <dir>]    show a rule's summary, index, optimized plan and generated JS
  verify --corpus <dir> [--json]  compare rules with the Panther detections they name as equivalents
  coverage [--json]               rules per source, ATT&CK tactic and technique; Panther rules not covered
  catalog [--write | --check]     docs/rules-catalog.md, generated from the rules
  import-sigma …                  convert Sigma rules (sift rules import-sigma --help)
  backtest <rule|id>… --from --to  run rules over history in Elasticsearch (sift rules backtest --help)

Paths default to the rules/ folder shipped with Sift.`;

export const RULES_TEST_HELP = `Usage: sift rules test [paths…] [--json]

Runs each rule's tests: cases, each against a fresh engine holding only that
rule. Raw vendor events go through Sift's normalizers first; events are
evaluated one at a time in the order written (late events included), and
suppression applies. A case passes when the alert count is exact and each
expected alert map is contained in a distinct alert's fields.

Options:
  --json        machine-readable report: {"total","passed","failed","rules":[…]}
  -h, --help    show this help

Exit codes: 0 every case passed; 1 a case failed or a rule did not load.`;

export const RULES_LINT_HELP = `Usage: sift rules lint [paths…] [--json]

Parses and compiles every rule (fields are checked against the ECS catalog of
the rule's datasets) and lists each compiled rule as '✓ <id>  <file>' with its
warnings (no tests, no ATT&CK technique tag, no runbook) under it; warnings do
not fail. Each problem is a line '✗ file:line:col [rule-id] path: message'.

Options:
  --json        {"rules": n, "errors": ["file:line:col …"], "warnings": ["…"]}
  -h, --help    show this help

Exit codes: 0 no errors (warnings allowed); 1 any error.`;

export const RULES_EXPLAIN_HELP = `Usage: sift rules explain <id> [--rules <dir>]

Prints what Sift made of one rule: its summary, the datasets and event.action
values it is indexed under, the optimized plan, and the generated JavaScript
that runs on every event.

Options:
  --rules <dir>  rules folder or file (default: the rules/ folder shipped with Sift)
  -h, --help     show this help`;


export function defaultRules(): string {
  return join(packageRoot(), 'rules');
}

/** Paths as the user reads them: relative to the working folder when inside it. */
export function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function printCase(rule: RuleReport): void {
  for (const e of rule.errors ?? []) console.log(`✗ ${rule.id}: ${e}`);
  for (const c of rule.cases) console.log(c.passed ? `✓ ${rule.id} › ${c.name}` : `✗ ${rule.id} › ${c.name}: ${c.message ?? 'failed'}`);
}

async function testCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    console.log(RULES_TEST_HELP);
    return 0;
  }
  const ruleset = loadRules(positionals.length > 0 ? positionals : [defaultRules()]);
  // Loaded here: the test runner pulls in the ingest path, which `lint` and
  // `explain` do not need.
  const { testRuleset } = await import('../rules/testing/index.js');
  const raw = testRuleset(ruleset);
  const report: TestReport = { ...raw, rules: raw.rules.map((r) => ({ ...r, file: shown(r.file) })) };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const r of report.rules) printCase(r);
    const broken = report.rules.filter((r) => (r.errors?.length ?? 0) > 0).length;
    console.log(`\n${report.passed} passed, ${report.failed} failed${broken > 0 ? `, ${broken} rule file(s) did not load` : ''}`);
  }
  return report.failed === 0 && report.rules.every((r) => r.passed) ? 0 : 1;
}

/** Advice that does not stop a rule from running, as `warning: …` lines. */
function adviceOf(rule: CompiledRule): string[] {
  const s = rule.spec;
  const out: string[] = [];
  if (s.tests.length === 0) out.push('warning: no tests: add positive and negative cases under tests:');
  if (!s.tags.some((t) => TECHNIQUE_TAG.test(t))) out.push('warning: no ATT&CK technique tag (attack.tNNNN or attack.tNNNN.NNN)');
  if (s.runbook === undefined || s.runbook.trim() === '') out.push('warning: no runbook: say what the responder should check');
  out.push(...vendorPathAdvice(s));
  return out;
}

/** The same advice, each line naming its file and rule (lint --json). */
export function warningsOf(rule: CompiledRule): string[] {
  const at = `${shown(rule.spec.file)} [${rule.spec.id}]`;
  return adviceOf(rule).map((w) => `${at} ${w}`);
}

function lintCommand(argv: readonly string[]): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    console.log(RULES_LINT_HELP);
    return 0;
  }
  const ruleset: Ruleset = loadRules(positionals.length > 0 ? positionals : [defaultRules()]);
  const errors = ruleset.issues.map((i) => formatIssue({ ...i, file: shown(i.file) }));
  const warnings = ruleset.rules.flatMap(warningsOf);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ rules: ruleset.rules.length, errors, warnings }, null, 2)}\n`);
  } else {
    // One line per compiled rule, its warnings under it: the list of ids
    // `rules explain` points to when it does not know one.
    for (const rule of ruleset.rules) {
      console.log(`✓ ${rule.spec.id}  ${shown(rule.spec.file)}`);
      for (const w of adviceOf(rule)) console.log(`  ${w}`);
    }
    for (const e of errors) console.log(`✗ ${e}`);
    console.log(`\n${ruleset.rules.length} rule(s) compiled, ${errors.length} error(s), ${warnings.length} warning(s)`);
  }
  return errors.length > 0 ? 1 : 0;
}

/** 600000 → "10m": the largest unit that divides the duration, as authors write it. */
function dur(ms: number): string {
  const units: readonly (readonly [string, number])[] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const hit = units.find(([, n]) => ms >= n && ms % n === 0);
  return hit ? `${ms / hit[1]}${hit[0]}` : `${ms}ms`;
}

function aggregationLine(rule: CompiledRule): string {
  const a = rule.spec.aggregation;
  if (!a) return 'single event';
  const by = (keys: readonly string[]): string => (keys.length > 0 ? ` by ${keys.join(', ')}` : '');
  switch (a.type) {
    case 'threshold':
      return `threshold: ≥ ${a.count} events${by(a.groupBy)} within ${dur(a.windowMs)}`;
    case 'cardinality':
      return `cardinality: ≥ ${a.count} distinct ${a.field}${by(a.groupBy)} within ${dur(a.windowMs)}`;
    case 'sequence':
      return `sequence${by(a.by)} within ${dur(a.maxspanMs)}: ${a.steps.map((s) => `${s.name}(${s.conditionText})${s.count > 1 ? `×${s.count}` : ''}`).join(' → ')}`;
    case 'new_terms':
      return `new terms: first ${a.fields.join(' + ')}${by(a.groupBy)} in ${dur(a.historyMs)} of history`;
    case 'travel':
      return `travel: ${a.location}${by(a.groupBy)} faster than ${a.maxSpeedKmh} km/h over ≥ ${a.minDistanceKm} km, within ${dur(a.windowMs)}`;
  }
}

export function explainText(rule: CompiledRule): string {
  const s = rule.spec;
  return [
    `${s.id} (v${s.version}): ${s.name}`,
    `file:        ${shown(s.file)}`,
    `severity:    ${s.severity}, risk ${s.riskScore}${s.enabled ? '' : ' (disabled)'}`,
    `tags:        ${s.tags.join(', ') || '(none)'}`,
    `kind:        ${aggregationLine(rule)}`,
    `condition:   ${s.aggregation?.type === 'sequence' ? '(each sequence step has its own)' : s.detection.conditionText}`,
    s.suppression ? `suppression: by ${s.suppression.groupBy.join(', ')} for ${dur(s.suppression.durationMs)}` : 'suppression: none',
    `output:      ${s.outputFields.join(', ') || '(group fields only)'}`,
    `tests:       ${s.tests.length}`,
    '',
    'Index (an event reaches this rule only when both hold):',
    `  datasets:      ${s.datasets.join(', ')}`,
    `  event.action:  ${rule.actions === undefined ? 'any (the condition does not pin the action)' : rule.actions.join(', ')}`,
    '',
    'Plan (after optimization):',
    rule.plan.replace(/^/gm, '  '),
    '',
    'Generated JavaScript:',
    rule.source.replace(/^/gm, '  '),
  ].join('\n');
}

function explainCommand(argv: readonly string[]): number {
  const { values, positionals } = parse(argv, { rules: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    console.log(RULES_EXPLAIN_HELP);
    return 0;
  }
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('explain takes exactly one rule id');
  const ruleset = loadRules([values.rules ?? defaultRules()]);
  const rule = ruleset.rules.find((r) => r.spec.id === id);
  if (rule) {
    console.log(explainText(rule));
    return 0;
  }
  const issues = ruleset.issues.filter((i) => i.ruleId === id);
  if (issues.length > 0) {
    console.error(`rule ${id} does not compile:`);
    for (const i of issues) console.error(`  ${formatIssue({ ...i, file: shown(i.file) })}`);
  } else {
    console.error(`no rule with id ${JSON.stringify(id)} (${ruleset.rules.length} rule(s) loaded; 'sift rules lint${values.rules === undefined ? '' : ` ${values.rules}`}' lists their ids)`);
  }
  return 1;
}

/** `sift rules test|lint|explain|import-sigma`. */
export async function rulesCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'test':
      return testCommand(rest);
    case 'lint':
      return lintCommand(rest);
    case 'explain':
      return explainCommand(rest);
    case 'verify':
      return (await import('./rules-content.js')).verifyCommand(rest);
    case 'coverage':
      return (await import('./rules-content.js')).coverageCommand(rest);
    case 'catalog':
      return (await import('./rules-content.js')).catalogCommand(rest);
    case 'import-sigma':
      return (await import('./import-sigma.js')).importSigmaCommand(rest);
    case 'backtest':
      return (await import('./backtest.js')).backtestCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(RULES_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}\n\n${RULES_HELP}`);
  }
}
