/**
 * The fast backend: the plan as JavaScript source, turned into a function
 * once per rule. The source is built ONLY from sanitized tokens, so that no
 * rule text can become code:
 *   - every literal goes through `lit` (JSON.stringify, plus U+2028/2029);
 *   - every identifier comes from a counter (g0, t1, k2, …) or a fixed helper name;
 *   - field paths are never code: values are read by getters passed in `c`;
 *   - sets, regexes and CIDR matchers are objects passed in `c`, never source;
 *   - comments are reduced to printable ASCII on one line (`commentText`).
 * The generated function never throws: every test checks types first.
 */
import { lookupConstant } from './codegen-lookup.js';
import { getter } from './getter.js';
import type { Transform } from '../spec/index.js';
import type { Node, Test } from './ir.js';
import type { Predicate } from './types.js';
import * as values from './values.js';

/** The runtime helpers generated code may call, under these fixed names. */
const HELPERS = {
  any: values.any,
  has: values.has,
  str: values.str,
  num: values.num,
  time: values.time,
  someIncludes: values.someIncludes,
  someStarts: values.someStarts,
  someEnds: values.someEnds,
  domains: values.domains,
  compareFields: values.compareFields,
  anyObject: values.anyObject,
} as const;
type Helper = keyof typeof HELPERS;

const CMP = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
const TEXT = {
  contains: ['includes', 'someIncludes'],
  startswith: ['startsWith', 'someStarts'],
  endswith: ['endsWith', 'someEnds'],
} as const;

/** A JS literal for a string, finite number or boolean; safe in any position of a script. */
export function lit(v: string | number | boolean): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return 'undefined';
  return JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Comment text: field names and ids keep their letters, digits and `. _ - @ : | * /`;
 * everything else (quotes, brackets, slashes, line terminators, U+2028/2029)
 * becomes `?`, so a comment can neither end early nor read like code.
 */
