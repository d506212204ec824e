/**
 * The `detection` block: named selections (`field|mod|mod: value(s)`) and the
 * condition. Field names are only checked for shape here; whether they exist
 * in the datasets' ECS catalogs is the compiler's job (compile/check.ts).
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { checkConditionNames, parseCondition } from './condition.js';
import { CONDITION_KEY, CONDITION_WORDS, ELEMENT_MODIFIER, FLAG_MODIFIERS, MODIFIERS, SELECTION_NAME } from './keys.js';
import { entries, item, posOf, record, report, resolve, scalarOf, type Entry, type Reader, type Scalar } from './read.js';
import { lookupText, readLookupValues } from './lookup-ref.js';
import { didYouMean } from './suggest.js';
import { knownDatasets } from '../../ecs/index.js';
import { FIELD_OPERATORS, OPERATORS, TRANSFORMS, type Condition, type Detection, type FieldComparison, type FieldCompare, type FieldOperator, type FieldTest, type Operator, type Selection, type Transform } from './types.js';

interface FieldKey {
  readonly field: string;
  readonly op: Operator;
  readonly all: boolean;
  readonly cased: boolean;
  readonly caseInsensitive: boolean;
  readonly transform?: Transform;
  /** `a|neq_field: b`: the comparison; the value names the other field. */
  readonly cmp?: FieldComparison;
  /** `a|any: {…}`: the value is a map of tests on one element. */
  readonly element?: true;
}

const isFieldOperator = (m: string): m is FieldOperator => Object.hasOwn(FIELD_OPERATORS, m);

/** What `domain`, a field operator and `any` allow beside them, or their problems. */
function constructProblems(op: Operator, flags: ReadonlySet<string>, transform: Transform | undefined, cmp: FieldComparison | undefined, element: boolean): string[] {
  const errors: string[] = [];
  if (element && (op !== 'equals' || flags.size > 0 || transform !== undefined || cmp !== undefined)) errors.push(`"${ELEMENT_MODIFIER}" takes no other modifier: the tests go in its map`);
  if (cmp !== undefined && op !== 'equals') errors.push(`two operators: "${op}" and a field comparison`);
  if (cmp !== undefined && (flags.has('all') || flags.has('i'))) errors.push('a field comparison takes only "cased" and "domain"');
  if (transform !== undefined && ['exists', 'cidr', 'gt', 'gte', 'lt', 'lte'].includes(op)) errors.push(`modifier "${transform}" has no meaning for "${op}"`);
  return errors;
}

/** `user.name|endswith|all` → its parts, or every problem with it. */
export function parseFieldKey(key: string): FieldKey | { readonly errors: string[] } {
  const [field = '', ...mods] = key.split('|');
  const errors: string[] = [];
  if (field === '' || field.split('.').some((s) => s === '')) errors.push(`"${field}" is not a field name (empty part)`);
  let op: Operator = 'equals';
  let transform: Transform | undefined;
  let cmp: FieldComparison | undefined;
  let element = false;
  const flags = new Set<string>();
  for (const m of mods) {
    if ((OPERATORS as readonly string[]).includes(m) && m !== 'equals') {
      if (op !== 'equals') errors.push(`two operators: "${op}" and "${m}"`);
      op = m as Operator;
    } else if ((FLAG_MODIFIERS as readonly string[]).includes(m)) {
      if (flags.has(m)) errors.push(`modifier "${m}" given twice`);
      flags.add(m);
    } else if ((TRANSFORMS as readonly string[]).includes(m) && transform === undefined) {
      transform = m as Transform;
    } else if (isFieldOperator(m) && cmp === undefined) {
      cmp = FIELD_OPERATORS[m];
    } else if (m === ELEMENT_MODIFIER && !element) {
      element = true;
    } else {
      errors.push(`unknown modifier "${m}"${didYouMean(m, MODIFIERS)}`);
    }
  }
  errors.push(...constructProblems(op, flags, transform, cmp, element));
  if (flags.has('i') && op !== 're') errors.push('modifier "i" only applies to "re" (other operators ignore case unless "cased")');
  if (flags.has('cased') && op === 're') errors.push('"re" is case-sensitive already; use "re|i" to ignore case');
  if (flags.has('cased') && ['exists', 'cidr', 'gt', 'gte', 'lt', 'lte'].includes(op)) errors.push(`modifier "cased" has no meaning for "${op}"`);
  if (flags.has('all') && op === 'exists') errors.push('modifier "all" has no meaning for "exists"');
  if (errors.length > 0) return { errors };
  return {
    field,
    op,
    all: flags.has('all'),
    cased: flags.has('cased'),
    caseInsensitive: flags.has('i'),
    ...(transform === undefined ? {} : { transform }),
    ...(cmp === undefined ? {} : { cmp }),
    ...(element ? { element: true as const } : {}),
  };
}

