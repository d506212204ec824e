/**
 * One Sigma rule file (text) → one Sift rule file (text), or the reason it
 * cannot be. Pure: no I/O, no clock; the same input gives the same output.
 *
 * Sigma YAML is read with YAML 1.1 rules, as SigmaHQ's own tooling (PyYAML)
 * reads it, so values such as `NO` or `on` mean what they mean upstream
 * (yaml11.ts).
 */
import { LineCounter } from 'yaml';
import { compileRule } from '../compile/index.js';
import { checkAliases, parseRuleFile, RULE_UUID, type RuleIssue } from '../spec/index.js';
import { convertDetection } from './detection.js';
import { emitRule } from './emit.js';
import { resolveField } from './fields/resolve.js';
import { bindLogsource, describeLogsource, type Binding, type Logsource } from './logsource.js';
import { authorOf, descriptionOf, enabledOf, falsePositivesOf, headerOf, levelOf, referencesOf, ruleId, runbookOf, tagsOf, type SigmaMeta } from './metadata.js';
import { UnsupportedKind, type ConvertResult, type SiftRuleDoc } from './types.js';
import { parseSigmaYaml } from './yaml11.js';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

type Parsed = { ok: true; rule: Record<string, unknown> } | { ok: false; kind: UnsupportedKind; reason: string };

