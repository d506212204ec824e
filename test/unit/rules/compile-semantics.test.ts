/**
 * The operator semantics table of docs/rules.md, row by row, on both
 * backends (generated code and reference interpreter).
 */
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { compileRule, formatIssue, parseRuleFile, type CompiledRule } from '../../../src/rules/index.js';

const MISSING = Symbol('missing');
type Value = unknown;

function compile(key: string, value: Value): CompiledRule {
  const text = `id: t.semantics
name: t
description: t
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  sel:
    ${JSON.stringify(key)}: ${JSON.stringify(value)}
  condition: sel
`;
  const parsed = parseRuleFile(text, 't.yml');
  expect(parsed.issues.map(formatIssue)).toEqual([]);
  const compiled = compileRule(parsed.rule as NonNullable<typeof parsed.rule>);
  expect(compiled.issues.map(formatIssue)).toEqual([]);
  return compiled.rule as CompiledRule;
}

/** An okta.system event with `value` at the dotted `path` (nested objects). */
function eventWith(path: string, value: Value): EcsEvent {
  const e: Record<string, unknown> = { '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' } };
  if (value === MISSING) return e as EcsEvent;
  const parts = path.split('.');
  let o = e;
  parts.slice(0, -1).forEach((p) => {
    o[p] ??= {};
    o = o[p] as Record<string, unknown>;
  });
  o[parts[parts.length - 1] ?? ''] = value;
  return e as EcsEvent;
}

type Row = readonly [key: string, value: Value, event: Value, expected: boolean];

