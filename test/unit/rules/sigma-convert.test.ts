/**
 * Whole-rule conversion: logsources, field names per product, conditions,
 * metadata, and the rule shapes Sift does not run (aggregations,
 * correlations, collections).
 */
import { describe, expect, it } from 'vitest';
import { bindLogsource, convertSigma } from '../../../src/rules/sigma/index.js';
import { CLOUDTRAIL, convert, GCP, GITHUB, OKTA, reason, selection, sigmaText, WORKSPACE_ADMIN, WORKSPACE_LOGIN } from './sigma-helpers.js';

const SEL = { selection: { eventType: 'user.session.start' }, condition: 'selection' };

describe('logsource', () => {
  it.each([
    [OKTA, ['okta.system']],
    [{ product: 'okta' }, ['okta.system']],
    [CLOUDTRAIL, ['aws.cloudtrail']],
    [GCP, ['gcp.audit']],
    [GITHUB, ['github.audit']],
    [WORKSPACE_ADMIN, ['google_workspace.admin']],
    [{ product: 'google_workspace', service: 'google_workspace.login' }, ['google_workspace.login']],
  ])('%o → %o', (logsource, datasets) => {
    const bound = bindLogsource(logsource);
    expect(bound.ok && bound.value.datasets).toEqual(datasets);
  });

  it.each([
    [{ product: 'm365', service: 'threat_management' }, 'logsource product=m365 service=threat_management has no Sift source'],
    [{ product: 'azure', service: 'activitylogs' }, 'logsource product=azure service=activitylogs has no Sift source'],
    [{ product: 'windows', category: 'process_creation' }, 'logsource product=windows category=process_creation has no Sift source'],
    [{ product: 'gcp', service: 'google_workspace.nosuchapp' }, 'logsource product=gcp service=google_workspace.nosuchapp has no Sift source'],
    [{ product: 'aws' }, 'logsource product=aws has no Sift source'],
  ])('%o is unsupported', (logsource, why) => {
    const r = convert(SEL, logsource);
    expect(r.ok ? '' : r.reason).toBe(why);
    expect(r.ok ? '' : r.kind).toBe('logsource');
  });
});

describe('field names', () => {
  it('maps raw vendor names, whatever their case, to the fields Sift emits', () => {
    expect(selection({ eventtype: 'a', 'actor.alternateid': 'b', 'client.ipAddress': '10.0.0.1', 'outcome.result': 'FAILURE' })).toEqual({
      'event.action': 'a',
      'okta.actor.alternate_id': 'b',
      'okta.client.ip': '10.0.0.1',
      'okta.outcome.result': 'FAILURE',
    });
    expect(selection({ 'debugContext.debugData.requestUri': '/x', 'debugContext.debugData.someNewKey': 'y', 'request.ipChain.ipAddress': '10.0.0.1' })).toEqual({
      'okta.debug_context.debug_data.request_uri': '/x',
      'okta.debug_context.debug_data.flattened.someNewKey': 'y',
      'okta.request.ip_chain.ip_address': '10.0.0.1',
    });
    expect(selection({ eventSource: 's3.amazonaws.com', 'userIdentity.type': 'Root', 'requestParameters.bucketName': 'b', 'additionalEventData.MFAUsed': 'No' }, CLOUDTRAIL)).toEqual({
      'event.provider': 's3.amazonaws.com',
      'aws.cloudtrail.user_identity.type': 'Root',
      'aws.cloudtrail.flattened.request_parameters.bucketName': 'b',
      'aws.cloudtrail.flattened.additional_eventdata.MFAUsed': 'No',
    });
    expect(selection({ 'data.protoPayload.serviceName': 'x', 'protoPayload.Servicename|contains': 'y', 'gcp.audit.resource_name': 'r' }, GCP)).toEqual({
      'gcp.audit.service_name': 'x',
      'gcp.audit.service_name|contains': 'y',
      'gcp.audit.resource_name': 'r',
    });
  });

  it('follows GitHub\'s named-field-or-catch-all rule', () => {
    expect(selection({ action: 'repo.create', actor: 'a', repo: 'o/r', 'data.head_branch': 'main', conclusion: 'failure', 'data.custom': 'x' }, GITHUB)).toEqual({
      'event.action': 'repo.create',
      'user.name': 'a',
      'github.repo': 'o/r',
      'github.data.head_branch': 'main',
      'github.flattened.conclusion': 'failure',
      'github.flattened.data.custom': 'x',
    });
  });

  it('files Workspace parameters where Sift\'s normalizer does, and the API host as the application', () => {
    expect(selection({ eventService: 'admin.googleapis.com', eventName: 'CHANGE_APPLICATION_SETTING', setting_name: 'x', new_value: 'false', user_email: 'u@e' }, WORKSPACE_ADMIN)).toEqual({
      'google_workspace.id.application_name': 'admin',
      'event.action': 'CHANGE_APPLICATION_SETTING',
      'google_workspace.admin.setting.name': 'x',
      'google_workspace.admin.new_value': 'false',
      'google_workspace.admin.user.email': 'u@e',
    });
    expect(selection({ 'protoPayload.metadata.event.eventName': 'login_failure', login_type: 'google_password' }, WORKSPACE_LOGIN)).toEqual({
      'event.action': 'login_failure',
      'google_workspace.login.type': 'google_password',
    });
    expect(reason({ 'eventService|contains': 'admin' }, WORKSPACE_ADMIN)).toMatch(/only equals tests carry over/);
    expect(reason({ 'protoPayload.metadata.event.parameter.value': 'x' }, WORKSPACE_ADMIN)).toMatch(/has no ECS mapping/);
  });

  it('refuses fields Sift does not keep, or keeps only blended with others', () => {
    expect(reason({ legacyEventType: 'x' })).toMatch(/Sift does not keep legacyEventType/);
    expect(reason({ 'userIdentity.userName': 'x' }, CLOUDTRAIL)).toMatch(/user.name blends userName and/);
    expect(reason({ 'changes.before': 'x' }, GITHUB)).toMatch(/keeps only changes.billing_plan/);
    // Parsed text: existence still carries over.
    expect(selection({ 'debugContext.debugData.behaviors|exists': true })).toEqual({ 'okta.debug_context.debug_data.flattened.behaviors|exists': true });
  });

  it('refuses two Sigma fields that land on one Sift key in one selection', () => {
    expect(reason({ 'protoPayload.methodName': 'a', 'gcp.audit.method_name': 'b' }, GCP)).toMatch(/tests event.action twice/);
  });
});

