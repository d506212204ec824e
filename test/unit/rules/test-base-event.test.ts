/**
 * `base_event` + per-event `overrides` in rule tests: a case states only what
 * differs from one base record; the patch is a JSON Merge Patch (RFC 7386).
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/ecs/index.js';
import { compileRule, formatIssue, parseRuleFile } from '../../../src/rules/index.js';
import { mergePatch } from '../../../src/rules/spec/merge-patch.js';
import { runRule } from '../../../src/rules/testing/index.js';

describe('mergePatch', () => {
  // RFC 7386, Appendix A (https://www.rfc-editor.org/rfc/rfc7386#appendix-A): original, patch, result.
  const cases: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)('%j patched with %j is %j', (original, patch, result) => {
    const before = JSON.stringify(original);
    expect(mergePatch(original, patch)).toEqual(result);
    expect(JSON.stringify(original)).toBe(before);
  });
});

const HEAD = `id: tmp.mfa-reset-all
name: Okta admin reset all MFA factors
description: Resetting every factor lets whoever holds the password enroll a new one.
version: 1
severity: medium
scope: {datasets: [okta.system]}
detection:
  reset: {event.action: user.mfa.factor.reset_all, event.outcome: success}
  condition: reset
output: {fields: [user.name, user.target.name]}
`;

const BASE = `base_event:
  source: okta
  raw: {"uuid": "a1", "published": "2024-05-14T16:02:11Z", "eventType": "user.mfa.factor.reset_all", "actor": {"id": "00u1", "type": "User", "alternateId": "jack@acme.io"}, "target": [{"id": "00u2", "type": "User", "alternateId": "alice@acme.io"}], "outcome": {"result": "SUCCESS"}}
`;

function load(text: string) {
  const parsed = parseRuleFile(text, 'mem.yml');
  if (parsed.rule === undefined) return { issues: parsed.issues.map(formatIssue) };
  const compiled = compileRule(parsed.rule);
  return { rule: compiled.rule, issues: compiled.issues.map(formatIssue) };
}

describe('base_event and overrides', () => {
  it('runs each case on the base event patched by its overrides', () => {
    const { rule, issues } = load(`${HEAD}${BASE}tests:
  - name: the base as it is
    events: [{overrides: {}}]
    expect: {count: 1, alerts: [{user.name: jack@acme.io, user.target.name: alice@acme.io}]}
  - name: another actor, the rest of actor kept
    events: [{overrides: {uuid: a2, actor: {alternateId: bob@acme.io}}}]
    expect: {count: 1, alerts: [{user.name: bob@acme.io, user.target.name: alice@acme.io}]}
  - name: a single factor is not all of them
    events: [{overrides: {uuid: a3, eventType: user.mfa.factor.deactivate}}]
    expect: {count: 0}
  - name: null deletes the outcome, so it is not a success
    events: [{overrides: {uuid: a4, outcome: null}}]
    expect: {count: 0}
  - name: full events still work beside overrides
    events:
      - raw: {"uuid": "a5", "published": "2024-05-14T16:05:00Z", "eventType": "user.mfa.factor.reset_all", "actor": {"id": "00u9", "type": "User", "alternateId": "eve@acme.io"}, "outcome": {"result": "SUCCESS"}}
        source: okta
      - overrides: {uuid: a6}
    expect: {count: 2, alerts: [{user.name: eve@acme.io}, {user.name: jack@acme.io}]}
`);
    expect(issues).toEqual([]);
    const report = rule && runRule(rule);
    expect(report?.cases.map((c) => [c.name, c.passed, c.message ?? ''])).toEqual([
      ['the base as it is', true, ''],
      ['another actor, the rest of actor kept', true, ''],
      ['a single factor is not all of them', true, ''],
      ['null deletes the outcome, so it is not a success', true, ''],
      ['full events still work beside overrides', true, ''],
    ]);
    // The patch kept the actor's id: the event is the base with one key changed.
    const second = rule?.spec.tests[1]?.events[0];
    expect(second?.kind === 'raw' ? second.value : undefined).toMatchObject({ uuid: 'a2', actor: { id: '00u1', type: 'User', alternateId: 'bob@acme.io' }, outcome: { result: 'SUCCESS' } });
  });

  it('an ECS base event patches into ECS events', () => {
    const { rule, issues } = load(`${HEAD}base_event:
  ecs: {"@timestamp": "2024-05-01T10:00:00Z", event: {kind: event, dataset: okta.system, module: okta, action: user.mfa.factor.reset_all, outcome: success}, user: {name: alice@example.com}}
tests:
  - name: success
    events: [{overrides: {}}]
    expect: {count: 1, alerts: [{user.name: alice@example.com}]}
  - name: failure
    events: [{overrides: {event: {outcome: failure}}}]
    expect: {count: 0}
`);
    expect(issues).toEqual([]);
    expect(rule && runRule(rule).cases.map((c) => c.passed)).toEqual([true, true]);
  });

  it('reports overrides without a base_event, and a broken event, each where it is written', () => {
    const { issues } = load(`${HEAD}tests:
  - name: no base
    events: [{overrides: {uuid: a2}}]
    expect: {count: 0}
  - name: two kinds
    events: [{overrides: {uuid: a2}, raw: {}}]
    expect: {count: 0}
`);
    expect(issues).toEqual([
      'mem.yml:13:15 [tmp.mfa-reset-all] tests[0].events[0].overrides: overrides apply to a base_event: add one at the top of the file',
      'mem.yml:16:14 [tmp.mfa-reset-all] tests[1].events[0]: an event has exactly one of "raw" (a vendor record), "ecs" (an ECS document) or "overrides" (of base_event)',
    ]);
  });

  it('refuses a base_event that is not a map, and does not report its events again', () => {
    const { issues } = load(`${HEAD}base_event: {source: okta, raw: [1, 2]}
tests:
  - name: x
    events: [{overrides: {uuid: a2}}]
    expect: {count: 0}
`);
    expect(issues).toEqual(['mem.yml:11:33 [tmp.mfa-reset-all] base_event.raw: a base event is a map (overrides merge into it)']);
  });
});
