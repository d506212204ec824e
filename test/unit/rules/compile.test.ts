import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { compileRule, createCidrMatcher, formatIssue, getter, loadRules, parseRuleFile, type CompiledRule, type RuleIssue } from '../../../src/rules/index.js';

function yamlRule(body: string, datasets = '[okta.system]', id = 't.compile'): string {
  return `id: ${id}
name: t
description: t
version: 1
severity: low
scope: {datasets: ${datasets}}
${body}`;
}

function compileText(text: string): { rule?: CompiledRule; issues: RuleIssue[] } {
  const parsed = parseRuleFile(text, 'r.yml');
  expect(parsed.issues.map(formatIssue)).toEqual([]);
  return compileRule(parsed.rule as NonNullable<typeof parsed.rule>);
}

const det = (lines: string, condition = 'sel'): string => `detection:\n  sel:\n${lines}\n  condition: ${condition}\n`;

describe('compileRule: fields against the ECS catalog', () => {
  it('an unknown field names the dataset and the closest field, at its line', () => {
    const text = yamlRule(det('    user.nme: alice'));
    const r = compileText(text);
    expect(r.rule).toBeUndefined();
    expect(r.issues).toEqual([
      { file: 'r.yml', ruleId: 't.compile', path: 'detection.sel.user.nme', line: 9, col: 5, message: 'unknown field "user.nme" in the ECS catalog of okta.system (did you mean "user.name"?)' },
    ]);
  });

  it('a field must exist in every dataset of the scope', () => {
    const r = compileText(yamlRule(det('    okta.actor.id: x'), '[okta.system, github.audit]'));
    expect(r.issues.map((i) => i.message)).toEqual(['unknown field "okta.actor.id" in the ECS catalog of github.audit']);
  });

  it('checks group_by, cardinality.field, new_terms, sequence.by, output and suppression fields', () => {
    const base = det('    event.action: x');
    const cases: [string, string][] = [
      ['threshold: {count: 2, group_by: [source.ipp], window: 1m}\n', 'threshold.group_by[0]'],
      ['cardinality: {field: user.nam, count: 2, window: 1m}\n', 'cardinality.field'],
      ['new_terms: {fields: [user.name, client.geoo.city_name], history: 1d}\n', 'new_terms.fields[1]'],
      ['new_terms: {fields: [user.name], group_by: [usr.name], history: 1d}\n', 'new_terms.group_by[0]'],
      ['suppression: {group_by: [user.nme], duration: 1h}\n', 'suppression.group_by[0]'],
      ['output: {fields: [user.name, source.ipp]}\n', 'output.fields[1]'],
    ];
    for (const [block, path] of cases) {
      const r = compileText(yamlRule(base + block));
      expect(r.issues.map((i) => i.path)).toEqual([path]);
      expect(r.issues[0]?.line).toBeDefined();
    }
    const seq = yamlRule(`detection:\n  a: {event.action: x}\n  b: {event.action: y}\nsequence:\n  by: [user.nam]\n  maxspan: 1m\n  steps: [{name: a, condition: a}, {name: b, condition: b}]\n`);
    expect(compileText(seq).issues.map((i) => [i.path, i.message])).toEqual([['sequence.by[0]', 'unknown field "user.nam" in the ECS catalog of okta.system (did you mean "user.name"?)']]);
  });

  it('accepts any sub-path of a flattened field, but never prototype names', () => {
    expect(compileText(yamlRule(det('    okta.target.anything.at.all: x'))).issues).toEqual([]);
    const r = compileText(yamlRule(det('    okta.target.__proto__.x: 1\n    okta.target.constructor: 1')));
    expect(r.issues.map((i) => i.message)).toEqual(['"__proto__" may not be part of a field path', '"constructor" may not be part of a field path']);
  });

  it('type sanity: operators against field types', () => {
    const bad: [string, RegExp][] = [
      ['user.name|gt: 5', /gt needs a numeric \(long, float\) or date field; user.name is keyword/],
      ['event.severity|cidr: 10.0.0.0/8', /cidr needs an ip or keyword field; event.severity is long/],
      ['event.severity|contains: 5', /contains needs a string field/],
      ['okta.device.managed: yes', /boolean field compares with true or false/],
      ['event.severity: high', /numeric field never equals a non-numeric string/],
      ['"@timestamp|gt": 5', /gt on a date field needs ISO-8601 dates/],
      ['event.severity|gt: 2024-01-01', /gt on a numeric field needs numbers/],
      ['client.geo.location: x', /geo_point field only supports exists/],
      ['message|cidr: 10.0.0.0/8', /cidr needs an ip or keyword field; message is text/],
    ];
    for (const [line, message] of bad) {
      const r = compileText(yamlRule(det(`    ${line}`)));
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]?.message).toMatch(message);
    }
    const good = ['event.severity|gte: 3', '"@timestamp|lt": 2024-01-01', 'okta.target.x|gt: 1', 'user.name|cidr: 10.0.0.0/8', 'source.ip|startswith: "10."', 'event.severity: "4*"', 'client.geo.location: null', 'okta.device.managed: "true"'];
    for (const line of good) expect(compileText(yamlRule(det(`    ${line}`))).issues.map(formatIssue)).toEqual([]);
  });

  it('values the engines refuse: regex, CIDR, comparison literal', () => {
    const r = compileText(yamlRule(det('    user.name|re: "(a)\\\\1"\n    source.ip|cidr: 10.0.0.0/33\n    okta.target.n|gt: soon')));
    expect(r.issues.map((i) => i.path)).toEqual(['detection.sel.user.name|re', 'detection.sel.source.ip|cidr', 'detection.sel.okta.target.n|gt']);
    expect(r.issues[0]?.message).toMatch(/backreference/);
    expect(r.issues[1]?.message).toMatch(/prefix length/);
    expect(r.issues[2]?.message).toMatch(/needs a number or an ISO-8601 date/);
    expect(r.issues.every((i) => i.line !== undefined)).toBe(true);
  });
});

