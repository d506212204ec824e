/**
 * The generated JS, as readable files: three representative rules are
 * snapshot-tested into __snapshots__/*.js (review them like code), and the
 * generated predicates are fuzzed with arbitrary JSON to show they never throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { compileRule, formatIssue, parseRuleFile, type CompiledRule } from '../../../src/rules/index.js';

const HEAD = `name: t
description: t
version: 1
severity: medium
scope: {datasets: [okta.system]}
`;

const RULES: Readonly<Record<string, string>> = {
  'okta-mfa-factor-reset': `id: okta.mfa-factor-reset
${HEAD}detection:
  selection:
    event.action: [user.mfa.factor.deactivate, user.mfa.factor.reset_all]
    event.outcome: success
  filter_svc:
    - user.name|endswith: '@svc.example.com'
    - user.name|startswith: 'svc-'
  condition: selection and not filter_svc
output:
  fields: [user.name, source.ip]
`,
  'kitchen-sink': `id: test.kitchen-sink
${HEAD}detection:
  sel_admin:
    event.action|startswith: [user.account., group.user_membership.]
    user.target.name|cased: ['Admin*', '*-ADMIN']
    user.name: ['a?ice*', null]
  sel_net:
    source.ip|cidr: [10.0.0.0/8, 'fd00::/8']
    related.ip|cidr|all: [192.168.0.0/16, 172.16.0.0/12]
  sel_risk:
    event.severity|gte: 3
    '@timestamp|lt': 2030-01-01
    okta.debug_context.debug_data.risk.level: [HIGH, 5, true]
    user_agent.original|re|i: '^curl/\\d+'
  quiet:
    okta.device.managed: true
    user.email|exists: false
  condition: (1 of sel_*) and not quiet and (sel_admin or not quiet)
`,
  'sequence-brute-force': `id: okta.mfa-brute-force
${HEAD}detection:
  mfa: {event.action: user.authentication.auth_via_mfa}
  failed: {event.outcome: failure}
  ok: {event.outcome: success}
sequence:
  by: [user.name]
  maxspan: 10m
  steps:
    - {name: failures, condition: mfa and failed, count: 3}
    - {name: success, condition: mfa and ok}
`,
  // Rule language v2: a per-dataset selection (one function per dataset), \`|any\` (an element function), a field comparison on \`|domain\`.
  'constructs-v2': `id: test.constructs-v2
name: t
description: t
version: 1
severity: medium
scope: {datasets: [okta.system, gcp.audit]}
detection:
  grant:
    okta.system: {event.action: group.user_membership.add, user.target.email|domain|neq_field: user.email|domain}
    gcp.audit:
      event.action|endswith: SetIamPolicy
      gcp.audit.service_data.policyDelta.bindingDeltas|any: {action: ADD, role: roles/owner, member|domain|neq_field: user.email|domain}
  condition: grant
`,
};

function compile(text: string): CompiledRule {
  const parsed = parseRuleFile(text, 'snap.yml');
  expect(parsed.issues.map(formatIssue)).toEqual([]);
  const r = compileRule(parsed.rule as NonNullable<typeof parsed.rule>);
  expect(r.issues.map(formatIssue)).toEqual([]);
  return r.rule as CompiledRule;
}

describe('generated code', () => {
  it.each(Object.entries(RULES))('%s: snapshot of the generated JS', async (name, text) => {
    const rule = compile(text);
    const file = `// Generated code of rule ${rule.spec.id}, as \`sift rules explain\` shows it.\n/* Plan:\n${rule.plan}\n*/\n${rule.source.replace(/^function /gm, 'export function ')}`;
    await expect(file).toMatchFileSnapshot(`__snapshots__/${name}.js`);
  });

  it('is readable: a header naming the rule, one test per line, indented', () => {
    const rule = compile(RULES['okta-mfa-factor-reset'] ?? '');
    const lines = rule.source.split('\n');
    expect(lines[0]).toBe('function match_build(c) {');
    expect(lines[1]).toBe('  // Sift rule okta.mfa-factor-reset: detection.condition');
    const body = lines.slice(lines.indexOf('    return (') + 1, -4);
    expect(body.filter((l) => l.includes('any('))).toHaveLength(4);
    expect(body.every((l) => l.startsWith('      '))).toBe(true);
  });

  it('shares a repeated test: evaluated once per event', () => {
    const rule = compile(`id: t.shared\n${HEAD}detection:\n  a: {user.name|re: '^x', event.outcome: success}\n  b: {user.name|re: '^x', event.outcome: failure}\n  condition: a or b\n`);
    expect(rule.source).toMatch(/let (v\d, ){2}r0;/);
    // Both branches read the cached answer; the test function itself is emitted once.
    expect(rule.source.match(/\(r0 \?\?= any\(/g)).toHaveLength(2);
    expect(rule.source.match(/const t\d+ = .*\.test\(/g)).toHaveLength(1);
  });

  it('never throws, whatever the event holds', () => {
    const rules = Object.values(RULES).map(compile);
    const json = fc.jsonValue({ maxDepth: 4 });
    const event = fc.record({ user: json, event: json, source: json, related: json, okta: json, user_agent: json, '@timestamp': json, x: json }, { requiredKeys: [] });
    fc.assert(
      fc.property(event, (e) => {
        // Through JSON text, so that `__proto__` keys become own properties as they do in real events.
        const parsed = JSON.parse(JSON.stringify(e)) as EcsEvent;
        for (const r of rules) {
          expect(r.match(parsed)).toBe(r.reference(parsed));
          r.steps.forEach((s, i) => expect(s(parsed)).toBe(r.referenceSteps[i]?.(parsed)));
        }
      }),
      { numRuns: 500, seed: 42 },
    );
  });
});
