/**
 * Spec → plan, before any optimization: every field value becomes one leaf
 * test (literal lists become or/and of leaves; the optimizer merges them back
 * into set lookups). Values that cannot work (bad regex, bad CIDR, bad date)
 * are collected as problems with the document path of their field key.
 */
import { compileRegex, type RegexOptions } from '../regex/index.js';
import { expandOf, type Condition, type FieldTest, type Selection } from '../spec/index.js';
import { createCidrMatcher } from './cidr.js';
import { DATASET_FIELD, FALSE, testNode, type Node, type Test } from './ir.js';
import { lookupNode } from './lower-lookup.js';
import type { CompileOptions } from './types.js';
import { epochOf, numericString } from './values.js';
import { planGlob } from './wildcard.js';

export interface Problem {
  readonly path: string;
  readonly message: string;
}

type Literal = string | number | boolean | null;

const not = (arg: Node): Node => ({ kind: 'not', arg });
const exists = (field: string): Node => testNode({ op: 'exists', field });

function regexOptions(caseInsensitive: boolean, options: CompileOptions): RegexOptions {
  return options.regexMaxInputBytes === undefined ? { caseInsensitive } : { caseInsensitive, maxInputBytes: options.regexMaxInputBytes };
}

/** Equality with one literal that has no wildcards. */
function eqLiteral(field: string, v: string | number | boolean, cased: boolean): Test {
  if (typeof v === 'number') return { op: 'eq', field, strings: [], numbers: [v], bools: [], cased };
  if (typeof v === 'boolean') return { op: 'eq', field, strings: [String(v)], numbers: [], bools: [v], cased };
  const n = numericString(v);
  if (n !== undefined) return { op: 'eq', field, strings: [], numbers: [n], bools: [], cased };
  const bools = v === 'true' ? [true] : v === 'false' ? [false] : [];
  return { op: 'eq', field, strings: [v], numbers: [], bools, cased };
}

/** A string value with Sigma wildcards under one of the string operators. */
function globTest(t: FieldTest, text: string, mode: 'equals' | 'contains' | 'startswith' | 'endswith', problems: Problem[], options: CompileOptions): Node {
  const folded = t.cased ? text : text.toLowerCase();
  const plan = planGlob(folded, mode);
  switch (plan.kind) {
    case 'equals':
      return testNode(eqLiteral(t.field, plan.text, t.cased));
    case 'contains':
    case 'startswith':
    case 'endswith':
      return testNode({ op: plan.kind, field: t.field, values: [plan.text], cased: t.cased });
    case 'regex': {
      const regex = compileRegex(plan.source, regexOptions(false, options));
      if ('error' in regex) {
        problems.push({ path: t.path ?? t.field, message: `wildcard pattern ${JSON.stringify(text)}: ${regex.error}` });
        return FALSE;
      }
      return testNode({ op: 're', field: t.field, source: plan.source, fold: !t.cased, caseInsensitive: false, regex });
    }
  }
}

function cmpTest(t: FieldTest, v: Literal, problems: Problem[]): Node {
  const op = t.op as 'gt' | 'gte' | 'lt' | 'lte';
  if (typeof v === 'number') return testNode({ op, field: t.field, value: v, date: false });
  const n = typeof v === 'string' ? numericString(v) : undefined;
  if (n !== undefined) return testNode({ op, field: t.field, value: n, date: false });
  const ms = typeof v === 'string' ? epochOf(v) : undefined;
  if (ms !== undefined) return testNode({ op, field: t.field, value: ms, date: true });
  problems.push({ path: t.path ?? t.field, message: `${op} needs a number or an ISO-8601 date (2024-01-31, 2024-01-31T12:00:00Z), not ${JSON.stringify(v)}` });
  return FALSE;
}

function valueNode(t: FieldTest, v: Literal, problems: Problem[], options: CompileOptions): Node {
  switch (t.op) {
    case 'equals':
      if (v === null) return not(exists(t.field));
      return typeof v === 'string' ? globTest(t, v, 'equals', problems, options) : testNode(eqLiteral(t.field, v, t.cased));
    case 'contains':
    case 'startswith':
    case 'endswith':
      return v === null ? FALSE : globTest(t, String(v), t.op, problems, options);
    case 're': {
      const regex = compileRegex(String(v), regexOptions(t.caseInsensitive === true, options));
      if (!('error' in regex)) return testNode({ op: 're', field: t.field, source: String(v), fold: false, caseInsensitive: t.caseInsensitive === true, regex });
      problems.push({ path: t.path ?? t.field, message: `re ${JSON.stringify(v)}: ${regex.error}` });
      return FALSE;
    }
    case 'cidr': {
      const matcher = createCidrMatcher([String(v)]);
      if (!('error' in matcher)) return testNode({ op: 'cidr', field: t.field, cidrs: [String(v)], matcher });
      problems.push({ path: t.path ?? t.field, message: matcher.error });
      return FALSE;
    }
    case 'exists':
      return v === false ? not(exists(t.field)) : exists(t.field);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return cmpTest(t, v, problems);
    case 'in_lookup':
    case 'lookup':
      return FALSE; // lowered from `t.lookups` (lower-lookup.ts)
  }
}