describe('condition', () => {
  const two = { sel_a: { eventType: 'a' }, sel_b: { eventType: 'b' }, filter: { displayMessage: 'x' } };

  it('passes Sigma condition syntax through, normalized', () => {
    const r = convert({ ...two, condition: '( 1 of sel_*  AND NOT filter )' });
    expect(r.ok && r.rule.doc.detection['condition']).toBe('(1 of sel_* and not filter)');
    const all = convert({ ...two, condition: 'all of them' });
    expect(all.ok && all.rule.doc.detection['condition']).toBe('all of them');
  });

  it('ORs a list of conditions', () => {
    const r = convert({ ...two, condition: ['sel_a and not filter', 'sel_b'] });
    expect(r.ok && r.rule.doc.detection['condition']).toBe('(sel_a and not filter) or (sel_b)');
  });

  it.each([
    ['sel_a and missing', /condition names missing, which matches no selection/, 'condition'],
    ['1 of nothing_*', /condition names nothing_\*, which matches no selection/, 'condition'],
    ['sel_*', /pattern sel_\* needs "1 of" or "all of"/, 'condition'],
    ['sel_a | count() > 5', /an aggregation \(\| count\(\) > 5\)/, 'aggregation'],
    ['sel_a | near sel_b', /temporal proximity \(near\)/, 'aggregation'],
    ['sel_a; drop', /not Sigma condition syntax/, 'condition'],
  ])('%s is refused', (condition, why, kind) => {
    const r = convert({ ...two, condition });
    expect(r.ok ? '' : r.reason).toMatch(why);
    expect(r.ok ? '' : r.kind).toBe(kind);
  });

  it('refuses timeframe without an aggregation (a correlation in disguise)', () => {
    const r = convert({ ...two, timeframe: '5m', condition: 'sel_a and sel_b' });
    expect(r.ok ? '' : r.reason).toMatch(/timeframe 5m without an aggregation/);
  });
});

describe('rule shapes', () => {
  it('refuses correlation rules, collections, filters and non-rules', () => {
    const correlation = 'title: c\nname: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 1h\n';
    expect(convertSigma(correlation, 'c.yml')).toMatchObject({ ok: false, kind: 'aggregation', reason: 'a Sigma correlation rule (event_count) over other rules' });
    const collection = `${sigmaText(SEL)}---\n${sigmaText(SEL)}`;
    expect(convertSigma(collection, 'c.yml')).toMatchObject({ ok: false, reason: expect.stringMatching(/rule collection \(2 YAML documents\)/) });
    expect(convertSigma('title: f\nfilter:\n  rules: [a]\n', 'f.yml')).toMatchObject({ ok: false, reason: expect.stringMatching(/Sigma filter/) });
    expect(convertSigma('a: [1, 2', 'x.yml')).toMatchObject({ ok: false, reason: expect.stringMatching(/YAML does not parse/) });
    expect(convertSigma('title: t\nlogsource: {product: okta}\n', 'x.yml')).toMatchObject({ ok: false, reason: 'not a Sigma rule (no detection)' });
  });
});