/** The other side of `a|neq_field: other.field|domain`. */
function readCompare(r: Reader, e: Entry, cmp: FieldComparison): FieldCompare | undefined {
  const s = scalarOf(r, e.value);
  const text = s.ok && typeof s.value === 'string' ? s.value : undefined;
  const [field = '', ...mods] = (text ?? '').split('|');
  const bad = text === undefined || field === '' || field.split('.').some((p) => p === '') || mods.length > 1 || (mods[0] !== undefined && !(TRANSFORMS as readonly string[]).includes(mods[0]));
  if (bad) {
    report(r, e.path, e.value, `a field comparison takes one field name, optionally with "|domain" (e.g. user.email|domain)`);
    return undefined;
  }
  record(r, e.path, e.value);
  return { cmp, field, ...(mods[0] === undefined ? {} : { transform: mods[0] as Transform }) };
}

/** Which literal values an operator takes; a message when `v` is not one of them. */
function valueProblem(op: Operator, v: Scalar): string | undefined {
  if (op === 'equals') return undefined;
  if (v === null) return `null only works with equals (no operator): "${op}" needs a value`;
  if (op === 'exists') return typeof v === 'boolean' ? undefined : 'exists takes true or false';
  if ((op === 're' || op === 'cidr') && typeof v !== 'string') return `${op} takes strings`;
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && typeof v === 'boolean') return `${op} takes a number or an ISO-8601 date`;
  if (typeof v === 'string' && v === '' && (op === 're' || op === 'cidr')) return `${op} takes a non-empty string`;
  return undefined;
}

function readValues(r: Reader, e: Entry, op: Operator): Scalar[] | undefined {
  const node = resolve(r, e.value);
  const nodes = isSeq(node) ? node.items.map((n, i) => ({ n: resolve(r, n), path: item(e.path, i) })) : [{ n: node, path: e.path }];
  if (isSeq(node) && nodes.length === 0) {
    report(r, e.path, node, 'an empty list matches nothing: give at least one value');
    return undefined;
  }
  if (isSeq(node) && op === 'exists') {
    report(r, e.path, node, 'exists takes a single true or false, not a list');
    return undefined;
  }
  const values: Scalar[] = [];
  for (const { n, path } of nodes) {
    record(r, path, n);
    const s = scalarOf(r, n);
    const problem = s.ok ? valueProblem(op, s.value) : 'must be a string, number, boolean or null (or a list of them)';
    if (problem !== undefined || !s.ok) report(r, path, n, problem ?? 'bad value');
    else values.push(s.value);
  }
  return values.length === nodes.length ? values : undefined;
}

function readTests(r: Reader, node: unknown, path: string, inElement = false): FieldTest[] | undefined {
  const list = entries(r, node, path, 'a map of field tests');
  if (list === undefined) return undefined;
  if (list.length === 0) {
    report(r, path, node, 'an empty selection: give at least one field test');
    return undefined;
  }
  const tests: FieldTest[] = [];
  let ok = true;
  for (const e of list) {
    const key = parseFieldKey(e.key);
    if ('errors' in key) {
      for (const m of key.errors) report(r, e.path, e.keyNode, m);
      ok = false;
      continue;
    }
    const base = { field: key.field, op: key.op, all: key.all, cased: key.cased, caseInsensitive: key.caseInsensitive, path: e.path, ...(key.transform === undefined ? {} : { transform: key.transform }) };
    if (key.element === true) {
      if (inElement) report(r, e.path, e.keyNode, `"${ELEMENT_MODIFIER}" inside "${ELEMENT_MODIFIER}" is not supported`);
      const element = inElement ? undefined : readTests(r, e.value, e.path, true);
      if (element === undefined) ok = false;
      else tests.push({ ...base, values: [], element });
      continue;
    }
    if (key.cmp !== undefined) {
      const compare = readCompare(r, e, key.cmp);
      if (compare === undefined) ok = false;
      else tests.push({ ...base, values: [], compare });
      continue;
    }
    if (key.op === 'in_lookup' || key.op === 'lookup') {
      const lookups = readLookupValues(r, e, key.op);
      if (lookups === undefined) ok = false;
      else tests.push({ ...base, values: lookups.map(lookupText), lookups });
      continue;
    }
    const values = readValues(r, e, key.op);
    if (values === undefined) ok = false;
    else tests.push({ ...base, values });
  }
  return ok ? tests : undefined;
}

/** A map of field tests, or a non-empty list of them (any of them). */
function readAnyOf(r: Reader, node: unknown, path: string): FieldTest[][] | undefined {
  const n = resolve(r, node);
  if (isMap(n)) {
    const tests = readTests(r, n, path);
    return tests === undefined ? undefined : [tests];
  }
  if (isSeq(n) && n.items.length > 0) {
    const anyOf = n.items.map((m, i) => readTests(r, resolve(r, m), item(path, i)));
    return anyOf.every((t) => t !== undefined) ? (anyOf as FieldTest[][]) : undefined;
  }
  report(r, path, n, 'a selection is a map of field tests, or a non-empty list of such maps (any of them)');
  return undefined;
}