export function commentText(s: string, max = 80): string {
  const clean = s.replace(/[^A-Za-z0-9 ._\-@:|*/]/g, '?').replace(/\*\/|\/\*/g, '??');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

/** What a function emitted for an `|any` element shares with the outer one: constants, header, counters. */
interface Module {
  readonly consts: unknown[];
  readonly header: string[];
  readonly helpers: Map<Helper, string>;
  readonly getters: Map<string, string>;
  readonly count: { g: number; k: number; t: number; r: number; v: number };
}

/** Pair tests of a field comparison on two texts. */
const PAIR = { eq: 'x === y', neq: 'x === y', contains: 'x.includes(y)', startswith: 'x.startsWith(y)', endswith: 'x.endsWith(y)' } as const;

class Emitter {
  readonly consts: unknown[];
  readonly header: string[];
  private readonly helpers: Map<Helper, string>;
  private readonly getters: Map<string, string>;
  private readonly fields = new Map<string, { g: string; v: string }>();
  private readonly tests = new Map<string, { t: string; r: string | undefined }>();
  private readonly count: Module['count'];
  readonly locals: string[] = [];
  private readonly uses: ReadonlyMap<string, number>;
  /**
   * The variable fields are read from (`e`, or `x` in an element function)
   * and the event's (`e`): a field comparison inside `|any` reads its other
   * field from the event.
   */
  private readonly self: string;

  constructor(uses: ReadonlyMap<string, number>, module?: Module, self = 'e') {
    this.uses = uses;
    this.consts = module?.consts ?? [];
    this.header = module?.header ?? [];
    this.helpers = module?.helpers ?? new Map();
    this.getters = module?.getters ?? new Map();
    this.count = module?.count ?? { g: 0, k: 0, t: 0, r: 0, v: 0 };
    this.self = self;
  }

  private module(): Module {
    return { consts: this.consts, header: this.header, helpers: this.helpers, getters: this.getters, count: this.count };
  }

  private bind(id: string, value: unknown, comment: string): string {
    this.header.push(`const ${id} = c[${this.consts.length}];${comment === '' ? '' : ` // ${commentText(comment)}`}`);
    this.consts.push(value);
    return id;
  }

  helper(name: Helper): string {
    const known = this.helpers.get(name);
    if (known !== undefined) return known;
    this.helpers.set(name, name);
    return this.bind(name, HELPERS[name], '');
  }

  constant(value: unknown, comment: string): string {
    return this.bind(`k${this.count.k++}`, value, comment);
  }

  /** One getter per field path for the whole function. */
  private getterOf(field: string): string {
    let g = this.getters.get(field);
    if (g === undefined) this.getters.set(field, (g = this.bind(`g${this.count.g++}`, getter(field), field)));
    return g;
  }

  /**
   * `v0 ??= g0(e)`: each field (and each derived value, `|domain`) is read at
   * most once per event, and only if needed. `from` is the variable to read
   * from: this function's own (`e`, or the element `x`) by default.
   */
  fieldRead(field: string, transform?: Transform, from = this.self): string {
    const id = JSON.stringify([field, transform ?? null, from]);
    let f = this.fields.get(id);
    if (f === undefined) {
      f = { g: this.getterOf(field), v: `v${this.count.v++}` };
      this.fields.set(id, f);
      this.locals.push(f.v);
    }
    const read = `${f.g}(${from})`;
    return `${f.v} ??= ${transform === 'domain' ? `${this.helper('domains')}(${read})` : read}`;
  }

  /** `field|any`: the element test as its own function over `x`, with the event `e` for field comparisons. */
  element(n: Extract<Node, { kind: 'elem' }>): string {
    const uses = new Map<string, number>();
    countUses(n.arg, uses);
    const inner = new Emitter(uses, this.module(), 'x');
    const body = inner.expr(n.arg, '  ');
    const t = `t${this.count.t++}`;
    const locals = inner.locals.length > 0 ? ` let ${inner.locals.join(', ')};` : '';
    this.header.push(`// ${commentText(`${n.field} any element`)}`, `const ${t} = (x, e) => {${locals} return ${body}; };`);
    return `${this.helper('anyObject')}(${this.fieldRead(n.field)}, ${t}, e)`;
  }

  /** A field comparison: `compareFields(a, b, cased, pair, negate)`, the pair test emitted as code. */
  private fieldCompare(n: Extract<Node, { kind: 'test' }>, t: Extract<Test, { op: 'fieldcmp' }>): string {
    let entry = this.tests.get(n.key);
    if (entry === undefined) {
      entry = { t: `t${this.count.t++}`, r: (this.uses.get(n.key) ?? 0) > 1 ? `r${this.count.r++}` : undefined };
      this.header.push(`const ${entry.t} = (x, y) => ${PAIR[t.cmp]}; // ${commentText(describe(t))}`);
      if (entry.r !== undefined) this.locals.push(entry.r);
      this.tests.set(n.key, entry);
    }
    const a = this.fieldRead(t.field, t.transform);
    const b = this.fieldRead(t.other, t.otherTransform, 'e');
    const call = `${this.helper('compareFields')}((${a}), (${b}), ${lit(t.cased)}, ${entry.t}, ${lit(t.cmp === 'neq')})`;
    return entry.r === undefined ? call : `(${entry.r} ??= ${call})`;
  }

  private scalarFn(t: Exclude<Test, { op: 'exists' | 'fieldcmp' }>): string {
    switch (t.op) {
      case 'eq': {
        const f = t.cased ? 'x' : 'x.toLowerCase()';
        const parts: string[] = [];
        const [s0, n0] = [t.strings[0], t.numbers[0]];
        if (t.strings.length === 1 && s0 !== undefined) parts.push(`(typeof x === "string" && ${f} === ${lit(s0)})`);
        if (t.strings.length > 1) parts.push(`(typeof x === "string" && ${this.constant(new Set(t.strings), `Set of ${t.strings.length} strings`)}.has(${f}))`);
        if (t.numbers.length === 1 && n0 !== undefined) parts.push(`${this.helper('num')}(x) === ${lit(n0)}`);
        if (t.numbers.length > 1) parts.push(`${this.constant(new Set(t.numbers), `Set of ${t.numbers.length} numbers`)}.has(${this.helper('num')}(x))`);
        for (const b of t.bools) parts.push(`x === ${lit(b)}`);
        return `(x) => ${parts.length === 0 ? 'false' : parts.join(' || ')}`;
      }
      case 'contains':
      case 'startswith':
      case 'endswith': {
        const s = t.cased ? 's' : 's.toLowerCase()';
        const [method, many] = TEXT[t.op];
        const v0 = t.values[0];
        const check = t.values.length === 1 && v0 !== undefined ? `${s}.${method}(${lit(v0)})` : `${this.helper(many)}(${s}, ${this.constant(Object.freeze([...t.values]), `${t.values.length} strings`)})`;
        return `(x) => { const s = ${this.helper('str')}(x); return s !== undefined && ${check}; }`;
      }
      case 're': {
        const k = this.constant(t.regex, t.fold ? 'wildcard pattern' : 'regex');
        return `(x) => { const s = ${this.helper('str')}(x); return s !== undefined && ${k}.test(${t.fold ? 's.toLowerCase()' : 's'}); }`;
      }
      case 'cidr':
        return `(x) => typeof x === "string" && ${this.constant(t.matcher, `cidr ${t.cidrs.join(' ')}`)}.test(x)`;
      case 'lookup': {
        const { value, comment } = lookupConstant(t);
        const k = this.constant(value, comment);
        if (t.table.kind === 'address') return `(x) => typeof x === "string" && ${k}.test(x)`;
        return `(x) => { const s = ${this.helper('str')}(x); return s !== undefined && ${k}.has(${t.cased ? 's' : 's.toLowerCase()'}); }`;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return `(x) => { const n = ${this.helper(t.date ? 'time' : 'num')}(x); return n !== undefined && n ${CMP[t.op]} ${lit(t.value)}; }`;
    }
  }

  /** The call for one test; a test used more than once caches its answer in `rN`. */
  test(n: Extract<Node, { kind: 'test' }>): string {
    const t = n.test;
    if (t.op === 'fieldcmp') return this.fieldCompare(n, t);
    const read = this.fieldRead(t.field, 'transform' in t ? t.transform : undefined);
    let entry = this.tests.get(n.key);
    if (entry === undefined) {
      const shared = (this.uses.get(n.key) ?? 0) > 1;
      entry = { t: `t${this.count.t++}`, r: shared ? `r${this.count.r++}` : undefined };
      if (t.op !== 'exists') this.header.push(`const ${entry.t} = ${this.scalarFn(t)}; // ${commentText(describe(t))}`);
      if (entry.r !== undefined) this.locals.push(entry.r);
      this.tests.set(n.key, entry);
    }
    const call = t.op === 'exists' ? `${this.helper('has')}(${read})` : `${this.helper('any')}(${read}, ${entry.t})`;
    return entry.r === undefined ? call : `(${entry.r} ??= ${call})`;
  }

  expr(n: Node, indent: string): string {
    switch (n.kind) {
      case 'const':
        return n.value ? 'true' : 'false';
      case 'test':
        return this.test(n);
      case 'elem':
        return this.element(n);
      case 'not':
        // and/or print their own parentheses.
        return `!${this.expr(n.arg, indent)}`;
      case 'and':
      case 'or': {
        const inner = `${indent}  `;
        const op = n.kind === 'and' ? ' &&' : ' ||';
        return `(\n${n.args.map((a) => inner + this.expr(a, inner)).join(`${op}\n`)}\n${indent})`;
      }
    }
  }
}

const count = (n: number): string => (n === 1 ? '1 value' : `${n} values`);

/** What a test checks, for the comment beside it (sanitized by the caller). */
function describe(t: Test): string {
  switch (t.op) {
    case 'eq':
      return `${t.field} equals ${count(t.strings.length + t.numbers.length + t.bools.length)}${t.cased ? ' cased' : ''}`;
    case 'contains':
    case 'startswith':
    case 'endswith':
      return `${t.field} ${t.op} ${count(t.values.length)}${t.cased ? ' cased' : ''}`;
    case 'fieldcmp':
      return `${t.field}${t.transform ? `|${t.transform}` : ''} ${t.cmp} field ${t.other}${t.otherTransform ? `|${t.otherTransform}` : ''}${t.cased ? ' cased' : ''}`;
    default:
      return `${t.field} ${t.op}`;
  }
}

function countUses(n: Node, uses: Map<string, number>): void {
  // An element function counts its own uses (its results are per element, not per event).
  if (n.kind === 'test') uses.set(n.key, (uses.get(n.key) ?? 0) + 1);
  else if (n.kind === 'not') countUses(n.arg, uses);
  else if (n.kind === 'and' || n.kind === 'or') n.args.forEach((a) => countUses(a, uses));
}

export interface Generated {
  /** `function name(c) { … }`: readable, for explain output and snapshots. */
  readonly source: string;
  readonly predicate: Predicate;
}

/** Generates and builds the predicate for `root`. `name` must be an identifier chosen by Sift, not by a rule. */
export function generate(root: Node, title: string, name: string): Generated {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`codegen: function name ${JSON.stringify(name)} is not an identifier`);
  const uses = new Map<string, number>();
  countUses(root, uses);
  const em = new Emitter(uses);
  const body = em.expr(root, '    ');
  const lines = [
    `  // ${commentText(title, 100)}`,
    '  // Generated by Sift from the optimized plan: do not edit.',
    '  "use strict";',
    ...em.header.map((l) => `  ${l}`),
    '  return function match(e) {',
    ...(em.locals.length > 0 ? [`    let ${em.locals.join(', ')};`] : []),
    `    return ${body};`,
    '  };',
  ];
  const text = lines.join('\n');
  const build = new Function('c', text) as (c: readonly unknown[]) => Predicate;
  return { source: `function ${name}(c) {\n${text}\n}\n`, predicate: build(em.consts) };
}
