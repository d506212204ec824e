/**
 * Every field a rule names, checked against the ECS catalog of every dataset
 * in its scope: a field the dataset cannot carry makes the rule silently
 * dead, so it is an error, with the closest known name as a hint. A field is
 * known when it is in the catalog or lies below a `flattened` (or `object`)
 * field. Operators are then checked against the field's type (docs/rules.md,
 * "Operators and field types").
 */
import { fieldsOf, type FieldDef } from '../../ecs/index.js';
import { closest, type FieldTest, type RuleSpec } from '../spec/index.js';
import { FORBIDDEN_SEGMENTS } from './getter.js';
import type { Problem } from './lower.js';
import { epochOf, numericString } from './values.js';

/** Types whose sub-paths are open: the vendor's own keys live below them. */
const OPEN_TYPES: ReadonlySet<string> = new Set(['flattened', 'object']);
const STRING_TYPES: ReadonlySet<string> = new Set(['keyword', 'text', 'ip', 'date', 'flattened', 'object']);

const indexes = new Map<string, ReadonlyMap<string, FieldDef>>();

function indexOf(dataset: string): ReadonlyMap<string, FieldDef> {
  let idx = indexes.get(dataset);
  if (idx === undefined) {
    idx = new Map((fieldsOf(dataset) ?? []).map((f) => [f.name, f]));
    indexes.set(dataset, idx);
  }
  return idx;
}

/** The field's type in a dataset, `flattened` below an open field, undefined when unknown. */
export function fieldType(field: string, dataset: string): string | undefined {
  const idx = indexOf(dataset);
  const exact = idx.get(field);
  if (exact !== undefined) return exact.type;
  for (let i = field.lastIndexOf('.'); i > 0; i = field.lastIndexOf('.', i - 1)) {
    const parent = idx.get(field.slice(0, i));
    if (parent !== undefined) return OPEN_TYPES.has(parent.type) ? 'flattened' : undefined;
  }
  return undefined;
}

export interface FieldRef {
  readonly field: string;
  readonly path: string;
  readonly test?: FieldTest;
  /** The other side of a field comparison (`a|neq_field: <this field>`). */
  readonly compared?: FieldTest;
  /** Only these datasets' catalogs (a per-dataset selection's branch); all of the scope by default. */
  readonly datasets?: readonly string[];
}

/** One field test's references: its field, and the field it is compared with; inside `|any`, only event fields. */
function testRefs(out: FieldRef[], t: FieldTest, path: string, datasets: readonly string[] | undefined, inElement = false): void {
  const ds = datasets === undefined ? {} : { datasets };
  if (!inElement) out.push({ field: t.field, path, test: t, ...ds });
  if (t.compare !== undefined) out.push({ field: t.compare.field, path, compared: t, ...ds });
  for (const x of t.element ?? []) testRefs(out, x, x.path ?? `${path}.${x.field}`, datasets, true);
}

export function refs(spec: RuleSpec): FieldRef[] {
  const out: FieldRef[] = [];
  for (const s of spec.detection.selections) {
    s.anyOf.forEach((tests, i) => {
      for (const t of tests) testRefs(out, t, t.path ?? `detection.${s.name}${s.anyOf.length > 1 ? `[${i}]` : ''}.${t.field}`, undefined);
    });
    for (const [dataset, anyOf] of s.byDataset ?? []) {
      anyOf.forEach((tests, i) => {
        for (const t of tests) testRefs(out, t, t.path ?? `detection.${s.name}.${dataset}${anyOf.length > 1 ? `[${i}]` : ''}.${t.field}`, [dataset]);
      });
    }
  }
  const list = (base: string, fields: readonly string[]): void => fields.forEach((field, i) => out.push({ field, path: `${base}[${i}]` }));
  const a = spec.aggregation;
  if (a?.type === 'threshold') list('threshold.group_by', a.groupBy);
  if (a?.type === 'cardinality') {
    out.push({ field: a.field, path: 'cardinality.field' });
    list('cardinality.group_by', a.groupBy);
  }
  if (a?.type === 'sequence') list('sequence.by', a.by);
  if (a?.type === 'new_terms') {
    list('new_terms.fields', a.fields);
    list('new_terms.group_by', a.groupBy);
  }
  if (a?.type === 'travel') {
    out.push({ field: a.location, path: 'travel.location' });
    list('travel.group_by', a.groupBy);
  }
  if (spec.suppression) list('suppression.group_by', spec.suppression.groupBy);
  list('output.fields', spec.outputFields);
  return out;
}

const isWildcard = (v: unknown): boolean => typeof v === 'string' && /[*?]/.test(v);

