/**
 * Converted SigmaHQ rules, compiled by Sift and run on raw vendor events
 * normalized by Sift's own sources: an event that matches the Sigma rule
 * (read with Sigma's semantics: case-insensitive strings, wildcards, null as
 * absent) must raise, a near miss must not. This checks the field mapping
 * end to end, not just that names exist in the catalog.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { sourceFor } from '../../../src/ingest/normalize/index.js';
import { compileRule, parseRuleFile, type CompiledRule } from '../../../src/rules/index.js';
import { convertSigma } from '../../../src/rules/sigma/index.js';
import { CORPUS, corpusAvailable } from '../../helpers/corpus.js';

type Json = Record<string, unknown>;

function compiled(path: string): CompiledRule {
  const r = convertSigma(readFileSync(join(CORPUS, 'sigma', path), 'utf8'), path);
  if (!r.ok) throw new Error(`${path}: ${r.reason}`);
  const parsed = parseRuleFile(r.yaml, path);
  if (!parsed.rule) throw new Error(JSON.stringify(parsed.issues));
  const c = compileRule(parsed.rule);
  if (!c.rule) throw new Error(JSON.stringify(c.issues));
  return c.rule;
}

/** Raw record → ECS events through the source's explode and normalize, as the pipeline runs them. */
function events(vendor: string, raw: Json): EcsEvent[] {
  const src = sourceFor(vendor);
  if (!src) throw new Error(vendor);
  const units = src.explode(raw);
  if (!Array.isArray(units)) throw new Error(JSON.stringify(units));
  return units.map((u) => {
    const r = src.normalize(u, { original: undefined });
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.event;
  });
}

function fires(rule: CompiledRule, vendor: string, raw: Json): boolean {
  const evs = events(vendor, raw);
  const inScope = evs.filter((e) => rule.spec.datasets.includes(String((e['event'] as Json | undefined)?.['dataset'])));
  const hits = inScope.map((e) => rule.match(e));
  expect(inScope.map((e) => rule.reference(e))).toEqual(hits);
  return hits.some(Boolean);
}

