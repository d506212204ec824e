/**
 * One YAML rule file → a validated RuleSpec, or every problem with it. The
 * whole document is always walked, so one run shows all mistakes, each with
 * file, line, column, rule id and dotted path.
 */
import { LineCounter, isMap, parseDocument } from 'yaml';
import { knownDatasets } from '../../ecs/index.js';
import { readAggregation, readOutput, readSuppression } from './aggregation.js';
import { checkAliases } from './aliases.js';
import { readEquivalents, readNoise } from './content.js';
import { AGGREGATION_KEYS, BLOCK_KEYS, DEFAULT_RISK, RULE_ID, TAG, TECHNIQUE_TAG, TOP_LEVEL_KEYS } from './keys.js';
import { checkKeys, entries, readBool, readInt, readString, readStringList, record, report, required, scalarOf, type Entry, type Reader } from './read.js';
import { readDetection } from './selection.js';
import { didYouMean } from './suggest.js';
import { BROKEN, readBaseEvent, readTests } from './test-cases.js';
import { SEVERITIES, type Aggregation, type RuleIssue, type RuleSpec, type Severity } from './types.js';

export interface ParseResult {
  readonly rule?: RuleSpec;
  readonly issues: RuleIssue[];
  /**
   * When the rule did not parse: the parts that did (scope, the selections
   * that read, output, suppression, a sound aggregation) under a condition
   * that matches nothing, for the compiler to check too. One run then shows
   * every mistake: an unknown selection in the condition must not hide a
   * misspelt field in another.
   */
  readonly draft?: RuleSpec;
}

function readSeverity(r: Reader, e: Entry): Severity | undefined {
  const s = readString(r, e);
  if (s !== undefined && (SEVERITIES as readonly string[]).includes(s)) return s as Severity;
  if (s !== undefined) report(r, e.path, e.value, `must be one of ${SEVERITIES.join(', ')}${didYouMean(s, SEVERITIES)}`);
  return undefined;
}

function tagProblem(tag: string): string | undefined {
  if (!TAG.test(tag)) return `"${tag}" is not a tag: lowercase letters, digits, . _ : -`;
  if (/^attack\.t\d/.test(tag) && !TECHNIQUE_TAG.test(tag)) return `"${tag}" is not an ATT&CK technique tag: attack.tNNNN or attack.tNNNN.NNN`;
  return undefined;
}

function readDatasets(r: Reader, e: Entry): string[] | undefined {
  const list = entries(r, e.value, e.path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, BLOCK_KEYS.scope);
  const ds = required(r, b, 'datasets', e.path, e.value);
  const known = knownDatasets();
  return ds && readStringList(r, ds, { nonEmpty: true, valid: (d) => (known.includes(d) ? undefined : `unknown dataset "${d}"${didYouMean(d, known)}`) });
}

function readAggregations(r: Reader, byKey: ReadonlyMap<string, Entry>, names: readonly string[]): { agg?: Aggregation; ok: boolean } {
  const given = AGGREGATION_KEYS.flatMap((k) => byKey.get(k) ?? []);
  for (const extra of given.slice(1)) report(r, extra.path, extra.keyNode, `a rule has at most one aggregation; "${given[0]?.key ?? ''}" is already given`);
  const first = given[0];
  if (first === undefined) return { ok: true };
  const agg = readAggregation(r, first, names);
  return agg === undefined ? { ok: false } : { agg, ok: given.length === 1 };
}

/** The rule's own text fields and metadata. `undefined` members were reported. */
function readMeta(r: Reader, b: ReadonlyMap<string, Entry>, doc: unknown) {
  const opt = <T>(key: string, read: (e: Entry) => T | undefined): { v: T | undefined; ok: boolean } => {
    const e = b.get(key);
    if (e === undefined) return { v: undefined, ok: true };
    const v = read(e);
    return { v, ok: v !== undefined };
  };
  const req = <T>(key: string, read: (e: Entry) => T | undefined): T | undefined => {
    const e = required(r, b, key, '', doc);
    return e && read(e);
  };
  return {
    name: req('name', (e) => readString(r, e, { nonEmpty: true })),
    description: req('description', (e) => readString(r, e, { nonEmpty: true })),
    version: req('version', (e) => readInt(r, e, 1, 1_000_000)),
    severity: req('severity', (e) => readSeverity(r, e)),
    datasets: req('scope', (e) => readDatasets(r, e)),
    riskScore: opt('risk_score', (e) => readInt(r, e, 0, 100)),
    enabled: opt('enabled', (e) => readBool(r, e)),
    tags: opt('tags', (e) => readStringList(r, e, { valid: tagProblem })),
    author: opt('author', (e) => readString(r, e, { nonEmpty: true })),
    references: opt('references', (e) => readStringList(r, e)),
    falsePositives: opt('false_positives', (e) => readStringList(r, e)),
    runbook: opt('runbook', (e) => readString(r, e, { nonEmpty: true })),
    equivalents: opt('equivalents', (e) => readEquivalents(r, e)),
    noise: opt('noise', (e) => readNoise(r, e)),
    output: opt('output', (e) => readOutput(r, e)),
    suppression: opt('suppression', (e) => readSuppression(r, e)),
  };
}

function readId(r: Reader, b: ReadonlyMap<string, Entry>, doc: unknown): string | undefined {
  const e = required(r, b, 'id', '', doc);
  const id = e && readString(r, e, { nonEmpty: true });
  if (e && id !== undefined && !RULE_ID.test(id)) {
    report(r, e.path, e.value, 'must match ^[a-z0-9][a-z0-9._-]{2,127}$ (lowercase letters, digits, . _ -)');
    return undefined;
  }
  return id;
}

