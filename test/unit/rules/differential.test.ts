/**
 * Differential property test: for random rules over real ECS fields and
 * random events drawn from the same small value pools (so that matches are
 * frequent), three evaluations must agree on every event:
 *   - the generated JS (optimized plan),
 *   - the reference interpreter (optimized plan),
 *   - the interpreter on the plan BEFORE optimization (so the optimizer is checked too).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { interpret } from '../../../src/rules/compile/interpret.js';
import { lowerCondition, lowerSelections, type Problem } from '../../../src/rules/compile/lower.js';
import { compileRule, formatIssue, loadLookups, type Condition, type FieldTest, type LookupRef, type LookupSet, type Operator, type RuleSpec, type Selection } from '../../../src/rules/index.js';

type Lit = string | number | boolean | null;

const STRINGS = ['alice', 'ALICE', 'Alice@Example.com', 'bob', 'a*', '*ce', '*li*', 'a?ice', 'b\\*', 'b*', '5', '05', '5.0', '-1', 'true', 'FALSE', '', 'x y', 'user.login', 'User.Login', 'ali\nce'];
const IPS = ['10.0.0.1', '10.1.2.3', '192.168.1.1', '2001:db8::1', '::ffff:10.0.0.5', 'bogus', '8.8.8.8'];
const CIDRS = ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32', '0.0.0.0/0', '10.0.0.1', '::/0'];
const NUMBERS = [0, 5, -1, 3.5, 10];
const REGEXES = ['^a', 'e$', 'li', '^[ab]', 'x|ali', '(?i)BOB', '^$', '\\d'];
const DATES = ['2024-01-01', '2024-06-01T00:00:00Z', '2023-12-31T23:00:00-02:00'];
const EVENT_DATES = ['2024-01-01T00:00:00Z', '2024-03-01T12:00:00Z', '2023-06-01T00:00:00.5Z', 'nope'];

/** Operators each field may take without a type error, and the literals they take. */
const FIELDS: Readonly<Record<string, readonly (readonly [Operator, fc.Arbitrary<Lit>])[]>> = (() => {
  const str = fc.constantFrom<Lit>(...STRINGS);
  const strOrNull = fc.constantFrom<Lit>(...STRINGS, null, 5, true);
  const num = fc.constantFrom<Lit>(...NUMBERS, '5', '3.5');
  const keyword: (readonly [Operator, fc.Arbitrary<Lit>])[] = [
    ['equals', strOrNull],
    ['contains', str],
    ['startswith', str],
    ['endswith', str],
    ['re', fc.constantFrom<Lit>(...REGEXES)],
    ['exists', fc.boolean()],
  ];
  // Lookups: `table.column=value` is the map form with equals, `~` with contains (see withLookups).
  const lookups: (readonly [Operator, fc.Arbitrary<Lit>])[] = [
    ['in_lookup', fc.constantFrom<Lit>('people')],
    ['lookup', fc.constantFrom<Lit>('people.team', 'people.team=finance', 'people.note~ch', 'people.note=CHG-1')],
  ];
  return {
    'user.name': [...keyword, ...lookups],
    'event.action': [['equals', str]],
    'event.category': keyword,
    'source.ip': [
      ['equals', fc.constantFrom<Lit>(...IPS)],
      ['cidr', fc.constantFrom<Lit>(...CIDRS)],
      ['startswith', fc.constantFrom<Lit>('10.', '2001')],
      ['exists', fc.boolean()],
      ['in_lookup', fc.constantFrom<Lit>('nets')],
      ['lookup', fc.constantFrom<Lit>('nets.site', 'nets.site=corp', 'nets.site~a')],
    ],
    'related.ip': [['cidr', fc.constantFrom<Lit>(...CIDRS)], ['equals', fc.constantFrom<Lit>(...IPS, null)]],
    'event.severity': [['equals', fc.constantFrom<Lit>(...NUMBERS, '5', null, '*5*')], ['gt', num], ['gte', num], ['lt', num], ['lte', num], ['exists', fc.boolean()]],
    'okta.device.managed': [['equals', fc.constantFrom<Lit>(true, false, 'true', 'false', null)], ['exists', fc.boolean()]],
    '@timestamp': [['gt', fc.constantFrom<Lit>(...DATES)], ['lte', fc.constantFrom<Lit>(...DATES)], ['startswith', fc.constantFrom<Lit>('2024')]],
    'okta.target.x': [...keyword, ['gt', num], ['cidr', fc.constantFrom<Lit>(...CIDRS)]],
  };
})();
const FIELD_NAMES = Object.keys(FIELDS);

