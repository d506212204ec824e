/**
 * The optimizer is linear in the size of a literal list (issue 13: a
 * 100,000-entry list took 74 s to lint; merging `or` args copied the group's
 * member array once per member). A list of 200,000 values, each written
 * twice, must fold into one set lookup within the normal test timeout: the
 * quadratic merge needs minutes here. Speed itself is benchmarks/lint.bench.ts.
 */
import { describe, expect, it } from 'vitest';
import { lowerSelections, type Problem } from '../../../src/rules/compile/lower.js';
import { optimize } from '../../../src/rules/compile/optimize.js';
import type { FieldTest } from '../../../src/rules/index.js';

const N = 200_000;
const name = (i: number): string => `user${String(i).padStart(6, '0')}@example.com`;

describe('optimizer on large literal lists', () => {
  it(`folds ${N.toLocaleString('en-US')} values written twice into one sorted set, once each`, () => {
    const values = [...Array.from({ length: N }, (_, i) => name(N - 1 - i)), ...Array.from({ length: N }, (_, i) => name(i))];
    const test: FieldTest = { field: 'user.name', op: 'equals', values, all: false, cased: false, caseInsensitive: false };
    const problems: Problem[] = [];
    const sel = lowerSelections([{ name: 'sel', anyOf: [[test]] }], problems).get('sel');
    expect(problems).toEqual([]);
    const plan = sel === undefined ? undefined : optimize(sel);
    expect(plan?.kind).toBe('test');
    const merged = plan?.kind === 'test' && plan.test.op === 'eq' ? plan.test : undefined;
    expect(merged?.strings.length).toBe(N);
    expect(merged?.strings[0]).toBe('user000000@example.com');
    expect(merged?.strings[N - 1]).toBe('user199999@example.com');
    expect(merged?.numbers).toEqual([]);
  });

  it('keeps other tests of the or in place beside the merged set', () => {
    const eq: FieldTest = { field: 'user.name', op: 'equals', values: Array.from({ length: 50_000 }, (_, i) => name(i)), all: false, cased: false, caseInsensitive: false };
    const ends: FieldTest = { field: 'user.name', op: 'endswith', values: ['@svc.example.com', '@bots.example.com'], all: false, cased: false, caseInsensitive: false };
    const sel = lowerSelections([{ name: 'sel', anyOf: [[eq], [ends]] }], []).get('sel');
    const plan = sel === undefined ? undefined : optimize(sel);
    expect(plan?.kind).toBe('or');
    const args = plan?.kind === 'or' ? plan.args : [];
    expect(args.map((a) => (a.kind === 'test' ? [a.test.op, a.test.op === 'eq' ? a.test.strings.length : a.test.op === 'endswith' ? a.test.values : undefined] : a.kind))).toEqual([
      ['eq', 50_000],
      ['endswith', ['@bots.example.com', '@svc.example.com']],
    ]);
  });
});
