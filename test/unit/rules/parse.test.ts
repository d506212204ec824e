import { describe, expect, it } from 'vitest';
import { formatIssue, parseCondition, parseDuration, parseRuleFile, type RuleIssue } from '../../../src/rules/index.js';

const BASE = `id: okta.mfa-factor-reset
name: Okta MFA factor reset
description: Why this matters
version: 1
severity: medium
tags: [attack.persistence, attack.t1556.006]
scope:
  datasets: [okta.system]
detection:
  selection:
    event.action: [user.mfa.factor.deactivate, user.mfa.factor.reset_all]
    event.outcome: success
  filter_svc:
    - user.name|endswith: '@svc.example.com'
    - user.name|startswith: 'svc-'
  condition: selection and not filter_svc
output:
  fields: [user.name, source.ip]
`;

/** 1-based line and column of the first occurrence of `needle`. */
function at(text: string, needle: string): { line: number; col: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`needle not found: ${needle}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, col: (before[before.length - 1] ?? '').length + 1 };
}

function issues(text: string): RuleIssue[] {
  const r = parseRuleFile(text, 'rules/x.yml');
  expect(r.rule).toBeUndefined();
  expect(r.issues.length).toBeGreaterThan(0);
  return r.issues;
}

function only(text: string): RuleIssue {
  const list = issues(text);
  expect(list.map(formatIssue)).toHaveLength(1);
  return list[0] as RuleIssue;
}

describe('parseRuleFile: a valid rule', () => {
  it('parses the brief example with defaults filled in', () => {
    const r = parseRuleFile(BASE, 'rules/okta/mfa.yml');
    expect(r.issues).toEqual([]);
    const rule = r.rule;
    expect(rule).toBeDefined();
    expect(rule?.id).toBe('okta.mfa-factor-reset');
    expect(rule?.riskScore).toBe(47); // medium's default
    expect(rule?.enabled).toBe(true);
    expect(rule?.datasets).toEqual(['okta.system']);
    expect(rule?.outputFields).toEqual(['user.name', 'source.ip']);
    expect(rule?.detection.selections.map((s) => s.name)).toEqual(['selection', 'filter_svc']);
    expect(rule?.detection.selections[1]?.anyOf).toHaveLength(2);
    expect(rule?.detection.selections[0]?.anyOf[0]?.[0]).toMatchObject({
      field: 'event.action',
      op: 'equals',
      values: ['user.mfa.factor.deactivate', 'user.mfa.factor.reset_all'],
      all: false,
      cased: false,
      path: 'detection.selection.event.action',
    });
    expect(rule?.detection.condition).toEqual({
      kind: 'and',
      args: [
        { kind: 'ref', name: 'selection' },
        { kind: 'not', arg: { kind: 'ref', name: 'filter_svc' } },
      ],
    });
    expect(rule?.locations?.get('detection.selection.event.outcome')).toEqual(at(BASE, 'event.outcome'));
  });

  it('reads every aggregation kind, suppression and tests', () => {
    const seq = `${BASE.replace('  condition: selection and not filter_svc\n', '')}sequence:
  by: [user.name]
  maxspan: 10m
  steps:
    - {name: reset, condition: selection, count: 2}
    - {name: svc, condition: filter_svc}
suppression: {group_by: [user.name], duration: 1h}
tests:
  - name: one
    source: okta
    events:
      - raw: {uuid: x}
      - ecs: {"@timestamp": "2024-01-01T00:00:00Z"}
    expect:
      count: 1
      alerts: [{user.name: alice}]
`;
    const r = parseRuleFile(seq, 'x.yml');
    expect(r.issues.map(formatIssue)).toEqual([]);
    expect(r.rule?.aggregation).toMatchObject({ type: 'sequence', by: ['user.name'], maxspanMs: 600_000 });
    expect(r.rule?.suppression).toEqual({ groupBy: ['user.name'], durationMs: 3_600_000 });
    expect(r.rule?.tests[0]?.events).toEqual([
      { kind: 'raw', source: 'okta', value: { uuid: 'x' } },
      { kind: 'ecs', value: { '@timestamp': '2024-01-01T00:00:00Z' } },
    ]);
    const thr = parseRuleFile(`${BASE}threshold: {count: 10, group_by: [source.ip], window: 5m}\n`, 'x.yml');
    expect(thr.rule?.aggregation).toEqual({ type: 'threshold', count: 10, groupBy: ['source.ip'], windowMs: 300_000 });
    const nt = parseRuleFile(`${BASE}new_terms: {fields: [source.ip], group_by: [user.name], history: 14d}\n`, 'x.yml');
    expect(nt.rule?.aggregation).toEqual({ type: 'new_terms', fields: ['source.ip'], groupBy: ['user.name'], historyMs: 14 * 86_400_000 });
    const card = parseRuleFile(`${BASE}cardinality: {field: user.name, count: 5, window: 1h}\n`, 'x.yml');
    expect(card.rule?.aggregation).toEqual({ type: 'cardinality', field: 'user.name', count: 5, groupBy: [], windowMs: 3_600_000 });
  });
});

describe('parseRuleFile: errors are located', () => {
  it('unknown modifier: path, line, column and a hint', () => {
    const text = BASE.replace('user.name|endswith', 'user.name|contantz');
    const i = only(text);
    expect(i).toMatchObject({ file: 'rules/x.yml', ruleId: 'okta.mfa-factor-reset', path: 'detection.filter_svc[0].user.name|contantz', ...at(text, 'user.name|contantz') });
    expect(i.message).toBe('unknown modifier "contantz" (did you mean "contains"?)');
    expect(formatIssue(i)).toBe(`rules/x.yml:${at(text, 'user.name|contantz').line}:7 [okta.mfa-factor-reset] detection.filter_svc[0].user.name|contantz: unknown modifier "contantz" (did you mean "contains"?)`);
  });

  it('unknown top-level key, with a hint, and the missing key it was meant to be', () => {
    const text = BASE.replace('severity: medium', 'severty: medium');
    const list = issues(text);
    expect(list.find((i) => i.path === 'severty')).toMatchObject({ ...at(text, 'severty'), message: 'unknown key "severty" (did you mean "severity"?)' });
    expect(list.find((i) => i.path === 'severity')?.message).toBe('is required');
  });

  it('YAML syntax errors carry the parser position', () => {
    const text = BASE.replace('  datasets: [okta.system]', '  datasets: [okta.system');
    const list = issues(text);
    expect(list[0]?.message).toMatch(/^YAML: /);
    expect(list[0]?.line).toBeGreaterThanOrEqual(8);
  });

  it('duplicate keys are YAML errors', () => {
    const text = BASE.replace('    event.outcome: success', '    event.outcome: success\n    event.outcome: failure');
    const list = issues(text);
    expect(list[0]).toMatchObject({ line: at(text, 'event.outcome: failure').line });
    expect(list[0]?.message).toMatch(/unique/);
  });

  it('condition: unknown selection at its character', () => {
    const text = BASE.replace('selection and not filter_svc', 'selection and not filter_sv');
    const i = only(text);
    expect(i.path).toBe('detection.condition');
    expect(i.message).toBe('unknown selection "filter_sv" (did you mean "filter_svc"?)');
  });

  it('condition: syntax error points inside the string', () => {
    const text = BASE.replace('condition: selection and not filter_svc', 'condition: selection and (filter_svc');
    const i = only(text);
    const start = at(text, 'selection and (');
    expect(i).toMatchObject({ path: 'detection.condition', line: start.line, col: start.col + 'selection and (filter_svc'.length });
    expect(i.message).toMatch(/^missing "\)"/);
  });

  it('condition: a glob that matches nothing, and "2 of"', () => {
    expect(only(BASE.replace('selection and not filter_svc', '1 of nomatch_*')).message).toBe('"nomatch_*" matches no selection');
    expect(only(BASE.replace('selection and not filter_svc', '2 of them')).message).toMatch(/"2 of" is not supported/);
  });

  it('durations: located, with the accepted forms', () => {
    const text = `${BASE}threshold: {count: 10, window: 5 minutes}\n`;
    const i = only(text);
    expect(i).toMatchObject({ path: 'threshold.window', ...at(text, '5 minutes') });
    expect(i.message).toMatch(/positive duration/);
  });

  it('at most one aggregation', () => {
    const text = `${BASE}threshold: {count: 10, window: 5m}\nnew_terms: {fields: [user.name], history: 1d}\n`;
    expect(only(text)).toMatchObject({ path: 'new_terms', ...at(text, 'new_terms'), message: 'a rule has at most one aggregation; "threshold" is already given' });
  });

  it('bad id, version and severity are all reported', () => {
    const text = BASE.replace('id: okta.mfa-factor-reset', 'id: Okta MFA').replace('version: 1', 'version: 0').replace('severity: medium', 'severity: hgih');
    const list = issues(text);
    expect(list.map((i) => i.path)).toEqual(['id', 'version', 'severity']);
    expect(list[2]?.message).toBe('must be one of low, medium, high, critical (did you mean "high"?)');
    expect(list.every((i) => i.ruleId === undefined)).toBe(true);
  });

  it('unknown dataset and malformed technique tag', () => {
    const text = BASE.replace('[okta.system]', '[okta.sytem]').replace('attack.t1556.006', 'attack.t15566');
    const list = issues(text);
    expect(list.find((i) => i.path === 'scope.datasets[0]')?.message).toBe('unknown dataset "okta.sytem" (did you mean "okta.system"?)');
    expect(list.find((i) => i.path === 'tags[1]')?.message).toMatch(/not an ATT&CK technique tag/);
  });

  it('value problems: exists with a list, null with contains, empty lists, objects', () => {
    const text = BASE.replace(
      '    event.outcome: success',
      '    event.outcome|exists: [true]\n    user.name|contains: null\n    user.email: []\n    user.id: {a: 1}',
    );
    const list = issues(text);
    expect(list.map((i) => i.path)).toEqual([
      'detection.selection.event.outcome|exists',
      'detection.selection.user.name|contains',
      'detection.selection.user.email',
      'detection.selection.user.id',
    ]);
    expect(list.map((i) => i.line)).toEqual([12, 13, 14, 15]);
  });

  it('modifier combinations', () => {
    const text = BASE.replace('    event.outcome: success', '    a|re|cased: x\n    b|contains|i: x\n    c|gt|lt: 1\n    d|all|all: x\n    e|exists|all: true');
    const messages = issues(text).map((i) => i.message);
    expect(messages).toEqual([
      '"re" is case-sensitive already; use "re|i" to ignore case',
      'modifier "i" only applies to "re" (other operators ignore case unless "cased")',
      'two operators: "gt" and "lt"',
      'modifier "all" given twice',
      'modifier "all" has no meaning for "exists"',
    ]);
  });

  it('sequence needs two steps', () => {
    const text = `${BASE.replace('  condition: selection and not filter_svc\n', '')}sequence:
  maxspan: 10m
  steps:
    - {name: only, condition: selection}
`;
    expect(only(text)).toMatchObject({ path: 'sequence.steps', message: 'a sequence needs at least 2 steps', line: at(text, '- {name: only').line });
  });

  it('tests need sources and real alert fields', () => {
    const text = `${BASE}threshold: {count: 2, group_by: [user.email], window: 1m}
tests:
  - name: t
    events:
      - raw: {a: 1}
    expect:
      count: 1
      alerts: [{user.nme: x}]
`;
    const list = issues(text);
    expect(list.map((i) => [i.path, i.message])).toEqual([
      ['tests[0].events[0].source', 'a raw event needs a source (here or on its test case)'],
      ['tests[0].expect.alerts[0].user.nme', '"user.nme" is not an alert field (did you mean "user.name"?) (alert fields: user.email, user.name, source.ip)'],
    ]);
    expect(list.every((i) => i.line !== undefined)).toBe(true);
  });

  it('reports every problem of a file in one run, in file order', () => {
    const text = BASE.replace('version: 1', 'version: one').replace('user.name|endswith', 'user.name|endwith').replace('[user.name, source.ip]', '[user.name, user.name]');
    const list = issues(text);
    expect(list.map((i) => i.path)).toEqual(['version', 'detection.filter_svc[0].user.name|endwith', 'output.fields[1]']);
    const lines = list.map((i) => i.line ?? 0);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('non-map documents and empty files', () => {
    expect(issues('- a\n- b\n')[0]?.message).toMatch(/one YAML map/);
    expect(issues('')[0]?.message).toMatch(/one YAML map/);
  });
});

describe('condition grammar', () => {
  it('precedence: not > and > or, keywords case-insensitive', () => {
    const r = parseCondition('a OR b and NOT c');
    expect(r).toEqual({
      ok: true,
      condition: {
        kind: 'or',
        args: [
          { kind: 'ref', name: 'a' },
          { kind: 'and', args: [{ kind: 'ref', name: 'b' }, { kind: 'not', arg: { kind: 'ref', name: 'c' } }] },
        ],
      },
    });
  });

  it('quantifiers', () => {
    expect(parseCondition('1 of sel_*')).toEqual({ ok: true, condition: { kind: 'of', quantifier: 'any', pattern: 'sel_*' } });
    expect(parseCondition('all of them')).toEqual({ ok: true, condition: { kind: 'of', quantifier: 'all', pattern: 'them' } });
    expect(parseCondition('any of x and not (1 of y*)')).toMatchObject({ ok: true });
  });

  it('errors with offsets', () => {
    expect(parseCondition('a and')).toMatchObject({ ok: false, offset: 5 });
    expect(parseCondition('a b')).toMatchObject({ ok: false, offset: 2 });
    expect(parseCondition('a & b')).toMatchObject({ ok: false, offset: 2, message: 'unexpected character "&"' });
    expect(parseCondition('sel_*')).toMatchObject({ ok: false, message: expect.stringMatching(/needs "1 of"/) as unknown });
    expect(parseCondition('('.repeat(100) + 'a' + ')'.repeat(100))).toMatchObject({ ok: false, message: expect.stringMatching(/deeper/) as unknown });
    expect(parseCondition('')).toMatchObject({ ok: false, message: 'empty condition' });
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['14d', 14 * 86_400_000],
    ['0s', 0],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '5', 'm', '1.5h', '1h30m', ' 5m', '5 m', '-5m', '5M', '500d', '5w'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