/** Tests over a few fields only, so that one rule often tests one field in several places (merging, sharing). */
function fieldTestArb(fields: readonly string[]): fc.Arbitrary<FieldTest> {
  return fc
    .constantFrom(...fields)
    .chain((field) => fc.tuple(fc.constant(field), fc.constantFrom(...(FIELDS[field] ?? []))))
    .chain(([field, [op, lit]]) =>
      fc.record({
        field: fc.constant(field),
        op: fc.constant(op),
        values: op === 'exists' ? lit.map((v) => [v]) : fc.array(lit, { minLength: 1, maxLength: 4 }),
        all: op === 'exists' ? fc.constant(false) : fc.boolean(),
        cased: ['equals', 'contains', 'startswith', 'endswith', 'in_lookup', 'lookup'].includes(op) ? fc.boolean() : fc.constant(false),
        caseInsensitive: op === 're' ? fc.boolean() : fc.constant(false),
      }),
    )
    .map(withLookups);
}

/** Tables for the lookup operators: a text table (keys differing only in case, an empty cell) and an address table. */
const LOOKUPS: LookupSet = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'sift-diff-lookups-'));
  writeFileSync(join(dir, 'people.csv'), 'user,team,note\nalice,finance,CHG-1\nBob,it,\n5,finance,x\ntrue,,ch\nALICE,legal,other case\n');
  writeFileSync(join(dir, 'nets.csv'), 'net,site\n10.0.0.0/8,corp\n10.1.0.0/16,lab\n2001:db8::/32,v6\n192.168.1.1,single\n');
  return loadLookups([], [dir]);
})();

/** `in_lookup` / `lookup` tests carry their tables in `lookups` (the parser's form); the pool strings encode them. */
function withLookups(t: FieldTest): FieldTest {
  if (t.op !== 'in_lookup' && t.op !== 'lookup') return t;
  const lookups = t.values.map((v): LookupRef => {
    const [ref = '', value] = String(v).split(/[=~]/);
    const [table = '', column] = ref.split('.');
    const compare = value === undefined ? undefined : { op: String(v).includes('=') ? ('equals' as const) : ('contains' as const), values: [value] };
    return { table, ...(column === undefined ? {} : { column }), ...(compare === undefined ? {} : { compare }), path: t.field, form: compare === undefined ? 'name' : 'map' };
  });
  return { ...t, lookups };
}

const NAMES = ['sel_a', 'sel_b', 'filter_c', 'sel_d'];

function conditionArb(names: readonly string[]): fc.Arbitrary<Condition> {
  const leaf: fc.Arbitrary<Condition> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).map((name): Condition => ({ kind: 'ref', name })) },
    { weight: 1, arbitrary: fc.constantFrom('them', 'sel_*', '*', ...(names.includes('filter_c') ? ['*_c', 'filter_*'] : [])).chain((pattern) => fc.constantFrom<'any' | 'all'>('any', 'all').map((quantifier): Condition => ({ kind: 'of', quantifier, pattern }))) },
  );
  const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('tree'), { minLength: 2, maxLength: 3 }).map((args): Condition => ({ kind: 'and', args })),
      fc.array(tie('tree'), { minLength: 2, maxLength: 3 }).map((args): Condition => ({ kind: 'or', args })),
      tie('tree').map((arg): Condition => ({ kind: 'not', arg })),
    ),
  }));
  return tree;
}