/** Issues in file order; those without a position (whole-rule checks) last. */
export function byPosition(a: RuleIssue, b: RuleIssue): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0);
}

export function parseRuleFile(text: string, file: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r: Reader = { file, ruleId: undefined, issues: [], lines, doc, locations: new Map() };
  for (const err of doc.errors) {
    const pos = lines.linePos(err.pos[0]);
    r.issues.push({ file, path: '', line: pos.line, col: pos.col, message: `YAML: ${err.message.split('\n')[0] ?? err.message}` });
  }
  if (r.issues.length > 0) return { issues: r.issues };
  const aliases = checkAliases(doc);
  if (!aliases.ok) {
    const pos = aliases.offset === undefined ? undefined : lines.linePos(aliases.offset);
    return { issues: [{ file, path: '', ...(pos === undefined ? {} : { line: pos.line, col: pos.col }), message: aliases.message }] };
  }
  r.aliases = aliases.targets;
  if (!isMap(doc.contents)) {
    report(r, '', doc.contents, 'a rule file is one YAML map (id, name, detection, …)');
    return { issues: r.issues };
  }
  const top = entries(r, doc.contents, '') ?? [];
  // Name the rule in every issue, even those reported before the id is validated.
  const idNode = top.find((e) => e.key === 'id');
  const idScalar = idNode && scalarOf(r, idNode.value);
  if (idScalar?.ok === true && typeof idScalar.value === 'string' && RULE_ID.test(idScalar.value)) r.ruleId = idScalar.value;
  const b = checkKeys(r, top, TOP_LEVEL_KEYS);
  r.ruleId = readId(r, b, doc.contents);
  const meta = readMeta(r, b, doc.contents);
  const isSequence = b.has('sequence');
  const detE = required(r, b, 'detection', '', doc.contents);
  const det = detE ? readDetection(r, detE, !isSequence) : { selections: [] };
  const aggs = readAggregations(r, b, det.selections.map((s) => s.name));
  const groupBy = aggs.agg === undefined ? [] : aggs.agg.type === 'sequence' ? aggs.agg.by : aggs.agg.groupBy;
  const outputFields = meta.output.v ?? [];
  // A travel detection adds the hop's distance and speed (state/travel.ts TRAVEL_FIELDS).
  const extra = aggs.agg?.type === 'travel' ? ['travel.distance_km', 'travel.speed_kmh'] : [];
  const alertFields = aggs.ok && meta.output.ok ? [...new Set([...groupBy, ...outputFields, ...extra])] : undefined;
  const testsE = b.get('tests');
  const baseE = b.get('base_event');
  const base = baseE && (readBaseEvent(r, baseE) ?? BROKEN);
  const tests = testsE === undefined ? [] : readTests(r, testsE, alertFields, base);
  record(r, '', doc.contents);

  const id = r.ruleId;
  const { name, description, version, severity, datasets } = meta;
  const optionalOk = [meta.riskScore, meta.enabled, meta.tags, meta.author, meta.references, meta.falsePositives, meta.runbook, meta.equivalents, meta.noise, meta.output, meta.suppression].every((o) => o.ok);
  r.issues.sort(byPosition);
  if (r.issues.length > 0 || !optionalOk || !aggs.ok || tests === undefined || det.detection === undefined) {
    if (id === undefined || datasets === undefined) return { issues: r.issues };
    const draft: RuleSpec = {
      // Only what the compiler reads matters; the rest are placeholders.
      id, name: '', description: '', version: 1, severity: 'low', riskScore: 0, tags: [], datasets, enabled: true, tests: [], file, locations: r.locations,
      detection: { selections: det.selections, condition: { kind: 'or', args: [] }, conditionText: '' },
      ...(aggs.ok && aggs.agg !== undefined ? { aggregation: aggs.agg } : {}),
      ...(meta.suppression.v === undefined ? {} : { suppression: meta.suppression.v }),
      outputFields,
    };
    return { issues: r.issues, draft };
  }
  if (id === undefined || name === undefined || description === undefined || version === undefined || severity === undefined || datasets === undefined) {
    return { issues: r.issues };
  }
  const rule: RuleSpec = {
    id,
    name,
    description,
    version,
    severity,
    riskScore: meta.riskScore.v ?? DEFAULT_RISK[severity],
    tags: meta.tags.v ?? [],
    datasets,
    detection: det.detection,
    ...(aggs.agg === undefined ? {} : { aggregation: aggs.agg }),
    ...(meta.suppression.v === undefined ? {} : { suppression: meta.suppression.v }),
    outputFields,
    ...(meta.runbook.v === undefined ? {} : { runbook: meta.runbook.v }),
    enabled: meta.enabled.v ?? true,
    tests,
    file,
    ...(meta.author.v === undefined ? {} : { author: meta.author.v }),
    ...(meta.references.v === undefined ? {} : { references: meta.references.v }),
    ...(meta.falsePositives.v === undefined ? {} : { falsePositives: meta.falsePositives.v }),
    ...(meta.equivalents.v === undefined ? {} : { equivalents: meta.equivalents.v }),
    ...(meta.noise.v === undefined ? {} : { noise: meta.noise.v }),
    locations: r.locations,
  };
  return { rule, issues: r.issues };
}