/** Puts the field key's transform (`|domain`) on every test lowered from it. */
function withTransform(n: Node, transform: FieldTest['transform']): Node {
  if (transform === undefined) return n;
  switch (n.kind) {
    case 'test': {
      const t = n.test;
      // The parser allows a transform only with equals, exists and the string operators.
      return t.op === 'eq' || t.op === 'contains' || t.op === 'startswith' || t.op === 'endswith' || t.op === 're' || t.op === 'exists' ? testNode({ ...t, transform }) : n;
    }
    case 'not':
      return { kind: 'not', arg: withTransform(n.arg, transform) };
    case 'and':
    case 'or':
      return { kind: n.kind, args: n.args.map((a) => withTransform(a, transform)) };
    default:
      return n;
  }
}

/** `field|any: {…}` and `a|neq_field: b`: neither has literal values. */
function lowerConstruct(t: FieldTest, problems: Problem[], options: CompileOptions): Node | undefined {
  if (t.element !== undefined) return { kind: 'elem', field: t.field, arg: { kind: 'and', args: t.element.map((x) => lowerFieldTest(x, problems, options)) } };
  const c = t.compare;
  if (c === undefined) return undefined;
  return testNode({
    op: 'fieldcmp',
    cmp: c.cmp,
    field: t.field,
    other: c.field,
    cased: t.cased,
    ...(t.transform === undefined ? {} : { transform: t.transform }),
    ...(c.transform === undefined ? {} : { otherTransform: c.transform }),
  });
}

export function lowerFieldTest(t: FieldTest, problems: Problem[], options: CompileOptions = {}): Node {
  const construct = lowerConstruct(t, problems, options);
  if (construct !== undefined) return construct;
  const args = t.lookups !== undefined ? t.lookups.map((l) => lookupNode(t, l, problems, options.lookups)) : t.values.map((v) => valueNode(t, v, problems, options));
  return withTransform({ kind: t.all ? 'and' : 'or', args }, t.transform);
}

const lowerAnyOf = (anyOf: readonly (readonly FieldTest[])[], problems: Problem[], options: CompileOptions): Node => ({
  kind: 'or',
  args: anyOf.map((tests) => ({ kind: 'and', args: tests.map((t) => lowerFieldTest(t, problems, options)) })),
});

/**
 * A per-dataset selection lowers to `or(event.dataset = d and branch_d)`: plain
 * tests, so both backends and the optimizer need nothing new, and the
 * compiler specializes the plan per dataset at load (compile/dataset.ts).
 */
export function lowerSelection(s: Selection, problems: Problem[], options: CompileOptions = {}): Node {
  if (s.byDataset === undefined) return lowerAnyOf(s.anyOf, problems, options);
  const branches: Node[] = [];
  for (const [dataset, anyOf] of s.byDataset) {
    const guard = testNode({ op: 'eq', field: DATASET_FIELD, strings: [dataset], numbers: [], bools: [], cased: true });
    branches.push({ kind: 'and', args: [guard, lowerAnyOf(anyOf, problems, options)] });
  }
  return { kind: 'or', args: branches };
}

/** A condition over selections → plan. Unknown names (the parser refuses them) fold to false. */
export function lowerCondition(c: Condition, selections: ReadonlyMap<string, Node>): Node {
  switch (c.kind) {
    case 'ref':
      return selections.get(c.name) ?? FALSE;
    case 'not':
      return not(lowerCondition(c.arg, selections));
    case 'and':
    case 'or':
      return { kind: c.kind, args: c.args.map((a) => lowerCondition(a, selections)) };
    case 'of': {
      const names = expandOf(c.pattern, [...selections.keys()]);
      const args = names.map((n) => selections.get(n) ?? FALSE);
      // Never vacuously true: a glob that matches nothing must not make a rule fire on everything.
      if (args.length === 0) return FALSE;
      return { kind: c.quantifier === 'all' ? 'and' : 'or', args };
    }
  }
}

/** Lowers every selection once; conditions then share the subtrees. */
export function lowerSelections(selections: readonly Selection[], problems: Problem[], options: CompileOptions = {}): Map<string, Node> {
  return new Map(selections.map((s) => [s.name, lowerSelection(s, problems, options)]));
}