describe('compileRule: plan', () => {
  it('merges equality lists into one set, folds duplicates, orders cheap tests first', () => {
    const r = compileText(
      yamlRule(`detection:
  a:
    user.name|re: '^x'
    event.action: [A, b]
  b:
    event.action: C
  c:
    event.action: b
  condition: (a or b or c) and (b or b)
`),
    );
    expect(r.rule?.plan).toBe(['and', '  "event.action" equals ["c"]', '  or', '    "event.action" in set ["b", "c"]', '    and', '      "event.action" in set ["a", "b"]', '      "user.name" matches regex "^x"'].join('\n'));
  });

  it('constant folding: x and not x never matches, x or not x always does', () => {
    expect(compileText(yamlRule(det('    user.name: a', 'sel and not sel'))).rule?.plan).toBe('false');
    expect(compileText(yamlRule(det('    user.name: a', 'sel or not sel'))).rule?.plan).toBe('true');
    expect(compileText(yamlRule(det('    user.name: a', 'not not sel'))).rule?.plan).toBe('"user.name" equals ["a"]');
  });

  it('wildcards become the cheapest test', () => {
    const plan = compileText(yamlRule(det("    user.name: ['ab*', '*cd', '*ef*', 'g?h']\n    user.email|cased: 'X*'"))).rule?.plan;
    expect(plan).toContain('"user.name" startswith ["ab"]');
    expect(plan).toContain('"user.name" endswith ["cd"]');
    expect(plan).toContain('"user.name" contains ["ef"]');
    expect(plan).toContain('"user.name" matches regex "(?s)^g.h$" on lowercased text');
    expect(plan).toContain('"user.email" startswith ["X"] cased');
  });
});

describe('compileRule: event.action prefilter', () => {
  const actions = (body: string): readonly string[] | undefined => compileText(yamlRule(body)).rule?.actions;
  it('pins the action when every path requires it', () => {
    expect(actions(det('    event.action: [User.Login, user.logout]\n    user.name: x'))).toEqual(['user.login', 'user.logout']);
    expect(actions(`detection:\n  a: {event.action: x}\n  b: {event.action: [y, z]}\n  condition: a or b\n`)).toEqual(['x', 'y', 'z']);
    expect(actions(`detection:\n  a: {event.action: [x, y]}\n  b: {event.action: [y, z]}\n  condition: a and b\n`)).toEqual(['y']);
    expect(actions(det('    event.action|cased: Mixed.Case'))).toEqual(['mixed.case']);
  });
  it('is undefined when any path does not pin it', () => {
    expect(actions(det('    user.name: x'))).toBeUndefined();
    expect(actions(`detection:\n  a: {event.action: x}\n  b: {user.name: y}\n  condition: a or b\n`)).toBeUndefined();
    expect(actions(det('    event.action: x', 'not sel'))).toBeUndefined();
    expect(actions(det("    event.action: 'user.*'"))).toBeUndefined();
    expect(actions(det('    event.action: [x, 5]'))).toBeUndefined();
  });
  it('for sequences, the union over steps', () => {
    const body = `detection:\n  a: {event.action: x}\n  b: {event.action: y}\nsequence:\n  by: [user.name]\n  maxspan: 1m\n  steps: [{name: a, condition: a, count: 2}, {name: b, condition: b}]\n`;
    const r = compileText(yamlRule(body));
    expect(r.rule?.actions).toEqual(['x', 'y']);
    expect(r.rule?.steps).toHaveLength(2);
    expect(r.rule?.groupBy).toHaveLength(1);
    const e = { '@timestamp': 't', event: { kind: 'event', dataset: 'okta.system', module: 'okta', action: 'y' }, user: { name: 'u' } } as EcsEvent;
    expect(r.rule?.steps.map((s) => s(e))).toEqual([false, true]);
    expect(r.rule?.referenceSteps.map((s) => s(e))).toEqual([false, true]);
    expect(r.rule?.match(e)).toBe(true);
    expect(r.rule?.groupBy[0]?.(e)).toBe('u');
  });
});