function ruleArb(fieldSets: fc.Arbitrary<string[]>): fc.Arbitrary<RuleSpec> {
  return fc.tuple(fc.integer({ min: 1, max: NAMES.length }), fieldSets).chain(([n, fields]) => {
  // `sel_*` must match something: the first selection is always sel_a.
  const names = NAMES.slice(0, n);
  const testMap = fc.array(fieldTestArb(fields), { minLength: 1, maxLength: 2 });
  const selections = fc.tuple(...names.map((name) => fc.oneof(testMap.map((t) => [t]), fc.array(testMap, { minLength: 1, maxLength: 3 })).map((anyOf): Selection => ({ name, anyOf }))));
  return fc.tuple(selections, conditionArb(names)).map(
    ([sels, condition]): RuleSpec => ({
      id: 'prop.rule',
      name: 'p',
      description: 'p',
      version: 1,
      severity: 'low',
      riskScore: 21,
      tags: [],
      datasets: ['okta.system'],
      detection: { selections: sels, condition, conditionText: '' },
      outputFields: [],
      enabled: true,
      tests: [],
      file: 'prop.yml',
    }),
  );
  });
}

/**
 * Event values: the fixed pools, plus the rule's own literals and their
 * case variants (so that exact, case-folded and numeric matches of this very
 * rule are frequent, not one-in-a-thousand).
 */
function eventArb(spec: RuleSpec): fc.Arbitrary<EcsEvent> {
  const literals = spec.detection.selections.flatMap((s) => s.anyOf.flat().flatMap((t) => t.values));
  const variants = literals.flatMap((v): Lit[] => (typeof v === 'string' ? [v, v.toUpperCase(), v.toLowerCase(), v.replace(/[*?]/g, 'x')] : [v]));
  const fixed = fc.constantFrom<unknown>(...STRINGS, ...IPS, ...NUMBERS, ...EVENT_DATES, '5', '-1', '3.50', true, false, null);
  const scalar = fc.oneof({ weight: 4, arbitrary: fixed }, { weight: 3, arbitrary: fc.constantFrom<unknown>(...variants, 'x') }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) });
  const value = fc.oneof({ weight: 5, arbitrary: scalar }, { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant({ nested: 'alice' }) });
  return fc
    .record(
      {
        user: fc.record({ name: value }, { requiredKeys: [] }),
        event: fc.record({ action: value, category: value, severity: value }, { requiredKeys: [] }),
        source: fc.record({ ip: value }, { requiredKeys: [] }),
        related: fc.record({ ip: value }, { requiredKeys: [] }),
        okta: fc.record({ device: fc.record({ managed: value }, { requiredKeys: [] }), target: fc.oneof(fc.record({ x: value }), fc.array(fc.record({ x: value }), { maxLength: 2 })) }, { requiredKeys: [] }),
        ts: value,
      },
      { requiredKeys: [] },
    )
    .map(({ ts, event, ...rest }) => ({ '@timestamp': ts, event: { kind: 'event', dataset: 'okta.system', module: 'okta', ...event }, ...rest }) as unknown as EcsEvent);
}

/** Runs the three-way comparison; returns [events checked, events matched]. */
function agree(rules: fc.Arbitrary<RuleSpec>, numRuns: number, seed: number): [number, number] {
  let matches = 0;
  let checked = 0;
  fc.assert(
    fc.property(rules.chain((spec) => fc.tuple(fc.constant(spec), fc.array(eventArb(spec), { minLength: 40, maxLength: 40 }))), ([spec, events]) => {
      const compiled = compileRule(spec, { lookups: LOOKUPS });
      expect(compiled.issues.map(formatIssue)).toEqual([]);
      const rule = compiled.rule;
      if (rule === undefined) return;
      const problems: Problem[] = [];
      const unoptimized = interpret(lowerCondition(spec.detection.condition, lowerSelections(spec.detection.selections, problems, { lookups: LOOKUPS })));
      for (const e of events) {
        const generated = rule.match(e);
        expect(generated, rule.source).toBe(rule.reference(e));
        expect(generated, rule.plan).toBe(unoptimized(e));
        if (generated) matches++;
        checked++;
      }
    }),
    { numRuns, seed },
  );
  return [checked, matches];
}

