/**
 * `sift rules verify` and `sift rules coverage`: the rule library measured
 * against third-party detections (docs/detection-cli.md).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRules, type Ruleset } from '../rules/index.js';
import { catalogMarkdown, coverageOf, CorpusError, readPantherCorpus, verifyRules, type CoverageReport, type PantherRuleFile, type VerifyReport } from '../rules/verify/index.js';
import { packageRoot } from '../shared/index.js';
import { numberFlag, parse, UsageError } from './args.js';

export const RULES_VERIFY_HELP = `Usage: sift rules verify --corpus <panther dir> [--rules <dir>] [--json] [--min-ratio <r>]

For every rule that names Panther equivalents (equivalents.panther), runs
each test event of those Panther rules from the corpus through Sift's ingest
(the log type's source, as 'sift run' prepares it) and compares "the rule
matches this event" with the test's expected result. Tests whose upstream
verdict depends on mocks are reported apart and not counted; a log Sift
refuses counts as no match (and as refused).

Options:
  --corpus <dir>     a folder of Panther rule files (../shared/corpus/panther layout)
  --rules <dir>      rules folder or file (default: the rules/ folder shipped with Sift)
  --json             {"rules","tests","agree","ratio","refused","mocked","coverage","by_rule","disagreements"}
  --min-ratio <r>    exit 1 when the agreement ratio is below r (0..1)
  -h, --help         show this help

Exit codes: 0 done (and ratio ≥ --min-ratio); 1 a rule did not load or the ratio is too low; 2 usage.`;

export const RULES_COVERAGE_HELP = `Usage: sift rules coverage [--rules <dir>] [--corpus <panther dir>] [--json]

Counts the rules per source and dataset, per ATT&CK tactic and technique
(from their attack.* tags), and lists the Panther rule files of a corpus that
no rule names as an equivalent.

Options:
  --rules <dir>      rules folder or file (default: the rules/ folder shipped with Sift)
  --corpus <dir>     Panther corpus (default: ../shared/corpus/panther beside Sift, when present)
  --json             {"rules","sources","tactics","techniques","panther"}
  -h, --help         show this help`;

function rulesOf(path: string | undefined): Ruleset {
  return loadRules([path ?? join(packageRoot(), 'rules')]);
}

function corpusOf(dir: string): PantherRuleFile[] {
  try {
    return readPantherCorpus(dir);
  } catch (err) {
    if (err instanceof CorpusError) throw new UsageError(`--corpus: ${err.message}`);
    throw err;
  }
}

function loadProblems(ruleset: Ruleset): number {
  for (const i of ruleset.issues) console.error(`✗ ${i.file}${i.line === undefined ? '' : `:${i.line}:${i.col ?? 1}`} ${i.ruleId ?? ''} ${i.message}`);
  return ruleset.issues.length;
}

const pct = (r: number): string => `${(r * 100).toFixed(1)} %`;

function printVerify(r: VerifyReport): void {
  for (const d of r.disagreements) console.log(`✗ ${d.rule} ⇄ ${d.panther_rule} › ${d.test}: expected ${d.expected ? 'match' : 'no match'}, got ${d.got ? 'match' : 'no match'} (${d.reason})`);
  const missing = Object.entries(r.by_rule).flatMap(([id, v]) => v.not_in_corpus.map((p) => `${id} names ${p}`));
  if (missing.length > 0) console.log(`\nnot in this corpus (held back or misspelled): ${missing.join('; ')}`);
  console.log(`\n${r.rules} rule(s) with Panther equivalents: ${r.agree} of ${r.tests} test verdicts agree (${pct(r.ratio)}), ${r.refused} refused by ingest, ${r.mocked} mocked test(s) left out`);
  console.log(`Panther rule files covered: ${r.coverage.covered_files} of ${r.coverage.panther_files} (${pct(r.coverage.ratio)})`);
}

export function verifyCommand(argv: readonly string[]): number {
  const { values } = parse(argv, { corpus: { type: 'string' }, rules: { type: 'string' }, json: { type: 'boolean' }, 'min-ratio': { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(RULES_VERIFY_HELP);
    return 0;
  }
  if (values.corpus === undefined) throw new UsageError(`--corpus <panther dir> is required\n\n${RULES_VERIFY_HELP}`);
  const minRatio = numberFlag(values['min-ratio'], 'min-ratio', 0);
  if (minRatio > 1) throw new UsageError(`--min-ratio must be from 0 to 1, got ${minRatio}`);
  const corpus = corpusOf(values.corpus);
  const ruleset = rulesOf(values.rules);
  const broken = loadProblems(ruleset);
  const report = verifyRules(ruleset.rules, corpus);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printVerify(report);
  return broken > 0 || report.ratio < minRatio ? 1 : 0;
}

/** The corpus beside a checkout of Sift (../shared/corpus/panther), when there is one. */
function defaultCorpus(): string | undefined {
  const dir = resolve(packageRoot(), '..', 'shared', 'corpus', 'panther');
  return existsSync(dir) ? dir : undefined;
}

