/**
 * The plan: a small boolean IR both backends are emitted from. Tests are
 * immutable data; their `key` is canonical, so equal tests written in
 * different places (or produced by different modifiers) are recognized as one.
 */
import type { LinearRegex } from '../regex/index.js';
import type { FieldComparison, Transform } from '../spec/index.js';
import type { CidrMatcher } from './cidr.js';
import type { LookupTable } from './lookup.js';

/**
 * Equality against a literal list, split by kind once at compile time:
 * `strings` are case-folded unless `cased`; numeric literals (and numeric
 * strings) live in `numbers`; `true`/`false` literals in `bools`.
 */
export interface EqTest {
  readonly op: 'eq';
  readonly field: string;
  readonly strings: readonly string[];
  readonly numbers: readonly number[];
  readonly bools: readonly boolean[];
  readonly cased: boolean;
  /** `|domain`: the test sees the derived value (values.ts `domains`), not the field's. */
  readonly transform?: Transform;
}

/** Substring tests on the value's text; any of `values` (folded unless `cased`). */
export interface TextTest {
  readonly op: 'contains' | 'startswith' | 'endswith';
  readonly field: string;
  readonly values: readonly string[];
  readonly cased: boolean;
  readonly transform?: Transform;
}

/** `fold`: lowercase the text first (wildcard patterns); `caseInsensitive`: the engine ignores case (`re|i`). */
export interface RegexTest {
  readonly op: 're';
  readonly field: string;
  readonly source: string;
  readonly fold: boolean;
  readonly caseInsensitive: boolean;
  readonly regex: LinearRegex;
  readonly transform?: Transform;
}

export interface CidrTest {
  readonly op: 'cidr';
  readonly field: string;
  readonly cidrs: readonly string[];
  readonly matcher: CidrMatcher;
}

/** `date`: compare event ISO timestamps in epoch ms; otherwise numbers and numeric strings. */
export interface CmpTest {
  readonly op: 'gt' | 'gte' | 'lt' | 'lte';
  readonly field: string;
  readonly value: number;
  readonly date: boolean;
}

/** The field has a non-null value (null equals and `exists: false` are its negation). */
export interface ExistsTest {
  readonly op: 'exists';
  readonly field: string;
  readonly transform?: Transform;
}

/**
 * `field|neq_field: other` and the like: the texts of `field` against the
 * texts of `other` (both transformed when asked, folded unless `cased`).
 * eq/contains/startswith/endswith: some pair holds; neq: `other` has a text
 * and some text of `field` equals none of them. Inside an element test
 * (`|any`) `field` is read from the element and `other` from the event.
 */
export interface FieldCmpTest {
  readonly op: 'fieldcmp';
  readonly cmp: FieldComparison;
  readonly field: string;
  readonly transform?: Transform;
  readonly other: string;
  readonly otherTransform?: Transform;
  readonly cased: boolean;
}

/**
 * `in_lookup` / `lookup`: the field's value selects a row of a lookup table
 * (compile/lookup.ts); with `column` (lookup) that column must have a value,
 * equal to or containing one of `compare.values` when given (folded unless `cased`).
 */
export interface LookupTest {
  readonly op: 'lookup';
  readonly field: string;
  readonly table: LookupTable;
  readonly column?: string;
  readonly compare?: { readonly op: 'equals' | 'contains'; readonly values: readonly string[] };
  readonly cased: boolean;
}

export type Test = EqTest | TextTest | RegexTest | CidrTest | CmpTest | ExistsTest | FieldCmpTest | LookupTest;

export type Node =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'and'; readonly args: readonly Node[] }
  | { readonly kind: 'or'; readonly args: readonly Node[] }
  | { readonly kind: 'not'; readonly arg: Node }
  | { readonly kind: 'test'; readonly test: Test; readonly key: string }
  /** `field|any`: `arg` holds for one object element of the field (its tests read fields relative to the element). */
  | { readonly kind: 'elem'; readonly field: string; readonly arg: Node };

/** The field a per-dataset selection's branches test (and the compiler folds per dataset). */
export const DATASET_FIELD = 'event.dataset';

export const TRUE: Node = { kind: 'const', value: true };
export const FALSE: Node = { kind: 'const', value: false };

/** Canonical identity of a test (everything but the compiled matcher objects). */
export function testKey(t: Test): string {
  const base = baseKey(t);
  return t.op !== 'fieldcmp' && 'transform' in t && t.transform !== undefined ? `${base}|${t.transform}` : base;
}

function baseKey(t: Test): string {
  switch (t.op) {
    case 'eq':
      return JSON.stringify([t.op, t.field, t.cased, t.strings, t.numbers, t.bools]);
    case 'contains':
    case 'startswith':
    case 'endswith':
      return JSON.stringify([t.op, t.field, t.cased, t.values]);
    case 're':
      return JSON.stringify([t.op, t.field, t.source, t.fold, t.caseInsensitive]);
    case 'cidr':
      return JSON.stringify([t.op, t.field, t.cidrs]);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return JSON.stringify([t.op, t.field, t.value, t.date]);
    case 'exists':
      return JSON.stringify([t.op, t.field]);
    case 'fieldcmp':
      return JSON.stringify([t.op, t.cmp, t.field, t.transform ?? null, t.other, t.otherTransform ?? null, t.cased]);
    case 'lookup':
      return JSON.stringify([t.op, t.field, t.table.name, t.column ?? null, t.compare ?? null, t.cased]);
  }
}

export function testNode(test: Test): Node {
  return { kind: 'test', test, key: testKey(test) };
}

/** Rough relative cost, to run cheap tests first inside and/or. */
export function testCost(t: Test): number {
  switch (t.op) {
    case 'exists':
      return 1;
    case 'eq':
      return 2;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return t.date ? 5 : 3;
    case 'startswith':
    case 'endswith':
      return 4 + Math.min(t.values.length, 8) / 8;
    case 'contains':
      return 6 + Math.min(t.values.length, 8) / 8;
    case 'lookup':
      return t.table.kind === 'text' ? 2.5 : 7;
    case 'cidr':
    case 'fieldcmp':
      return 7;
    case 're':
      return 10;
  }
}

export function nodeCost(n: Node): number {
  switch (n.kind) {
    case 'const':
      return 0;
    case 'test':
      return testCost(n.test);
    case 'not':
      return nodeCost(n.arg);
    case 'and':
    case 'or':
      return n.args.reduce((s, a) => s + nodeCost(a), 0);
    case 'elem':
      return 4 + 2 * nodeCost(n.arg);
  }
}