/** Why `t` cannot work on a field of `type`, or undefined when it can. */
export function typeProblem(t: FieldTest, type: string): string | undefined {
  const on = `${t.field} is ${type}`;
  if (t.element !== undefined) return OPEN_TYPES.has(type) || type === 'nested' ? undefined : `any needs a list of objects (a flattened, object or nested field); ${on}`;
  if (t.compare !== undefined) return comparedProblem(t, type, on);
  if (t.transform !== undefined && !STRING_TYPES.has(type)) return `${t.transform} needs a string field (keyword, text); ${on}`;
  const nonNull = t.values.filter((v) => v !== null);
  if (t.op === 'exists' || (t.op === 'equals' && nonNull.length === 0)) return undefined;
  if (type === 'geo_point') return `a geo_point field only supports exists (or null); ${on}`;
  switch (t.op) {
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (type === 'long' || type === 'float') {
        return t.values.every((v) => typeof v === 'number' || (typeof v === 'string' && numericString(v) !== undefined)) ? undefined : `${t.op} on a numeric field needs numbers; ${on}`;
      }
      if (type === 'date') return t.values.every((v) => typeof v === 'string' && epochOf(v) !== undefined) ? undefined : `${t.op} on a date field needs ISO-8601 dates (2024-01-31T00:00:00Z); ${on}`;
      return OPEN_TYPES.has(type) ? undefined : `${t.op} needs a numeric (long, float) or date field; ${on}`;
    case 'cidr':
      return type === 'ip' || type === 'keyword' || OPEN_TYPES.has(type) ? undefined : `cidr needs an ip or keyword field; ${on}`;
    case 'contains':
    case 'startswith':
    case 'endswith':
    case 're':
      return STRING_TYPES.has(type) ? undefined : `${t.op} needs a string field (keyword, text, ip, date); ${on}`;
    case 'equals':
      if (type === 'boolean' && !nonNull.every((v) => typeof v === 'boolean' || v === 'true' || v === 'false' || isWildcard(v))) {
        return `a boolean field compares with true or false; ${on}`;
      }
      if ((type === 'long' || type === 'float') && !nonNull.every((v) => typeof v === 'number' || (typeof v === 'string' && (numericString(v) !== undefined || isWildcard(v))))) {
        return `a numeric field never equals a non-numeric string; ${on}`;
      }
      return undefined;
  }
}

/** Why a field comparison cannot read `type` (either side; `on` names the field). */
function comparedProblem(t: FieldTest, type: string, on: string, side: 'left' | 'right' = 'left'): string | undefined {
  const transform = side === 'left' ? t.transform : t.compare?.transform;
  const textual = transform !== undefined || (t.compare !== undefined && t.compare.cmp !== 'eq' && t.compare.cmp !== 'neq');
  if (textual && !STRING_TYPES.has(type)) return `${transform ?? t.compare?.cmp ?? ''} needs a string field (keyword, text); ${on}`;
  return type === 'geo_point' ? `a geo_point field cannot be compared as text; ${on}` : undefined;
}

/** Every unknown field and operator/type mismatch, one problem per path and message. */
export function checkFields(spec: RuleSpec): Problem[] {
  const found = new Map<string, { path: string; message: (datasets: string) => string; datasets: string[] }>();
  const add = (path: string, key: string, message: (ds: string) => string, dataset: string): void => {
    const k = `${path}\n${key}`;
    const entry = found.get(k) ?? { path, message, datasets: [] };
    entry.datasets.push(dataset);
    found.set(k, entry);
  };
  for (const ref of refs(spec)) {
    const bad = ref.field.split('.').find((p) => p === '' || FORBIDDEN_SEGMENTS.has(p));
    if (bad !== undefined) {
      found.set(`${ref.path}\nforbidden`, { path: ref.path, message: () => `"${bad}" may not be part of a field path`, datasets: [] });
      continue;
    }
    for (const ds of ref.datasets ?? spec.datasets) {
      const type = fieldType(ref.field, ds);
      if (type === undefined) {
        const hint = closest(ref.field, indexOf(ds).keys());
        add(ref.path, `unknown ${ref.field}`, (all) => `unknown field "${ref.field}" in the ECS catalog of ${all}${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`, ds);
        continue;
      }
      const problem = ref.compared ? comparedProblem(ref.compared, type, `${ref.field} is ${type}`, 'right') : ref.test && typeProblem(ref.test, type);
      if (problem !== undefined) add(ref.path, problem, (all) => `${problem} (${all})`, ds);
    }
  }
  return [...found.values()].map((f) => ({ path: f.path, message: f.message(f.datasets.join(', ')) }));
}