const okta = (extra: Json): Json => ({ uuid: 'u1', published: '2024-05-01T10:00:00Z', ...extra });
const trail = (extra: Json): Json => ({ eventVersion: '1.08', eventTime: '2024-05-01T10:00:00Z', eventID: 'e1', awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::1:user/a' }, ...extra });
const gcp = (payload: Json): Json => ({
  insertId: 'i1',
  timestamp: '2024-05-01T10:00:00Z',
  logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
  resource: { type: 'project', labels: { project_id: 'p' } },
  protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', ...payload },
});
const activity = (app: string, name: string, parameters: Json[] = []): Json => ({
  kind: 'admin#reports#activity',
  id: { time: '2024-05-01T10:00:00Z', applicationName: app, uniqueQualifier: '7', customerId: 'C1' },
  actor: { email: 'admin@example.com', profileId: '1' },
  events: [{ type: 'X', name, parameters }],
});

describe.runIf(corpusAvailable())('converted SigmaHQ rules on Sift-normalized events', () => {
  it('okta: target displayName and event type', () => {
    const rule = compiled('rules-emerging-threats/2023/TA/Okta-Support-System-Breach/okta_apt_suspicious_user_creation.yml');
    const ev = (name: string, type = 'user.lifecycle.create'): Json => okta({ eventType: type, target: [{ id: 't', type: 'User', displayName: name }] });
    expect(fires(rule, 'okta', ev('SVC_NETWORK_BACKUP-2'))).toBe(true);
    expect(fires(rule, 'okta', ev('svc_network_backup', 'user.session.start'))).toBe(false);
    expect(fires(rule, 'okta', ev('svc_backup'))).toBe(false);
  });

  it('okta: debug data and the isProxy boolean', () => {
    const rule = compiled('rules/identity/okta/okta_admin_activity_from_proxy_query.yml');
    const ev = (uri: string, isProxy: boolean): Json => okta({ eventType: 'x', debugContext: { debugData: { requestUri: uri } }, securityContext: { isProxy } });
    expect(fires(rule, 'okta', ev('/api/v1/Admin/users', true))).toBe(true);
    expect(fires(rule, 'okta', ev('/api/v1/admin/users', false))).toBe(false);
    expect(fires(rule, 'okta', ev('/api/v1/users', true))).toBe(false);
  });

  it('cloudtrail: null errorCode means success', () => {
    const rule = compiled('rules/cloud/aws/cloudtrail/aws_cloudtrail_bucket_deleted.yml');
    expect(fires(rule, 'aws_cloudtrail', trail({ eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket' }))).toBe(true);
    expect(fires(rule, 'aws_cloudtrail', trail({ eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', errorCode: 'AccessDenied' }))).toBe(false);
  });

  it('cloudtrail: regex on the ARN, filter on the raw sourceIPAddress', () => {
    const rule = compiled('rules/cloud/aws/cloudtrail/aws_cloudtrail_imds_malicious_usage.yml');
    const ev = (source: string): Json =>
      trail({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', sourceIPAddress: source, userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1' } });
    expect(fires(rule, 'aws_cloudtrail', ev('198.51.100.4'))).toBe(true);
    expect(fires(rule, 'aws_cloudtrail', ev('AWS Internal'))).toBe(false);
  });

  it('cloudtrail: additionalEventData and responseElements members', () => {
    const rule = compiled('rules/cloud/aws/cloudtrail/aws_cloudtrail_console_login_success_without_mfa.yml');
    const ev = (mfa: string): Json => trail({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', additionalEventData: { MFAUsed: mfa }, responseElements: { ConsoleLogin: 'Success' } });
    expect(fires(rule, 'aws_cloudtrail', ev('No'))).toBe(true);
    expect(fires(rule, 'aws_cloudtrail', ev('Yes'))).toBe(false);
  });

  it('cloudtrail: contains on the whole requestParameters, and on a list inside it', () => {
    const versioning = compiled('rules/cloud/aws/cloudtrail/aws_disable_bucket_versioning.yml');
    const put = (status: string): Json => trail({ eventSource: 's3.amazonaws.com', eventName: 'PutBucketVersioning', requestParameters: { bucketName: 'b', VersioningConfiguration: { Status: status } } });
    expect(fires(versioning, 'aws_cloudtrail', put('Suspended'))).toBe(true);
    expect(fires(versioning, 'aws_cloudtrail', put('Enabled'))).toBe(false);
    const ecs = compiled('rules/cloud/aws/cloudtrail/aws_ecs_task_definition_cred_endpoint_query.yml');
    const task = (command: string[]): Json =>
      trail({ eventSource: 'ecs.amazonaws.com', eventName: 'RegisterTaskDefinition', requestParameters: { family: 'f', containerDefinitions: [{ name: 'c', command }] } });
    expect(fires(ecs, 'aws_cloudtrail', task(['sh', '-c', 'curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']))).toBe(true);
    expect(fires(ecs, 'aws_cloudtrail', task(['sh', '-c', 'echo hi']))).toBe(false);
  });

  it('gcp: authorizationInfo members and case-insensitive wildcards on the method', () => {
    const policy = compiled('rules/cloud/gcp/audit/gcp_access_policy_deleted.yml');
    const del = (granted: boolean): Json =>
      gcp({ serviceName: 'accesscontextmanager.googleapis.com', methodName: 'x', authorizationInfo: [{ permission: 'accesscontextmanager.accessPolicies.delete', granted }] });
    expect(fires(policy, 'gcp_audit', del(true))).toBe(true);
    expect(fires(policy, 'gcp_audit', del(false))).toBe(false);
    const firewall = compiled('rules/cloud/gcp/audit/gcp_firewall_rule_modified_or_deleted.yml');
    expect(fires(firewall, 'gcp_audit', gcp({ methodName: 'v1.compute.firewalls.delete', serviceName: 'compute.googleapis.com' }))).toBe(true);
    expect(fires(firewall, 'gcp_audit', gcp({ methodName: 'v1.compute.firewalls.get', serviceName: 'compute.googleapis.com' }))).toBe(false);
  });

  it('github: the action', () => {
    const rule = compiled('rules/application/github/audit/github_new_org_member.yml');
    const ev = (action: string): Json => ({ '@timestamp': 1714557600000, _document_id: 'd', action, actor: 'a', org: 'o' });
    expect(fires(rule, 'github', ev('org.add_member'))).toBe(true);
    expect(fires(rule, 'github', ev('org.remove_member'))).toBe(false);
  });

  it('workspace: the application, the event name and renamed parameters', () => {
    const mfa = compiled('rules/cloud/gcp/gworkspace/admin/gcp_gworkspace_mfa_disabled.yml');
    const setting = (value: string): Json => activity('admin', 'ENFORCE_STRONG_AUTHENTICATION', [{ name: 'NEW_VALUE', value }]);
    expect(fires(mfa, 'google_workspace', setting('false'))).toBe(true);
    expect(fires(mfa, 'google_workspace', setting('true'))).toBe(false);
    const caa = compiled('rules/cloud/gcp/gworkspace/admin/gcp_gworkspace_application_access_levels_modified.yml');
    const change = (name: string): Json => activity('admin', 'CHANGE_APPLICATION_SETTING', [{ name: 'SETTING_NAME', value: name }]);
    expect(fires(caa, 'google_workspace', change('ContextAwareAccess.Policy'))).toBe(true);
    expect(fires(caa, 'google_workspace', change('Gmail.Routing'))).toBe(false);
    const login = compiled('rules/cloud/gcp/gworkspace/login/gcp_gworkspace_suspicious_login.yml');
    expect(fires(login, 'google_workspace', activity('login', 'suspicious_login'))).toBe(true);
    expect(fires(login, 'google_workspace', activity('login', 'login_success'))).toBe(false);
  });
});