describe('generated code and interpreter agree', () => {
  it('on random rules × random events (1000 rules over 1-3 fields, 40 events each)', () => {
    const [checked, matches] = agree(ruleArb(fc.subarray(FIELD_NAMES, { minLength: 1, maxLength: 3 })), 1000, 20240501);
    expect(checked).toBe(1000 * 40);
    // The pools are small on purpose: a healthy share of events must match, or the test proves little.
    expect(matches / checked).toBeGreaterThan(0.1);
    expect(matches / checked).toBeLessThan(0.9);
  }, 120_000);

  it('on rules that test one field many times (merging, sets, shared tests)', () => {
    const [checked] = agree(ruleArb(fc.constantFrom(...FIELD_NAMES).map((f) => [f])), 600, 7);
    expect(checked).toBe(600 * 40);
  }, 120_000);
});

/*
 * Rule language v2 constructs: `|any` element tests, field-to-field
 * comparisons, `|domain`, and per-dataset selections (whose per-dataset
 * specialized predicates must agree with the interpreter on the generic plan).
 */
const EMAILS = ['alice@example.com', 'Bob@EXAMPLE.com', 'eve@evil.io', 'example.com', 'x@', 'alice', ''];
const CMPS = ['eq', 'neq', 'contains', 'startswith', 'endswith'] as const;

function compareArb(fields: readonly string[], others: readonly string[]): fc.Arbitrary<FieldTest> {
  return fc.record({
    field: fc.constantFrom(...fields),
    other: fc.constantFrom(...others),
    cmp: fc.constantFrom(...CMPS),
    cased: fc.boolean(),
    left: fc.boolean(),
    right: fc.boolean(),
  }).map(({ field, other, cmp, cased, left, right }): FieldTest => ({
    field,
    op: 'equals',
    values: [],
    all: false,
    cased,
    ...(left ? { transform: 'domain' as const } : {}),
    compare: { cmp, field: other, ...(right ? { transform: 'domain' as const } : {}) },
  }));
}

