/**
 * Rule language v2 constructs (issue 13): same-element matching (`|any`),
 * field-to-field comparisons (`|neq_field`, `|domain`), per-dataset
 * selections. Every expectation is written by hand from the event shown;
 * each is checked on the generated code and on the interpreter.
 */
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { compileRule, formatIssue, parseRuleFile, type CompiledRule } from '../../../src/rules/index.js';

function load(body: string, datasets = '[gcp.audit]'): { rule?: CompiledRule; issues: string[] } {
  const text = `id: t.construct\nname: t\ndescription: t\nversion: 1\nseverity: low\nscope: {datasets: ${datasets}}\n${body}`;
  const parsed = parseRuleFile(text, 't.yml');
  if (parsed.rule === undefined) return { issues: parsed.issues.map(formatIssue) };
  const compiled = compileRule(parsed.rule);
  return { ...(compiled.rule ? { rule: compiled.rule } : {}), issues: compiled.issues.map(formatIssue) };
}

function rule(body: string, datasets?: string): CompiledRule {
  const r = load(body, datasets);
  expect(r.issues).toEqual([]);
  return r.rule as CompiledRule;
}

/** Both backends, and they must agree. */
function both(r: CompiledRule, e: unknown): boolean {
  const ev = e as EcsEvent;
  const generated = r.match(ev);
  expect(r.reference(ev), r.source).toBe(generated);
  return generated;
}

const gcp = (deltas: unknown, actor: string | null = 'bob@example.com'): unknown => ({
  '@timestamp': '2024-06-09T12:00:00Z',
  event: { kind: 'event', dataset: 'gcp.audit', module: 'gcp', action: 'SetIamPolicy' },
  user: { email: actor },
  gcp: { audit: { service_data: { policyDelta: { bindingDeltas: deltas } } } },
});