/**
 * A selection keyed by dataset: some key is a dataset name holding a map or
 * list (a field test's value is a scalar or a list of scalars, so this never
 * reads a field test as a dataset).
 */
function isPerDataset(r: Reader, node: YAMLMap): boolean {
  const known = knownDatasets();
  return node.items.some((pair) => {
    const k = resolve(r, pair.key);
    const v = resolve(r, pair.value);
    return isScalar(k) && typeof k.value === 'string' && known.includes(k.value) && (isMap(v) || isSeq(v));
  });
}

function readPerDataset(r: Reader, e: Entry): Selection | undefined {
  const known = knownDatasets();
  const byDataset = new Map<string, FieldTest[][]>();
  let ok = true;
  for (const x of entries(r, e.value, e.path) ?? []) {
    if (!known.includes(x.key)) {
      report(r, x.path, x.keyNode, `a per-dataset selection is keyed by datasets only; "${x.key}" is not one${didYouMean(x.key, known)}`);
      ok = false;
      continue;
    }
    const anyOf = readAnyOf(r, x.value, x.path);
    if (anyOf === undefined) ok = false;
    else byDataset.set(x.key, anyOf);
  }
  return ok ? { name: e.key, anyOf: [], byDataset } : undefined;
}

function readSelection(r: Reader, e: Entry): Selection | undefined {
  if (!SELECTION_NAME.test(e.key) || (CONDITION_WORDS as readonly string[]).includes(e.key.toLowerCase())) {
    report(r, e.path, e.keyNode, `"${e.key}" is not a valid selection name: letters, digits, _ and -, starting with a letter or _, and not a condition word`);
    return undefined;
  }
  if (isMap(e.value) && isPerDataset(r, e.value)) return readPerDataset(r, e);
  if (isMap(e.value)) {
    const tests = readTests(r, e.value, e.path);
    return tests === undefined ? undefined : { name: e.key, anyOf: [tests] };
  }
  if (isSeq(e.value) && e.value.items.length > 0) {
    const anyOf = e.value.items.map((m, i) => readTests(r, resolve(r, m), item(e.path, i)));
    return anyOf.every((t) => t !== undefined) ? { name: e.key, anyOf: anyOf as FieldTest[][] } : undefined;
  }
  report(r, e.path, e.value, 'a selection is a map of field tests, or a non-empty list of such maps (any of them)');
  return undefined;
}

/** Parses a condition string and reports errors at the character they happened at. */
export function readCondition(r: Reader, e: Entry, names: readonly string[]): { condition: Condition; text: string } | undefined {
  const s = scalarOf(r, e.value);
  if (!s.ok || typeof s.value !== 'string') {
    report(r, e.path, e.value, 'must be a condition string, e.g. "selection and not filter"');
    return undefined;
  }
  const parsed = parseCondition(s.value);
  if (!parsed.ok) {
    const pos = posOf(r, e.value);
    const single = pos !== undefined && !s.value.includes('\n');
    const quoted = (e.value as { type?: string }).type?.startsWith('QUOTE') === true ? 1 : 0;
    const at = single ? { line: pos.line, col: pos.col + quoted + parsed.offset } : pos;
    r.issues.push({ file: r.file, ...(r.ruleId === undefined ? {} : { ruleId: r.ruleId }), path: e.path, ...(at ?? {}), message: `${parsed.message} (at character ${parsed.offset + 1})` });
    return undefined;
  }
  const problems = checkConditionNames(parsed.condition, names);
  for (const p of problems) report(r, e.path, e.value, p);
  return problems.length === 0 ? { condition: parsed.condition, text: s.value } : undefined;
}

/** The `detection` block. `needCondition` is false for sequence rules (their steps carry conditions). */
export function readDetection(r: Reader, e: Entry, needCondition: boolean): { detection?: Detection; selections: readonly Selection[] } {
  const list = entries(r, e.value, e.path);
  if (list === undefined) return { selections: [] };
  const selections: Selection[] = [];
  let ok = true;
  for (const s of list.filter((x) => x.key !== CONDITION_KEY)) {
    const sel = readSelection(r, s);
    if (sel === undefined) ok = false;
    else selections.push(sel);
  }
  const names = list.filter((x) => x.key !== CONDITION_KEY).map((x) => x.key);
  if (names.length === 0) report(r, e.path, e.value, 'needs at least one selection');
  const condEntry = list.find((x) => x.key === CONDITION_KEY);
  if (condEntry === undefined) {
    if (needCondition) report(r, `${e.path}.${CONDITION_KEY}`, e.value, 'is required');
    const never: Condition = { kind: 'or', args: [] };
    return ok && !needCondition && names.length > 0 ? { detection: { selections, condition: never, conditionText: '' }, selections } : { selections };
  }
  const cond = readCondition(r, condEntry, names);
  if (!ok || cond === undefined || names.length === 0) return { selections };
  return { detection: { selections, condition: cond.condition, conditionText: cond.text }, selections };
}