/** Plain tests on user.name/user.email, some reading the domain. */
const emailTestArb: fc.Arbitrary<FieldTest> = fc
  .tuple(fc.constantFrom('user.name', 'user.email'), fc.constantFrom('equals', 'contains', 'endswith', 're'), fc.array(fc.constantFrom<Lit>(...EMAILS, 'EXAMPLE.COM', 'evil.io', null), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
  .map(([field, op, values, domain, cased]): FieldTest => ({
    field,
    op: op as Operator,
    values: op === 'equals' ? values : op === 're' ? ['^ex', 'io$'] : values.filter((v) => v !== null).concat('x'),
    all: false,
    cased: op !== 're' && cased,
    ...(domain ? { transform: 'domain' as const } : {}),
  }));

/** `okta.target|any: {x: …, y: …}`: relative tests, and comparisons with event fields. */
const elementArb: fc.Arbitrary<FieldTest> = fc
  .array(fc.oneof(emailTestArb.map((t) => ({ ...t, field: t.field === 'user.name' ? 'x' : 'y' })), compareArb(['x', 'y'], ['user.name', 'user.email'])), { minLength: 1, maxLength: 3 })
  .map((element): FieldTest => ({ field: 'okta.target', op: 'equals', values: [], all: false, cased: false, element }));

const constructTestArb = fc.oneof(emailTestArb, compareArb(['user.name', 'user.email'], ['user.name', 'user.email']), elementArb);

function constructRuleArb(datasets: readonly string[]): fc.Arbitrary<RuleSpec> {
  // okta.target is Okta's: over several datasets, only the fields they share.
  const one = datasets.length === 1 ? constructTestArb : fc.oneof(emailTestArb, compareArb(['user.name', 'user.email'], ['user.name', 'user.email']));
  const tests = fc.array(one, { minLength: 1, maxLength: 2 });
  const anyOf = fc.array(tests, { minLength: 1, maxLength: 2 });
  const selection = (name: string): fc.Arbitrary<Selection> =>
    datasets.length === 1
      ? anyOf.map((a) => ({ name, anyOf: a }))
      : fc.oneof(
          anyOf.map((a) => ({ name, anyOf: a })),
          fc.subarray([...datasets], { minLength: 1 }).chain((ds) => fc.tuple(...ds.map(() => anyOf)).map((branches): Selection => ({ name, anyOf: [], byDataset: new Map(ds.map((d, i) => [d, branches[i] ?? []])) }))),
        );
  return fc.tuple(selection('sel_a'), selection('sel_b'), conditionArb(['sel_a', 'sel_b'])).map(
    ([a, b, condition]): RuleSpec => ({
      id: 'prop.constructs',
      name: 'p',
      description: 'p',
      version: 1,
      severity: 'low',
      riskScore: 21,
      tags: [],
      datasets,
      detection: { selections: [a, b], condition, conditionText: '' },
      outputFields: [],
      enabled: true,
      tests: [],
      file: 'prop.yml',
    }),
  );
}

function constructEventArb(datasets: readonly string[]): fc.Arbitrary<EcsEvent> {
  const email = fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>(...EMAILS, 5, null) }, { weight: 1, arbitrary: fc.array(fc.constantFrom<unknown>(...EMAILS), { maxLength: 3 }) });
  const element = fc.oneof({ weight: 5, arbitrary: fc.record({ x: email, y: email }, { requiredKeys: [] }) }, { weight: 1, arbitrary: email });
  return fc
    .record({
      dataset: fc.constantFrom(...datasets),
      name: email,
      mail: email,
      target: fc.oneof(element, fc.array(element, { maxLength: 3 })),
    })
    .map(({ dataset, name, mail, target }) => ({ '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset, module: 'm' }, user: { name, email: mail }, okta: { target } }) as unknown as EcsEvent);
}

function agreeOnConstructs(datasets: readonly string[], numRuns: number, seed: number): [number, number] {
  let [checked, matches] = [0, 0];
  fc.assert(
    fc.property(constructRuleArb(datasets).chain((spec) => fc.tuple(fc.constant(spec), fc.array(constructEventArb(datasets), { minLength: 30, maxLength: 30 }))), ([spec, events]) => {
      const compiled = compileRule(spec);
      expect(compiled.issues.map(formatIssue)).toEqual([]);
      const rule = compiled.rule;
      if (rule === undefined) return;
      const unoptimized = interpret(lowerCondition(spec.detection.condition, lowerSelections(spec.detection.selections, [])));
      for (const e of events) {
        const generated = rule.match(e);
        expect(generated, rule.source).toBe(rule.reference(e));
        expect(generated, rule.plan).toBe(unoptimized(e));
        // What the runtime runs for this dataset's events (compile/dataset.ts), when the rule has per-dataset selections.
        const own = rule.byDataset?.get(e.event.dataset);
        if (own !== undefined) {
          expect(own.match(e), rule.source).toBe(generated);
          expect(own.reference(e), rule.plan).toBe(generated);
        }
        if (generated) matches++;
        checked++;
      }
    }),
    { numRuns, seed },
  );
  return [checked, matches];
}

describe('generated code and interpreter agree on the v2 constructs', () => {
  it('|any, field comparisons and |domain (600 rules, 30 events each)', () => {
    const [checked, matches] = agreeOnConstructs(['okta.system'], 600, 20240613);
    expect(checked).toBe(600 * 30);
    expect(matches / checked).toBeGreaterThan(0.05);
    expect(matches / checked).toBeLessThan(0.95);
  }, 120_000);

  it('per-dataset selections, specialized per dataset (400 rules over okta.system and github.audit)', () => {
    const [checked, matches] = agreeOnConstructs(['okta.system', 'github.audit'], 400, 11);
    expect(checked).toBe(400 * 30);
    expect(matches).toBeGreaterThan(0);
  }, 120_000);
});