describe('getter', () => {
  const e = {
    '@timestamp': 't',
    event: { kind: 'event', dataset: 'd', module: 'm' },
    a: { 'b.c': { d: 1 }, b: { c: { e: 2 } } },
    list: [{ x: 1 }, { x: [2, 3] }, { y: 4 }, null],
    ['__proto__']: { polluted: true },
  } as unknown as EcsEvent;
  it('reads nested objects, dotted keys, and lists of objects', () => {
    expect(getter('a.b.c.d')(e)).toBe(1);
    expect(getter('a.b.c.e')(e)).toBe(2);
    expect(getter('list.x')(e)).toEqual([1, 2, 3]);
    expect(getter('list.z')(e)).toBeUndefined();
    expect(getter('event.dataset')(e)).toBe('d');
  });
  it('prefers plain nesting over a dotted key, and finds the dotted key past a value that is not an object', () => {
    const both = { p: { q: 1 }, 'p.q': 2, s: 'text', 's.t': 3, n: null, 'n.m': 4 } as unknown as EcsEvent;
    expect(getter('p.q')(both)).toBe(1);
    expect(getter('s.t')(both)).toBe(3);
    expect(getter('n.m')(both)).toBe(4);
    expect(getter('p.hasOwnProperty')(both)).toBeUndefined();
  });
  it('never walks into prototypes', () => {
    expect(getter('__proto__.polluted')(e)).toBeUndefined();
    expect(getter('a.constructor')(e)).toBeUndefined();
    expect(getter('a.toString')(e)).toBeUndefined();
    expect(getter('a..b')(e)).toBeUndefined();
    expect(getter('x')(null as unknown as EcsEvent)).toBeUndefined();
  });
});

describe('cidr matcher', () => {
  it('refuses malformed CIDRs', () => {
    for (const bad of ['10.0.0/8', '10.0.0.0/33', '1.2.3.256', '2001:db8::/129', '1::2::3', 'fe80::1%eth0', '10.0.0.0/', '10.0.0.0/-1', '']) {
      expect(createCidrMatcher([bad])).toHaveProperty('error');
    }
  });
  it('matches embedded IPv4 in IPv6 text', () => {
    const m = createCidrMatcher(['192.0.2.0/24']);
    if ('error' in m) throw new Error(m.error);
    expect(m.test('::ffff:192.0.2.9')).toBe(true);
    expect(m.test('64:ff9b::192.0.2.9')).toBe(false);
    expect(m.test('1:2:3:4:5:6:7:8:9')).toBe(false);
  });
});

describe('loadRules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sift-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('loads files and folders recursively, reports duplicates and broken rules, keeps the rest', () => {
    mkdirSync(join(dir, 'okta', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'a.yml'), yamlRule(det('    user.name: a'), '[okta.system]', 'rule.a'));
    writeFileSync(join(dir, 'okta', 'b.yaml'), yamlRule(det('    user.name: b'), '[okta.system]', 'rule.b'));
    writeFileSync(join(dir, 'okta', 'deep', 'dup.yml'), yamlRule(det('    user.name: c'), '[okta.system]', 'rule.a'));
    writeFileSync(join(dir, 'okta', 'deep', 'broken.yml'), yamlRule(det('    user.nme: c'), '[okta.system]', 'rule.broken'));
    writeFileSync(join(dir, 'okta', 'notes.txt'), 'not a rule');
    const set = loadRules([dir]);
    expect(set.rules.map((r) => r.spec.id)).toEqual(['rule.a', 'rule.b']);
    expect(set.issues.map((i) => [i.ruleId, i.path])).toEqual([
      ['rule.broken', 'detection.sel.user.nme'],
      ['rule.a', 'id'],
    ]);
    expect(formatIssue(set.issues[1] as RuleIssue)).toMatch(/dup\.yml:1:1 \[rule\.a\] id: duplicate rule id: already defined in .*a\.yml$/);
    expect(loadRules([join(dir, 'a.yml')]).rules).toHaveLength(1);
    expect(loadRules([join(dir, 'missing')]).issues[0]?.message).toMatch(/cannot read/);
  });

  it('follows symlinks like a ConfigMap volume, once per real folder, skipping dot-entries', () => {
    const cm = join(dir, 'configmap');
    mkdirSync(join(cm, '..2024_01_01'), { recursive: true });
    writeFileSync(join(cm, '..2024_01_01', 'r.yml'), yamlRule(det('    user.name: a'), '[okta.system]', 'rule.cm'));
    symlinkSync('..2024_01_01', join(cm, '..data'));
    symlinkSync(join('..data', 'r.yml'), join(cm, 'r.yml'));
    symlinkSync('.', join(cm, 'loop'));
    symlinkSync('nowhere.yml', join(cm, 'dangling.yml'));
    const set = loadRules([cm]);
    expect(set.rules.map((r) => r.spec.id)).toEqual(['rule.cm']);
    expect(set.issues).toEqual([]);
  });
});