const ROWS: readonly Row[] = [
  // equals: case folding
  ['user.name', 'Alice', 'alice', true],
  ['user.name', 'alice', 'ALICE', true],
  ['user.name|cased', 'Alice', 'alice', false],
  ['user.name|cased', 'Alice', 'Alice', true],
  ['user.name', ['bob', 'Alice'], 'alice', true],
  ['user.name', ['bob', 'carol'], 'alice', false],
  // wildcards
  ['user.name', 'al*', 'ALICE', true],
  ['user.name', '*ICE', 'alice', true],
  ['user.name', '*lic*', 'alice', true],
  ['user.name', 'a?ice', 'alice', true],
  ['user.name', 'a?ice', 'aice', false],
  ['user.name', 'a*e', 'alice', true],
  ['user.name', 'a*e', 'alicex', false],
  ['user.name', 'a*e', 'a\ne', true],
  ['user.name', 'a\\*', 'a*', true],
  ['user.name', 'a\\*', 'ab', false],
  ['user.name', 'a\\?', 'a?', true],
  ['user.name', 'C:\\Win*', 'c:\\windows', true],
  ['user.name', '*', 'x', true],
  ['user.name', '*', '', true],
  ['user.name', '*', MISSING, false],
  ['user.name', '*', null, false],
  ['user.name|cased', 'A*', 'abc', false],
  // null and missing
  ['user.name', null, MISSING, true],
  ['user.name', null, null, true],
  ['user.name', null, 'x', false],
  ['user.name', null, [], true],
  ['user.name', null, [null], true],
  ['user.name', null, [null, 'x'], false],
  ['user.name', ['a', null], MISSING, true],
  ['user.name', ['a', null], 'A', true],
  ['user.name', 'x', MISSING, false],
  ['user.name', 'x', { x: 1 }, false],
  // numbers
  ['event.severity', 5, 5, true],
  ['event.severity', 5, '5', true],
  ['event.severity', '5', 5, true],
  ['event.severity', 5, '05', true],
  ['event.severity', 5, '5.0', true],
  ['event.severity', 5, 'five', false],
  ['event.severity', 5, 6, false],
  ['event.severity', 5, '5e0', false],
  ['event.severity', [1, 2, 3], 2, true],
  ['event.severity', -1.5, '-1.5', true],
  ['user.name', '5', 5, true],
  ['user.name', '1234567890123456789', '1234567890123456788', false],
  ['user.name', '1234567890123456789', '1234567890123456789', true],
  ['user.name', 'abc', 5, false],
  // booleans
  ['okta.device.managed', true, true, true],
  ['okta.device.managed', true, 'true', true],
  ['okta.device.managed', true, 'TRUE', true],
  ['okta.device.managed', true, false, false],
  ['okta.device.managed', true, 1, false],
  ['okta.device.managed', 'false', false, true],
  ['okta.device.managed', false, 0, false],
  // arrays: any element
  ['event.category', 'web', ['iam', 'web'], true],
  ['event.category', 'web', [], false],
  ['event.category', 'web', ['iam'], false],
  ['event.category|all', ['iam', 'web'], ['web', 'iam'], true],
  ['event.category|all', ['iam', 'web'], ['web'], false],
  ['event.category', ['x', 'y'], ['a', 'y'], true],
  // contains / startswith / endswith
  ['user.name|contains', 'LIC', 'alice', true],
  ['user.name|contains|cased', 'LIC', 'alice', false],
  ['user.name|contains', ['zz', 'li'], 'alice', true],
  ['user.name|contains|all', ['al', 'ce'], 'alice', true],
  ['user.name|contains|all', ['al', 'zz'], 'alice', false],
  ['user.name|contains', 'a*e', 'xxalicexx', true],
  ['user.name|contains', 'x\\', 'ax\\b', true],
  ['user.name|contains', '', 'anything', true],
  ['user.name|startswith', 'AL', 'alice', true],
  ['user.name|startswith', 'li', 'alice', false],
  ['user.name|endswith', 'CE', 'alice', true],
  ['user.name|endswith', ['x', 'e'], 'alice', true],
  ['okta.target.code|contains', '40', 404, true],
  ['okta.target.flag|startswith', 'tr', true, true],
  ['user.name|contains', 'a', null, false],
  // re
  ['user.name|re', '^al.*e$', 'alice', true],
  ['user.name|re', '^al.*e$', 'ALICE', false],
  ['user.name|re|i', '^al.*e$', 'ALICE', true],
  ['user.name|re', 'lic', 'alice', true],
  ['user.name|re', ['^x', 'e$'], 'alice', true],
  ['user.name|re', '^a', ['b', 'a'], true],
  // cidr
  ['source.ip|cidr', '10.0.0.0/8', '10.1.2.3', true],
  ['source.ip|cidr', '10.0.0.0/8', '11.0.0.1', false],
  ['source.ip|cidr', '10.0.0.0/8', '::ffff:10.0.0.1', true],
  ['source.ip|cidr', '10.0.0.0/8', 'not an ip', false],
  ['source.ip|cidr', '10.0.0.0/8', 167772161, false],
  ['source.ip|cidr', '10.0.0.0/8', '010.0.0.1', false],
  ['source.ip|cidr', '192.168.1.0/24', '192.168.1.255', true],
  ['source.ip|cidr', '192.168.1.0/24', '192.168.2.0', false],
  ['source.ip|cidr', '192.168.1.7', '192.168.1.7', true],
  ['source.ip|cidr', '0.0.0.0/0', '8.8.8.8', true],
  ['source.ip|cidr', '2001:db8::/32', '2001:db8:1::5', true],
  ['source.ip|cidr', '2001:db8::/32', '2001:DB8::1', true],
  ['source.ip|cidr', '2001:db8::/32', '2001:db9::1', false],
  ['source.ip|cidr', '2001:db8::/32', '10.0.0.1', false],
  ['source.ip|cidr', 'fe80::/10', 'febf::1', true],
  ['source.ip|cidr', 'fe80::/10', 'fec0::1', false],
  ['source.ip|cidr', '::1/128', '0:0:0:0:0:0:0:1', true],
  ['source.ip|cidr', ['10.0.0.0/8', '2001:db8::/32'], '2001:db8::7', true],
  ['related.ip|cidr', '10.0.0.0/8', ['1.1.1.1', '10.0.0.1'], true],
  // exists
  ['user.name|exists', true, 'x', true],
  ['user.name|exists', true, '', true],
  ['user.name|exists', true, MISSING, false],
  ['user.name|exists', true, null, false],
  ['user.name|exists', false, MISSING, true],
  ['user.name|exists', false, 'x', false],
  ['event.category|exists', true, [], false],
  ['event.category|exists', true, [null, 'a'], true],
  // numeric comparisons
  ['event.severity|gt', 3, 5, true],
  ['event.severity|gt', 3, '5', true],
  ['event.severity|gt', 3, 3, false],
  ['event.severity|gte', 3, 3, true],
  ['event.severity|lt', 3, 2.5, true],
  ['event.severity|lte', 3, 4, false],
  ['event.severity|gt', 3, 'abc', false],
  ['event.severity|gt', 3, true, false],
  ['event.severity|gt', 3, MISSING, false],
  ['event.severity|gt', -1, [-5, 0], true],
  // dates
  ['@timestamp|gt', '2024-01-01', '2024-06-01T00:00:00Z', true],
  ['@timestamp|gt', '2024-01-01', '2023-12-31T23:59:59Z', false],
  ['@timestamp|gt', '2024-01-01', '2024-01-01T01:00:00+02:00', false],
  ['@timestamp|lt', '2024-01-01T00:00:00Z', '2023-12-31T23:59:59.999Z', true],
  ['@timestamp|gte', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00Z', true],
  ['@timestamp|gt', '2024-01-01', 'garbage', false],
  ['@timestamp|gt', '2024-01-01', 1_800_000_000_000, false],
];

describe('operator semantics (both backends)', () => {
  it.each(ROWS)('%s: %j on %j → %s', (key, value, eventValue, expected) => {
    const rule = compile(key, value);
    const field = key.split('|')[0] ?? '';
    const e = eventWith(field, eventValue);
    expect(rule.match(e)).toBe(expected);
    expect(rule.reference(e)).toBe(expected);
  });

  it('reads dotted keys under flattened fields', () => {
    const rule = compile('okta.debug_context.debug_data.flattened.risk.level', 'HIGH');
    const e = eventWith('okta.debug_context.debug_data.flattened', { 'risk.level': 'high' });
    expect(rule.match(e)).toBe(true);
    expect(rule.reference(e)).toBe(true);
    const nested = eventWith('okta.debug_context.debug_data.flattened', { risk: { level: 'high' } });
    expect(rule.match(nested)).toBe(true);
  });

  it('reads a path across a list of objects (every element counts)', () => {
    const targets = eventWith('okta.target', [{ type: 'AppInstance' }, { type: 'User', id: ['a', 'b'] }, 'junk']);
    for (const [value, expected] of [['User', true], ['Group', false]] as const) {
      const rule = compile('okta.target.type', value);
      expect(rule.match(targets)).toBe(expected);
      expect(rule.reference(targets)).toBe(expected);
    }
    expect(compile('okta.target.id', 'b').match(targets)).toBe(true);
    expect(compile('okta.target.type', null).match(targets)).toBe(false);
  });

  it('never reads inherited properties', () => {
    const rule = compile('okta.target.toString|exists', true);
    expect(rule.match(eventWith('okta.target', {}))).toBe(false);
    expect(rule.reference(eventWith('okta.target', {}))).toBe(false);
  });
});