function printCoverage(r: CoverageReport): void {
  console.log(`${r.rules} rule(s)\n\nper source:`);
  for (const [source, s] of Object.entries(r.sources)) {
    const ds = Object.entries(s.datasets).filter(([, n]) => n > 0).map(([d, n]) => `${d} ${n}`).join(', ');
    console.log(`  ${source.padEnd(18)} ${String(s.rules).padStart(4)}${ds === '' ? '' : `   (${ds})`}`);
  }
  console.log('\nper ATT&CK tactic:');
  for (const [t, n] of Object.entries(r.tactics)) console.log(`  ${t.padEnd(22)} ${String(n).padStart(4)}`);
  console.log(`\nATT&CK techniques: ${Object.entries(r.techniques).map(([t, n]) => `${t.toUpperCase()} ${n}`).join(', ')}`);
  if (r.panther !== undefined) {
    console.log(`\nPanther rule files named as equivalents: ${r.panther.covered} of ${r.panther.files} (${pct(r.panther.ratio)}); without a Sift equivalent:`);
    for (const f of r.panther.uncovered) console.log(`  ${f}`);
  }
}

export function coverageCommand(argv: readonly string[]): number {
  const { values } = parse(argv, { corpus: { type: 'string' }, rules: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(RULES_COVERAGE_HELP);
    return 0;
  }
  const dir = values.corpus ?? defaultCorpus();
  const ruleset = rulesOf(values.rules);
  const broken = loadProblems(ruleset);
  const report = coverageOf(ruleset.rules, dir === undefined ? undefined : { corpus: dir, files: corpusOf(dir) });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printCoverage(report);
  return broken > 0 ? 1 : 0;
}

export const RULES_CATALOG_HELP = `Usage: sift rules catalog [--rules <dir>] [--write | --check]

Prints docs/rules-catalog.md as generated from the rules: per source, each
rule's kind, severity, noise, ATT&CK techniques and the third-party rules it
covers.

Options:
  --rules <dir>  rules folder or file (default: the rules/ folder shipped with Sift)
  --write        write docs/rules-catalog.md (in Sift's folder) instead of printing
  --check        exit 1 when docs/rules-catalog.md differs from what the rules give
  -h, --help     show this help`;

export function catalogCommand(argv: readonly string[]): number {
  const { values } = parse(argv, { rules: { type: 'string' }, write: { type: 'boolean' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(RULES_CATALOG_HELP);
    return 0;
  }
  const ruleset = rulesOf(values.rules);
  if (loadProblems(ruleset) > 0) return 1;
  const text = catalogMarkdown(ruleset.rules);
  const file = join(packageRoot(), 'docs', 'rules-catalog.md');
  if (values.check) {
    const same = existsSync(file) && readFileSync(file, 'utf8') === text;
    if (!same) console.error(`${file} is out of date: run 'sift rules catalog --write'`);
    return same ? 0 : 1;
  }
  if (values.write) {
    writeFileSync(file, text);
    console.log(`wrote ${file} (${ruleset.rules.length} rules)`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