describe('|any: all tests hold for one element', () => {
  const owner = rule(`detection:
  grant:
    gcp.audit.service_data.policyDelta.bindingDeltas|any: {action: ADD, role: roles/owner}
  condition: grant
`);

  it('holds when one element has both', () => {
    expect(both(owner, gcp([{ action: 'ADD', role: 'roles/owner', member: 'user:cat@example.com' }]))).toBe(true);
    expect(both(owner, gcp([{ action: 'ADD', role: 'roles/viewer' }, { action: 'ADD', role: 'roles/owner' }]))).toBe(true);
    // A single object is a list of one.
    expect(both(owner, gcp({ action: 'ADD', role: 'roles/owner' }))).toBe(true);
  });

  it('does not hold when the conditions are met by different elements', () => {
    // ADD of viewer and REMOVE of owner: the flattened reading (any action ADD, any role owner) would match.
    expect(both(owner, gcp([{ action: 'ADD', role: 'roles/viewer' }, { action: 'REMOVE', role: 'roles/owner' }]))).toBe(false);
    expect(both(owner, gcp([]))).toBe(false);
    expect(both(owner, gcp(['ADD', 'roles/owner']))).toBe(false);
    expect(both(owner, gcp(undefined))).toBe(false);
  });

  it('element tests take modifiers, lists and not', () => {
    const r = rule(`detection:
  grant:
    gcp.audit.service_data.policyDelta.bindingDeltas|any: {action: ADD, role|endswith: [.admin, /owner], member|startswith: 'user:'}
  condition: grant
`);
    expect(both(r, gcp([{ action: 'add', role: 'roles/iam.securityAdmin', member: 'user:x@y.z' }]))).toBe(false);
    expect(both(r, gcp([{ action: 'add', role: 'roles/compute.admin', member: 'user:x@y.z' }]))).toBe(true);
    expect(both(r, gcp([{ action: 'ADD', role: 'roles/owner', member: 'serviceAccount:a@p.iam.gserviceaccount.com' }]))).toBe(false);
  });

  it('shows the element test in the plan and as its own function in the generated code', () => {
    expect(owner.plan).toBe(['"gcp.audit.service_data.policyDelta.bindingDeltas" any element', '  and', '    "action" equals ["add"]', '    "role" equals ["roles/owner"]'].join('\n'));
    expect(owner.source).toMatch(/const t\d+ = \(x, e\) => \{ let v\d+, v\d+; return \(/);
    expect(owner.source).toMatch(/return anyObject\(v\d+ \?\?= g\d+\(e\), t\d+, e\);/);
  });

  it('needs a list-of-objects field and a map, and refuses other modifiers beside any', () => {
    expect(load(`detection:\n  s: {user.email|any: {a: b}}\n  condition: s\n`).issues.join('\n')).toContain('any needs a list of objects');
    expect(load(`detection:\n  s: {gcp.audit.service_data.x|any: b}\n  condition: s\n`).issues.join('\n')).toContain('must be a map of field tests');
    expect(load(`detection:\n  s: {gcp.audit.service_data.x|any|cased: {a: b}}\n  condition: s\n`).issues.join('\n')).toContain('"any" takes no other modifier');
  });
});

describe('field-to-field comparisons and |domain', () => {
  const external = rule(`detection:
  grant:
    gcp.audit.service_data.policyDelta.bindingDeltas|any:
      action: ADD
      member|domain|neq_field: user.email|domain
  condition: grant
`);

  it('member outside the actor\'s own domain', () => {
    expect(both(external, gcp([{ action: 'ADD', member: 'user:mallory@evil.example' }]))).toBe(true);
    // Same domain, compared case-insensitively.
    expect(both(external, gcp([{ action: 'ADD', member: 'user:cat@EXAMPLE.com' }]))).toBe(false);
    // The external member is removed, not added: different elements.
    expect(both(external, gcp([{ action: 'REMOVE', member: 'user:m@evil.example' }, { action: 'ADD', member: 'user:c@example.com' }]))).toBe(false);
    // No actor e-mail: nothing to compare with, never "different".
    expect(both(external, gcp([{ action: 'ADD', member: 'user:m@evil.example' }], null))).toBe(false);
    // A member without a domain (allUsers) has no domain to compare.
    expect(both(external, gcp([{ action: 'ADD', member: 'allUsers' }]))).toBe(false);
  });

  const cmp = (op: string, value: unknown, other: unknown, cased = ''): boolean =>
    both(
      rule(`detection:\n  s: {user.target.email${cased}|${op}: user.email}\n  condition: s\n`, '[okta.system]'),
      { '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' }, user: { email: other, target: { email: value } } },
    );

  it('eq, neq, contains, startswith, endswith on scalars', () => {
    expect(cmp('eq_field', 'A@x.io', 'a@x.io')).toBe(true);
    expect(cmp('eq_field', 'A@x.io', 'a@x.io', '|cased')).toBe(false);
    expect(cmp('neq_field', 'a@x.io', 'b@x.io')).toBe(true);
    expect(cmp('neq_field', 'a@x.io', 'A@X.IO')).toBe(false);
    expect(cmp('contains_field', 'pre-a@x.io-post', 'a@x.io')).toBe(true);
    expect(cmp('startswith_field', 'a@x.io.bak', 'a@x.io')).toBe(true);
    expect(cmp('endswith_field', 'old.a@x.io', 'a@x.io')).toBe(true);
    expect(cmp('endswith_field', 'a@x.io.old', 'a@x.io')).toBe(false);
  });

  it('missing values and arrays', () => {
    expect(cmp('eq_field', 'a', undefined)).toBe(false);
    expect(cmp('neq_field', 'a', undefined)).toBe(false);
    expect(cmp('neq_field', undefined, 'a')).toBe(false);
    // Some element equals none of the other side's.
    expect(cmp('neq_field', ['a', 'b'], ['a'])).toBe(true);
    expect(cmp('neq_field', ['a', 'b'], ['b', 'a'])).toBe(false);
    expect(cmp('eq_field', ['x', 'b'], ['a', 'b'])).toBe(true);
    // Numbers compare as their text.
    expect(cmp('eq_field', 5, '5')).toBe(true);
  });

  it('copy to another region is one line', () => {
    const r = rule(`detection:\n  s: {event.action: CopySnapshot, aws.cloudtrail.flattened.request_parameters.sourceRegion|neq_field: cloud.region}\n  condition: s\n`, '[aws.cloudtrail]');
    const ev = (from: string): unknown => ({ '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'aws.cloudtrail', module: 'aws', action: 'CopySnapshot' }, cloud: { region: 'eu-west-1' }, aws: { cloudtrail: { flattened: { request_parameters: { sourceRegion: from } } } } });
    expect(both(r, ev('us-east-1'))).toBe(true);
    expect(both(r, ev('eu-west-1'))).toBe(false);
  });

  it('|domain alone is a derived value for every operator', () => {
    const r = rule(`detection:\n  s: {user.email|domain: [example.com], user.target.email|domain|endswith: .ru}\n  condition: s\n`, '[okta.system]');
    const ev = (a: unknown, b: unknown): unknown => ({ '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' }, user: { email: a, target: { email: b } } });
    expect(both(r, ev('admin@Example.com', 'x@mail.ru'))).toBe(true);
    expect(both(r, ev('example.com', 'x@mail.ru'))).toBe(false);
    expect(both(r, ev(['x@a.io', 'y@example.com'], 'z@y.ru'))).toBe(true);
    expect(both(r, ev('admin@example.com', 'x@mail.ru.com'))).toBe(false);
  });

  it('checks the other field against the catalog and refuses a bad value', () => {
    expect(load(`detection:\n  s: {user.email|neq_field: user.emial}\n  condition: s\n`, '[okta.system]').issues.join('\n')).toContain('unknown field "user.emial"');
    expect(load(`detection:\n  s: {user.email|neq_field: [a, b]}\n  condition: s\n`, '[okta.system]').issues.join('\n')).toContain('a field comparison takes one field name');
    expect(load(`detection:\n  s: {user.email|neq_field|all: user.name}\n  condition: s\n`, '[okta.system]').issues.join('\n')).toContain('takes only "cased" and "domain"');
  });
});

describe('per-dataset selections', () => {
  const signIn = rule(
    `detection:
  sign_in:
    okta.system: {event.action: user.session.start, okta.outcome.result: SUCCESS}
    aws.cloudtrail:
      - {event.action: ConsoleLogin, aws.cloudtrail.console_login.additional_eventdata.mfa_used: false}
  condition: sign_in
`,
    '[okta.system, aws.cloudtrail]',
  );
  const okta = { '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta', action: 'user.session.start' }, okta: { outcome: { result: 'SUCCESS' } } };
  const aws = { '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'aws.cloudtrail', module: 'aws', action: 'ConsoleLogin' }, aws: { cloudtrail: { console_login: { additional_eventdata: { mfa_used: false } } } } };

  it('each dataset uses its own fields (checked against its own catalog only)', () => {
    expect(both(signIn, okta)).toBe(true);
    expect(both(signIn, aws)).toBe(true);
    // The Okta branch does not apply to a CloudTrail event carrying Okta's fields, and back.
    expect(both(signIn, { ...okta, event: { ...okta.event, dataset: 'aws.cloudtrail' } })).toBe(false);
    expect(both(signIn, { ...aws, event: { ...aws.event, dataset: 'okta.system' } })).toBe(false);
  });

  it('compiles to one specialized predicate per dataset, without a dataset test', () => {
    const o = signIn.byDataset?.get('okta.system');
    const a = signIn.byDataset?.get('aws.cloudtrail');
    expect(o?.match(okta as unknown as EcsEvent)).toBe(true);
    expect(a?.match(aws as unknown as EcsEvent)).toBe(true);
    expect(a?.match(okta as unknown as EcsEvent)).toBe(false);
    expect(signIn.plan).toBe(
      [
        'dataset "okta.system":',
        '  and',
        '    "event.action" equals ["user.session.start"]',
        '    "okta.outcome.result" equals ["success"]',
        'dataset "aws.cloudtrail":',
        '  and',
        '    "event.action" equals ["consolelogin"]',
                // `false` also matches the string "false" (docs/rules.md, Booleans).
        '    "aws.cloudtrail.console_login.additional_eventdata.mfa_used" in set ["false", false]',
      ].join('\n'),
    );
    expect(signIn.actions).toEqual(['consolelogin', 'user.session.start']);
  });

  it('the same fields in a plain selection are an error for the other dataset', () => {
    const r = load(`detection:\n  s: {okta.outcome.result: SUCCESS}\n  condition: s\n`, '[okta.system, aws.cloudtrail]');
    expect(r.issues.join('\n')).toContain('unknown field "okta.outcome.result" in the ECS catalog of aws.cloudtrail');
  });

  it('names datasets of the scope only, and only datasets', () => {
    expect(load(`detection:\n  s:\n    okta.system: {event.action: a}\n    github.audit: {event.action: b}\n  condition: s\n`, '[okta.system]').issues.join('\n')).toContain('dataset "github.audit" is not in scope.datasets');
    expect(load(`detection:\n  s:\n    okta.system: {event.action: a}\n    event.outcome: success\n  condition: s\n`, '[okta.system]').issues.join('\n')).toContain('keyed by datasets only; "event.outcome" is not one');
  });
});
