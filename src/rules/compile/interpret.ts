/**
 * The reference backend: walks the plan for every event. Deliberately plain
 * (a switch per node, a loop per literal list) so that it is easy to trust;
 * the generated code must agree with it on every event (differential test).
 */
import type { EcsEvent } from '../../ecs/index.js';
import { getter } from './getter.js';
import type { EqTest, FieldCmpTest, LookupTest, Node, Test } from './ir.js';
import type { Predicate } from './types.js';
import { domainOf, has, isRecord, num, numericString, str, time } from './values.js';

function eqScalar(t: EqTest, x: unknown): boolean {
  if (typeof x === 'string') {
    const s = t.cased ? x : x.toLowerCase();
    if (t.strings.includes(s)) return true;
    const n = numericString(x);
    return n !== undefined && t.numbers.includes(n);
  }
  if (typeof x === 'number') return t.numbers.includes(x);
  if (typeof x === 'boolean') return t.bools.includes(x);
  return false;
}

function textScalar(t: Test, x: unknown): boolean {
  const raw = str(x);
  if (raw === undefined) return false;
  switch (t.op) {
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const s = t.cased ? raw : raw.toLowerCase();
      return t.values.some((v) => (t.op === 'contains' ? s.includes(v) : t.op === 'startswith' ? s.startsWith(v) : s.endsWith(v)));
    }
    case 're':
      return t.regex.test(t.fold ? raw.toLowerCase() : raw);
    default:
      return false;
  }
}

/** The row the value selects, then its column, compared per event (codegen answers it per row at load). */
function lookupScalar(t: LookupTest, x: unknown): boolean {
  const row = t.table.row(x, t.cased);
  if (row === undefined) return false;
  if (t.column === undefined) return true;
  const cell = t.table.cell(row, t.column);
  if (cell === undefined || cell === '') return false;
  if (t.compare === undefined) return true;
  const c = t.cased ? cell : cell.toLowerCase();
  return t.compare.op === 'equals' ? t.compare.values.includes(c) : t.compare.values.some((v) => c.includes(v));
}

function scalar(t: Test, x: unknown): boolean {
  switch (t.op) {
    case 'eq':
      return eqScalar(t, x);
    case 'contains':
    case 'startswith':
    case 'endswith':
    case 're':
      return textScalar(t, x);
    case 'cidr':
      return typeof x === 'string' && t.matcher.test(x);
    case 'lookup':
      return lookupScalar(t, x);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = t.date ? time(x) : num(x);
      if (n === undefined) return false;
      return t.op === 'gt' ? n > t.value : t.op === 'gte' ? n >= t.value : t.op === 'lt' ? n < t.value : n <= t.value;
    }
    case 'exists':
      return x !== null && x !== undefined;
    case 'fieldcmp':
      return false;
  }
}

/** Every text of a value (each element's), transformed and folded as a field comparison reads it. */
function texts(v: unknown, transform: string | undefined, cased: boolean): string[] {
  const out: string[] = [];
  for (const x of Array.isArray(v) ? (v as unknown[]) : [v]) {
    const s = str(x);
    const d = s === undefined || transform !== 'domain' ? s : domainOf(s);
    if (d !== undefined) out.push(cased ? d : d.toLowerCase());
  }
  return out;
}

function fieldCmp(t: FieldCmpTest, a: unknown, b: unknown): boolean {
  const xs = texts(a, t.transform, t.cased);
  const ys = texts(b, t.otherTransform, t.cased);
  const pair = (x: string, y: string): boolean => {
    switch (t.cmp) {
      case 'eq':
      case 'neq':
        return x === y;
      case 'contains':
        return x.includes(y);
      case 'startswith':
        return x.startsWith(y);
      case 'endswith':
        return x.endsWith(y);
    }
  };
  if (t.cmp === 'neq') return ys.length > 0 && xs.some((x) => ys.every((y) => !pair(x, y)));
  return xs.some((x) => ys.some((y) => pair(x, y)));
}

/** The value a test sees: the field's, or under `|domain` each element's domain (no domain, no value). */
function derive(t: Test, value: unknown): unknown {
  if (t.op === 'fieldcmp' || !('transform' in t) || t.transform !== 'domain') return value;
  const ds = texts(value, 'domain', true);
  if (!Array.isArray(value)) return ds[0];
  return ds.length > 0 ? ds : undefined;
}

function evalTest(t: Test, value: unknown): boolean {
  if (t.op === 'exists') return has(value);
  if (Array.isArray(value)) return value.some((x) => scalar(t, x));
  return scalar(t, value);
}

/** A predicate that interprets `root`; field getters are built once, here. */
export function interpret(root: Node): Predicate {
  const getters = new Map<string, (e: EcsEvent) => unknown>();
  const read = (e: EcsEvent, field: string): unknown => {
    let g = getters.get(field);
    if (g === undefined) {
      g = getter(field);
      getters.set(field, g);
    }
    return g(e);
  };
  // `e` is what fields are read from (an element inside `|any`), `top` the event.
  const walk = (n: Node, e: EcsEvent, top: EcsEvent): boolean => {
    switch (n.kind) {
      case 'const':
        return n.value;
      case 'not':
        return !walk(n.arg, e, top);
      case 'and':
        return n.args.every((a) => walk(a, e, top));
      case 'or':
        return n.args.some((a) => walk(a, e, top));
      case 'test':
        if (n.test.op === 'fieldcmp') return fieldCmp(n.test, read(e, n.test.field), read(top, n.test.other));
        return evalTest(n.test, derive(n.test, read(e, n.test.field)));
      case 'elem': {
        const v = read(e, n.field);
        const list = Array.isArray(v) ? (v as unknown[]) : [v];
        return list.some((x) => isRecord(x) && walk(n.arg, x as unknown as EcsEvent, top));
      }
    }
  };
  return (e) => walk(root, e, e);
}