describe('Sift lint on the written file', () => {
  it.each([
    ['a regex Sift\'s linear engine refuses', { selection: { 'displayMessage|re': '(a)\\1' }, condition: 'selection' }],
    ['a malformed network', { selection: { 'client.ipAddress|cidr': '10.0.0.0/99' }, condition: 'selection' }],
    ['a selection name Sift does not accept', { 'sel.one': { eventType: 'x' }, condition: 'sel.one' }],
  ])('reports %s as unsupported, with the compiler\'s words', (_name, detection) => {
    const r = convert(detection);
    expect(r.ok ? '' : r.kind).toBe('lint');
    expect(r.ok ? '' : r.reason).toMatch(/^the converted rule does not pass Sift's lint: detection\./);
  });
});

describe('metadata', () => {
  it('maps level, tags, status, references and attribution', () => {
    const r = convert(SEL, OKTA, {
      level: 'informational',
      status: 'deprecated',
      author: ['Ann', 'Bob'],
      tags: ['attack.t1078.004', 'attack.initial-access', 'cve.2023-1234', 'Not A Tag!'],
      references: ['https://example.com/a'],
      falsepositives: ['Admins'],
      date: '2024-01-02',
      fields: ['actor.alternateId', 'nosuch'],
    });
    if (!r.ok) throw new Error(r.reason);
    const doc = r.rule.doc;
    expect(doc).toMatchObject({ id: 'sigma.0f0e0d0c-0b0a-4009-8807-060504030201', name: 'Test rule', version: 1, enabled: false, severity: 'low', risk_score: 21 });
    expect(doc.tags).toEqual(['sigma', 'attack.t1078.004', 'attack.initial-access', 'cve.2023-1234', 'sigma.status.deprecated', 'sigma.level.informational']);
    expect(doc.output).toEqual({ fields: ['okta.actor.alternate_id'] });
    expect(doc).toMatchObject({ author: 'Ann, Bob', references: ['https://example.com/a'], false_positives: ['Admins'] });
    expect(doc.runbook).toBe('Rule out the false positives the Sigma rule lists:\n- Admins\nBackground: https://example.com/a.');
    // The rule names the Sigma rule it came from (sift rules coverage, docs/rules-catalog.md).
    expect(doc.equivalents).toEqual({ sigma: ['0f0e0d0c-0b0a-4009-8807-060504030201'] });
    expect(r.yaml).toContain('equivalents:\n  sigma:\n    - 0f0e0d0c-0b0a-4009-8807-060504030201\n');
    expect(r.yaml).toMatch(/^# converted from Sigma test\/rule\.yml \(DRL 1\.1, SigmaHQ\)\n# sigma id: 0f0e0d0c-0b0a-4009-8807-060504030201, author: Ann, Bob, date 2024-01-02\n/);
    expect(r.yaml).toContain('# Sigma output fields without an ECS home, left out: nosuch');
  });

  it.each([
    ['low', 'low', 21],
    ['medium', 'medium', 47],
    ['high', 'high', 73],
    ['critical', 'critical', 99],
  ])('level %s → %s / %d', (level, severity, risk) => {
    const r = convert(SEL, OKTA, { level });
    expect(r.ok && [r.rule.doc.severity, r.rule.doc.risk_score]).toEqual([severity, risk]);
  });

  it('falls back to the title for the id, and reads and writes YAML 1.1 as PyYAML does', () => {
    const text = "title: No id here\nlogsource: {product: okta}\ndetection:\n  selection:\n    displayMessage: [NO, y, 'on']\n  condition: selection\n";
    const r = convertSigma(text, 'x.yml');
    if (!r.ok) throw new Error(r.reason);
    expect(r.rule.doc.id).toBe('sigma.no-id-here');
    // Unquoted NO is a YAML 1.1 boolean upstream too; `y` is a string for PyYAML.
    expect(r.rule.doc.detection['selection']).toEqual({ 'okta.display_message': [false, 'y', 'on'] });
    expect(r.yaml).toContain('- "y"\n');
    expect(r.yaml).toContain('- "on"\n');
  });
});