/** The documents as plain values; aliases are capped first (spec/aliases.ts), and any refusal is this file's failure, located. */
function readDocuments(text: string): { ok: true; values: unknown[] } | { ok: false; kind: UnsupportedKind; reason: string } {
  const lines = new LineCounter();
  const docs = parseSigmaYaml(text, lines);
  const errors = docs.flatMap((d) => d.errors);
  if (errors[0] !== undefined) return { ok: false, kind: UnsupportedKind.notARule, reason: `YAML does not parse: ${errors[0].message.split('\n')[0] ?? ''}` };
  for (const d of docs) {
    const aliases = checkAliases(d);
    if (aliases.ok) continue;
    const pos = aliases.offset === undefined ? undefined : lines.linePos(aliases.offset);
    return { ok: false, kind: UnsupportedKind.notARule, reason: `${pos === undefined ? '' : `line ${pos.line}, column ${pos.col}: `}${aliases.message}` };
  }
  try {
    return { ok: true, values: docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown).filter((v) => v !== null && v !== undefined) };
  } catch (err) {
    return { ok: false, kind: UnsupportedKind.notARule, reason: `YAML cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function parse(text: string): Parsed {
  const read = readDocuments(text);
  if (!read.ok) return read;
  const { values } = read;
  if (values.length > 1) {
    return { ok: false, kind: UnsupportedKind.notARule, reason: `a Sigma rule collection (${values.length} YAML documents); merge it into single rules first` };
  }
  const [rule] = values;
  if (!isMap(rule)) return { ok: false, kind: UnsupportedKind.notARule, reason: 'not a Sigma rule (the document is not a map)' };
  if (rule['correlation'] !== undefined) {
    const type = isMap(rule['correlation']) ? optStr(rule['correlation']['type']) : undefined;
    return { ok: false, kind: UnsupportedKind.aggregation, reason: `a Sigma correlation rule (${type ?? 'unknown type'}) over other rules` };
  }
  if (rule['filter'] !== undefined && rule['detection'] === undefined) {
    return { ok: false, kind: UnsupportedKind.notARule, reason: 'a Sigma filter (a meta rule that amends other rules)' };
  }
  for (const key of ['title', 'logsource', 'detection'] as const) {
    if (rule[key] === undefined) return { ok: false, kind: UnsupportedKind.notARule, reason: `not a Sigma rule (no ${key})` };
  }
  return { ok: true, rule };
}

function logsourceOf(rule: Record<string, unknown>): Logsource {
  const ls = isMap(rule['logsource']) ? rule['logsource'] : {};
  return { product: optStr(ls['product']), service: optStr(ls['service']), category: optStr(ls['category']) };
}

/** Sigma's `fields:` (what to show with a match) → Sift output fields; those without an ECS home are listed. */
function outputFields(binding: Binding, raw: unknown): { fields: string[]; dropped: string[] } {
  const fields: string[] = [];
  const dropped: string[] = [];
  for (const f of Array.isArray(raw) ? raw : []) {
    if (typeof f !== 'string') continue;
    const r = resolveField(binding.source, binding.datasets, f);
    if (r.ok && r.value.existsOnly === undefined) {
      if (!fields.includes(r.value.field)) fields.push(r.value.field);
    } else dropped.push(f);
  }
  return { fields, dropped };
}

const nonEmpty = <K extends string>(key: K, list: readonly string[]): Partial<Record<K, readonly string[]>> =>
  list.length > 0 ? ({ [key]: list } as Partial<Record<K, readonly string[]>>) : {};

/** Sift's own parse + compile of the written text; the issues, or undefined when it loads. */
function lint(yaml: string, path: string): string | undefined {
  const describe = (issues: readonly RuleIssue[]): string => issues.map((i) => `${i.path}: ${i.message}`).join('; ') || 'rejected without a message';
  const parsed = parseRuleFile(yaml, path);
  if (parsed.rule === undefined) return describe(parsed.issues);
  const compiled = compileRule(parsed.rule);
  return compiled.rule === undefined || compiled.issues.length > 0 ? describe(compiled.issues) : undefined;
}

export function convertSigma(text: string, path: string): ConvertResult {
  const parsed = parse(text);
  if (!parsed.ok) return { ...parsed, product: 'unknown' };
  const rule = parsed.rule;
  const ls = logsourceOf(rule);
  const bound = bindLogsource(ls);
  if (!bound.ok) return { ...bound, product: ls.product ?? ls.category ?? describeLogsource(ls) };
  const binding = bound.value;
  const fail = (kind: UnsupportedKind, reason: string): ConvertResult => ({ ok: false, kind, reason, product: binding.source });

  const title = optStr(rule['title'])?.trim();
  if (title === undefined || title === '') return fail(UnsupportedKind.notARule, 'not a Sigma rule (title is not a string)');
  const detection = convertDetection(binding, rule['detection']);
  if (!detection.ok) return fail(detection.kind, detection.reason);

  const meta: SigmaMeta = { ...rule, title };
  const { severity, risk } = levelOf(meta);
  const output = outputFields(binding, rule['fields']);
  const enabled = enabledOf(meta);
  const runbook = runbookOf(meta);
  const given = optStr(rule['id'])?.toLowerCase();
  const sigmaUuid = given !== undefined && RULE_UUID.test(given) ? given : undefined;
  const doc: SiftRuleDoc = {
    id: ruleId(meta),
    name: title,
    description: descriptionOf(meta),
    version: 1,
    ...(enabled ? {} : { enabled: false }),
    severity,
    risk_score: risk,
    tags: tagsOf(meta),
    author: authorOf(meta),
    ...nonEmpty('references', referencesOf(meta)),
    ...nonEmpty('false_positives', falsePositivesOf(meta)),
    scope: { datasets: binding.datasets },
    detection: { ...detection.value.selections, condition: detection.value.condition },
    ...detection.value.aggregation,
    ...(output.fields.length > 0 ? { output: { fields: output.fields } } : {}),
    ...(runbook === undefined ? {} : { runbook }),
    // The Sigma rule it came from, for `sift rules coverage` and the catalog.
    ...(sigmaUuid === undefined ? {} : { equivalents: { sigma: [sigmaUuid] } }),
  };
  const yaml = emitRule(doc, headerOf(meta, path, output.dropped));
  // The written file must load in Sift exactly as any hand-written rule does.
  const problems = lint(yaml, path);
  if (problems !== undefined) return fail(UnsupportedKind.lint, `the converted rule does not pass Sift's lint: ${problems}`);
  return { ok: true, yaml, rule: { doc, product: binding.source, sigmaId: optStr(rule['id']), droppedOutputFields: output.dropped } };
}
