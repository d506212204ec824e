import { describe, expect, it } from 'vitest';
import { leafPaths } from '../../src/ecs/index.js';
import { explodeGcpAudit, normalizeGcpAudit } from '../../src/ingest/normalize/vendors/gcp-audit/index.js';
import { actorKind, targetKind } from '../../src/ingest/normalize/vendors/gcp-audit/entities.js';
import { parseK8sResource } from '../../src/ingest/normalize/vendors/gcp-audit/k8s.js';
import { canonical, sameValue } from '../../src/conformance/compare.js';
import { prepareRecords, type PreparedOutcome } from '../helpers/prepared.js';
import { complianceSuite } from '../helpers/compliance.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

const opts = { original: undefined };
const ELASTIC_FILES = ['test-iamcredentials-googleapis-com.log', 'test-k8s-nonmatching-resourcename.log'];

const elasticRaw = (): unknown[] =>
  ELASTIC_FILES.flatMap((f) => elasticExpected('gcp', 'audit', f).expected.map((d) => JSON.parse((d['event'] as { original: string }).original) as unknown));

/** GCP.AuditLog events of Panther's GCP folders and of its multi-vendor folders. */
const pantherRaw = (): unknown[] => [
  ...pantherLogs('gcp_audit_rules', 'gcp_k8s_rules').map((p) => p.test.log),
  ...pantherLogs('standard_rules', 'kubernetes_rules')
    .filter((p) => (p.test.log as { p_log_type?: unknown }).p_log_type === 'GCP.AuditLog')
    .map((p) => p.test.log),
];

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');

function normalizeOk(raw: unknown): Record<string, unknown> {
  const r = normalizeGcpAudit(raw, opts);
  if (r.ok !== true) throw new Error(`normalize failed: ${r.code} ${r.message}`);
  return r.event as Record<string, unknown>;
}

/** A minimal AuditLog LogEntry, with overrides. */
function entry(over: Record<string, unknown> = {}, payload: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    insertId: 'abc123',
    logName: 'projects/p1/logs/cloudaudit.googleapis.com%2Factivity',
    timestamp: '2024-05-01T10:11:12.123456789Z',
    receiveTimestamp: '2024-05-01T10:11:13.5Z',
    resource: { type: 'project', labels: { project_id: 'p1' } },
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      serviceName: 'iam.googleapis.com',
      methodName: 'google.iam.admin.v1.CreateServiceAccountKey',
      resourceName: 'projects/p1/serviceAccounts/sa@p1.iam.gserviceaccount.com',
      authenticationInfo: { principalEmail: 'alice@example.com' },
      requestMetadata: { callerIp: '198.51.100.7', callerSuppliedUserAgent: 'gcloud/1.0' },
      ...payload,
    },
    ...over,
  };
}

describe('gcp_audit compliance', () => {
  const wrapped = (): unknown[] => {
    const raw = elasticRaw();
    return [
      ...raw,
      ...pantherRaw(),
      // The Pub/Sub envelopes explode() unwraps.
      { message: { data: b64(raw[0]), messageId: '1', publishTime: '2024-11-19T00:49:57Z', attributes: { 'logging.googleapis.com/timestamp': 'x' } }, subscription: 'projects/p/subscriptions/s' },
      { messages: raw.map((r) => ({ data: b64(r), messageId: '2' })) },
      { entries: raw },
    ];
  };
  complianceSuite('gcp_audit', wrapped);
});

/** Expected fields Sift does not fill: parsed by the central user-agent stage, or GeoIP enrichment. */
const NOT_OURS = [/^user_agent\.(name|version|os\.|device\.)/, /^source\.(geo|as)\./, /^ecs\.version$/, /^tags$/];

describe('gcp.audit against Elastic expected documents', () => {
  for (const file of ELASTIC_FILES) {
    it(`matches every mapped field of ${file}`, () => {
      const { expected } = elasticExpected('gcp', 'audit', file);
      let compared = 0;
      const mismatches: string[] = [];
      for (const doc of expected) {
        const original = (doc['event'] as { original: string }).original;
        const ours = leafPaths(normalizeOk(JSON.parse(original)));
        for (const [path, value] of leafPaths(doc)) {
          if (path === 'event.original' || NOT_OURS.some((re) => re.test(path))) continue;
          compared++;
          if (!sameValue(value, ours.get(path))) mismatches.push(`${path}: expected ${canonical(value)}, got ${JSON.stringify(ours.get(path))}`);
        }
      }
      expect(compared).toBeGreaterThan(25);
      expect(mismatches).toEqual([]);
    });
  }

  it('maps the k8s example field by field', () => {
    const [doc] = elasticExpected('gcp', 'audit', 'test-k8s-nonmatching-resourcename.log').expected;
    const ev = normalizeOk(JSON.parse((doc?.['event'] as { original: string }).original));
    expect(ev['event']).toMatchObject({
      dataset: 'gcp.audit',
      module: 'gcp',
      kind: 'event',
      id: 'k8s-nonmatch-0001',
      action: 'io.k8s.get',
      provider: 'data_access',
      outcome: 'failure',
      category: ['network', 'configuration'],
      type: ['access', 'denied'],
    });
    expect(ev['orchestrator']).toEqual({ type: 'kubernetes', cluster: { name: 'example-cluster' } });
    expect(ev['cloud']).toMatchObject({ provider: 'gcp', project: { id: 'example-project' }, availability_zone: 'us-central1-a' });
    expect(ev['user']).toMatchObject({ email: 'system:anonymous' });
    expect(ev['entity']).toMatchObject({ id: ['system:anonymous'] });
    // Empty objects and "." keys of managedFields are dropped, as Elastic does.
    expect(ev['gcp']).toMatchObject({
      audit: { response: { metadata: { managedFields: [{ apiVersion: 'authorization.k8s.io/v1', fieldsType: 'FieldsV1', manager: 'kube-scheduler', operation: 'Update' }] } } },
    });
  });
});

describe('gcp.audit mapping semantics', () => {
  it('maps the caller, the request and the resource', () => {
    const ev = normalizeOk(
      entry(
        { severity: 'NOTICE', labels: { 'k8s.io/x': 'y', empty: '' }, operation: { id: 'op-1', producer: 'iam.googleapis.com', first: true, last: true } },
        {
          authenticationInfo: { principalEmail: 'alice@example.com', principalSubject: 'user:alice@example.com', serviceAccountKeyName: '//iam/keys/1' },
          authorizationInfo: [{ granted: true, permission: 'iam.serviceAccountKeys.create', resource: 'projects/p1', resourceAttributes: { type: 'iam.sa' } }],
          request: { '@type': 'x.SetIamPolicyRequest', policy: { bindings: [{ role: 'roles/owner', members: ['user:bob@example.com'] }] } },
          response: { status: 'DONE', bindings: [{ role: 'roles/viewer', members: ['group:g@example.com'] }] },
          status: { code: 0 },
          numResponseItems: '12',
          resourceLocation: { currentLocations: ['europe-west1'] },
          metadata: { identityDelegationChain: ['projects/-/serviceAccounts/chain@p1.iam.gserviceaccount.com'] },
        },
      ),
    );
    expect(ev['@timestamp']).toBe('2024-05-01T10:11:12.123Z');
    expect(ev['event']).toMatchObject({ id: 'abc123', action: 'google.iam.admin.v1.CreateServiceAccountKey', provider: 'activity', outcome: 'success' });
    expect(ev['log']).toEqual({ logger: 'projects/p1/logs/cloudaudit.googleapis.com%2Factivity', level: 'NOTICE' });
    expect(ev['source']).toEqual({ ip: '198.51.100.7' });
    expect(ev['user_agent']).toEqual({ original: 'gcloud/1.0' });
    expect(ev['client']).toEqual({ user: { email: 'alice@example.com', id: 'user:alice@example.com' } });
    expect(ev['user']).toMatchObject({ email: 'alice@example.com', id: 'user:alice@example.com', entity: { id: ['user:alice@example.com', 'alice@example.com'] } });
    expect(ev['service']).toMatchObject({ name: 'iam.googleapis.com', target: { entity: { id: ['projects/p1/serviceAccounts/sa@p1.iam.gserviceaccount.com'] } } });
    expect(ev['related']).toMatchObject({ user: ['alice@example.com'], ip: ['198.51.100.7'] });
    expect(new Set((ev['related'] as { entity: string[] }).entity)).toEqual(
      new Set([
        'user:alice@example.com',
        'alice@example.com',
        'projects/p1/serviceAccounts/sa@p1.iam.gserviceaccount.com',
        'projects/-/serviceAccounts/chain@p1.iam.gserviceaccount.com',
        'user:bob@example.com',
        'roles/owner',
        'group:g@example.com',
        'roles/viewer',
      ]),
    );
    const audit = (ev['gcp'] as { audit: Record<string, unknown> }).audit;
    expect(audit).toMatchObject({
      type: 'type.googleapis.com/google.cloud.audit.AuditLog',
      method_name: 'google.iam.admin.v1.CreateServiceAccountKey',
      service_name: 'iam.googleapis.com',
      resource_name: 'projects/p1/serviceAccounts/sa@p1.iam.gserviceaccount.com',
      receive_timestamp: '2024-05-01T10:11:13.500Z',
      num_response_items: 12,
      status: { code: 0 },
      labels: { 'k8s.io/x': 'y' },
      resource: { type: 'project', labels: { project_id: 'p1' } },
      resource_location: { current_locations: ['europe-west1'] },
      request_metadata: { caller_ip: '198.51.100.7', caller_supplied_user_agent: 'gcloud/1.0' },
      authentication_info: { principal_email: 'alice@example.com', service_account_key_name: '//iam/keys/1' },
      authorization_info: [{ granted: true, permission: 'iam.serviceAccountKeys.create', resource: 'projects/p1', resource_attributes: { type: 'iam.sa' } }],
      response: { status_value: 'DONE' },
      logentry_operation: { id: 'op-1', producer: 'iam.googleapis.com', first: true, last: true },
    });
    expect((audit['request'] as Record<string, unknown>)['policy']).toBeDefined();
  });

  it('derives the outcome like Elastic: status code, else a single authorization check, else unknown', () => {
    const outcome = (payload: Record<string, unknown>): unknown => (normalizeOk(entry({}, payload))['event'] as { outcome: unknown }).outcome;
    expect(outcome({ status: { code: 7, message: 'PERMISSION_DENIED' } })).toBe('failure');
    expect(outcome({ status: { code: 0 } })).toBe('success');
    expect(outcome({ status: { code: '5' } })).toBe('failure');
    expect(outcome({ status: {}, authorizationInfo: [{ granted: true }] })).toBe('success');
    expect(outcome({ authorizationInfo: [{ granted: false }] })).toBe('failure');
    expect(outcome({ authorizationInfo: [{ granted: true }, { granted: true }] })).toBe('unknown');
    expect(outcome({ status: {} })).toBe('unknown');
  });

  it('categorizes long-running operations and single authorization checks', () => {
    const cat = (over: Record<string, unknown>, payload: Record<string, unknown> = {}): unknown => {
      const e = normalizeOk(entry(over, payload))['event'] as { category?: string[]; type?: string[] };
      return { category: e.category, type: e.type };
    };
    expect(cat({ operation: { id: 'o', first: true } })).toEqual({ category: ['session'], type: ['start'] });
    expect(cat({ operation: { id: 'o', last: true } })).toEqual({ category: ['session'], type: ['end'] });
    expect(cat({ operation: { id: 'o', first: true, last: true } })).toEqual({ category: undefined, type: undefined });
    expect(cat({}, { authorizationInfo: [{ granted: false, permission: 'x' }] })).toEqual({ category: ['network', 'configuration'], type: ['access', 'denied'] });
    expect(cat({}, { authorizationInfo: [{ permission: 'x' }] })).toEqual({ category: ['network', 'configuration'], type: undefined });
  });

  it('keeps flattened parts within what ES accepts (depth_limit 20, one term per leaf)', () => {
    let deep: Record<string, unknown> = { leaf: 'bottom' };
    for (let i = 0; i < 30; i++) deep = { [`l${i}`]: deep };
    const ev = normalizeOk(entry({}, { request: { deep, big: 'x'.repeat(20_000) } }));
    const request = (ev['gcp'] as { audit: { request: Record<string, unknown> } }).audit.request;
    const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    expect(depthOf(request)).toBeLessThanOrEqual(20);
    expect(JSON.stringify(request)).toContain('bottom');
    expect((request['big'] as string).length).toBe(8000);
  });

  it('refuses private or malformed caller addresses', () => {
    for (const callerIp of ['private', 'gce-internal-ip', '1.2.3', '']) {
      const ev = normalizeOk(entry({}, { requestMetadata: { callerIp } }));
      expect(ev['source']).toBeUndefined();
      expect((ev['related'] as { ip?: unknown }).ip).toBeUndefined();
    }
    expect(normalizeOk(entry({}, { requestMetadata: { callerIp: '2001:db8::1' } }))['source']).toEqual({ ip: '2001:db8::1' });
  });

  it('types the actor and the target like Elastic entity fields', () => {
    expect(actorKind('sa@p.iam.gserviceaccount.com', 'serviceAccount:sa@p.iam.gserviceaccount.com')).toBe('service');
    expect(actorKind('system:serviceaccount:kube-system:foo', undefined)).toBe('service');
    expect(actorKind('bob@example.com', undefined)).toBe('user');
    expect(actorKind('system:anonymous', undefined)).toBe('entity');
    expect(actorKind(undefined, undefined)).toBeUndefined();
    expect(targetKind('projects/p/serviceAccounts/users/alice@example.com', 'service_account')).toBe('service');
    expect(targetKind('projects/p/groups/eng', 'project')).toBe('user');
    expect(targetKind('projects/p/zones/us-central1-a/instances/vm-1', 'gce_instance')).toBe('host');
    expect(targetKind('projects/p/regions/us-central1/disks', 'compute.disk')).toBe('service');
    expect(targetKind('projects/p/global/networks/default', 'gce_network')).toBe('service');
    expect(targetKind('projects/p', 'project')).toBe('entity');
  });

  it('parses GKE resource names into orchestrator parts as Elastic grok does', () => {
    expect(parseK8sResource('core/v1/namespaces/default/pods/web-0')).toEqual({ apiVersion: 'v1', namespace: 'default', resourceType: 'pods', resourceName: 'web-0' });
    expect(parseK8sResource('extensions/v1beta1/namespaces/cos-auditd/ingresses')).toEqual({ apiVersion: 'v1beta1', namespace: 'cos-auditd', resourceType: 'ingresses', resourceName: undefined });
    expect(parseK8sResource('core/v1/nodes')).toEqual({ apiVersion: 'v1', resourceType: 'nodes' });
    expect(parseK8sResource('apis/apps/v1')).toEqual({ resourceType: 'apps', apiVersion: 'v1' });
    expect(parseK8sResource('api/v1')).toEqual({ apiVersion: 'v1' });
    expect(parseK8sResource('readyz')).toEqual({ resourceType: 'readyz' });
    expect(parseK8sResource('HNAP1')).toEqual({});
    const ev = normalizeOk(
      entry({ resource: { type: 'k8s_cluster', labels: { cluster_name: 'c1', location: 'europe-west1-b', project_id: 'p1' } } }, { serviceName: 'k8s.io', resourceName: 'rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings/admin' }),
    );
    expect(ev['orchestrator']).toEqual({ type: 'kubernetes', cluster: { name: 'c1' }, api_version: 'v1', namespace: 'kube-system', resource: { type: 'rolebindings', name: 'admin' } });
  });
});

describe('gcp.audit refusals, timestamps and ids', () => {
  it('refuses a missing or unparsable timestamp instead of using the clock or receiveTimestamp', () => {
    const e = entry();
    delete e['timestamp'];
    expect(normalizeGcpAudit(e, opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP', path: '$.timestamp' });
    expect(normalizeGcpAudit(entry({ timestamp: 'yesterday' }), opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
    expect(normalizeGcpAudit(entry({ timestamp: 1714558272 }), opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
  });

  it('refuses entries that are not AuditLogs, with a reason', () => {
    expect(normalizeGcpAudit(entry({}, { '@type': 'type.googleapis.com/google.cloud.bigquery.logging.v1.AuditData' }), opts)).toMatchObject({
      ok: false,
      code: 'SIFT_NORMALIZE_WRONG_TYPE',
      path: '$.protoPayload.@type',
    });
    const json = { insertId: 'x', timestamp: '2024-01-01T00:00:00Z', jsonPayload: { msg: 'hi' } };
    const r = normalizeGcpAudit(json, opts);
    expect(r).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_WRONG_TYPE' });
    expect(r.ok === false && r.message).toContain('jsonPayload');
    expect(normalizeGcpAudit('text', opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    // No @type at all (some exporters strip it) is read as an AuditLog, as Elastic does.
    const stripped = entry();
    delete (stripped['protoPayload'] as Record<string, unknown>)['@type'];
    expect(normalizeGcpAudit(stripped, opts).ok).toBe(true);
  });

  it('ids an entry by logName, timestamp and insertId (insertId is unique only within those)', () => {
    const a = normalizeGcpAudit(entry(), opts);
    const b = normalizeGcpAudit(entry({ logName: 'projects/p2/logs/cloudaudit.googleapis.com%2Factivity' }), opts);
    const c = normalizeGcpAudit(entry({ timestamp: '2024-05-01T10:11:12.123456788Z' }), opts);
    expect(a.ok && a.vendorId).toBe('projects/p1/logs/cloudaudit.googleapis.com%2Factivity\n2024-05-01T10:11:12.123456789Z\nabc123');
    expect(new Set([a, b, c].map((r) => r.ok && r.vendorId)).size).toBe(3);
    const none = entry();
    delete none['insertId'];
    const r = normalizeGcpAudit(none, opts);
    expect(r.ok && r.vendorId).toBeUndefined();
    expect(r.ok && r.event.event.dataset).toBe('gcp.audit');
  });

  it('keeps event.original when given', () => {
    const r = normalizeGcpAudit(entry(), { original: '{"raw":1}' });
    expect(r.ok && r.event.event.original).toBe('{"raw":1}');
  });
});

describe('gcp_audit explode (delivery shapes)', () => {
  const e = entry();

  it('passes a LogEntry through', () => {
    expect(explodeGcpAudit(e)).toEqual([e]);
  });

  it('unwraps Pub/Sub push requests, messages and batches', () => {
    expect(explodeGcpAudit({ message: { data: b64(e), messageId: '9', publishTime: '2024-05-01T10:11:14Z' }, subscription: 'projects/p/subscriptions/s' })).toEqual([e]);
    expect(explodeGcpAudit({ data: b64(e), attributes: { a: 'b' }, messageId: '9' })).toEqual([e]);
    expect(explodeGcpAudit({ messages: [{ data: b64(e) }, { data: b64(e) }] })).toEqual([e, e]);
    expect(explodeGcpAudit({ receivedMessages: [{ ackId: 'x', message: { data: b64(e) } }] })).toEqual([e]);
    expect(explodeGcpAudit({ entries: [e, e], nextPageToken: 't' })).toEqual([e, e]);
    // URL-safe base64 is accepted too.
    expect(explodeGcpAudit({ data: Buffer.from(JSON.stringify(e)).toString('base64url') })).toEqual([e]);
  });

  it('keeps integers beyond 2^53 exact inside Pub/Sub data', () => {
    const out = explodeGcpAudit({ data: b64('{"insertId":"x","n":12345678901234567890}') });
    expect(out).toEqual([{ insertId: 'x', n: '12345678901234567890' }]);
  });

  it('refuses undecodable Pub/Sub data with a clear reason', () => {
    expect(explodeGcpAudit({ data: '!!!not base64!!!' })).toMatchObject({ ok: false, code: 'SIFT_DECODE_NOT_JSON', path: '$.data' });
    expect(explodeGcpAudit({ data: b64('Node pool p/c/np is upgrading to version 1.33.') })).toMatchObject({ ok: false, code: 'SIFT_DECODE_NOT_JSON' });
    expect(explodeGcpAudit({ data: b64('42') })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    expect(explodeGcpAudit({ data: Buffer.from([0xff, 0xfe, 0x00]).toString('base64') })).toMatchObject({ ok: false, code: 'SIFT_DECODE_NOT_UTF8' });
    expect(explodeGcpAudit({ message: { messageId: '1' }, subscription: 's' })).toMatchObject({ ok: false, code: 'SIFT_DECODE_UNKNOWN_SOURCE', path: '$.message.data' });
    expect(explodeGcpAudit({ messages: [{ data: b64(e) }, 'x'] })).toMatchObject({ ok: false, path: '$.messages[1]' });
    expect(explodeGcpAudit(['not', 'an', 'object'])).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('refuses huge or deeply nested Pub/Sub payloads before parsing them', () => {
    const huge = 'A'.repeat(6 * 1024 * 1024);
    expect(explodeGcpAudit({ data: huge })).toMatchObject({ ok: false, code: 'SIFT_DECODE_TOO_LARGE' });
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(explodeGcpAudit({ data: b64(deep) })).toMatchObject({ ok: false, code: 'SIFT_DECODE_TOO_DEEP' });
  });
});

describe('gcp.audit on Panther raw events', () => {
  it('normalizes every AuditLog entry that has a timestamp, and refuses the others with a reason', () => {
    const logs = pantherRaw();
    expect(logs.length).toBeGreaterThan(100);
    let ok = 0;
    for (const log of logs) {
      const l = log as { timestamp?: unknown; protoPayload?: unknown };
      const r = normalizeGcpAudit(log, opts);
      if (typeof l.timestamp === 'string' && typeof l.protoPayload === 'object' && l.protoPayload !== null) {
        expect(r.ok, JSON.stringify(log).slice(0, 200)).toBe(true);
        if (r.ok !== true) continue;
        ok++;
        expect(r.event.event.dataset).toBe('gcp.audit');
        expect(r.event['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      } else {
        expect(r.ok).toBe(false);
        if (r.ok === false) expect(r.code).toMatch(/^SIFT_NORMALIZE_(NO_TIMESTAMP|BAD_TIMESTAMP|WRONG_TYPE|NOT_OBJECT)$/);
      }
    }
    expect(ok).toBeGreaterThan(60);
  });

  it('fills orchestrator.* for GKE events', () => {
    const gke = pantherLogs('gcp_k8s_rules')
      .map((p) => p.test.log as { timestamp?: unknown; resource?: { type?: unknown } })
      .filter((l) => typeof l.timestamp === 'string' && l.resource?.type === 'k8s_cluster');
    expect(gke.length).toBeGreaterThan(3);
    for (const log of gke) expect(normalizeOk(log)['orchestrator']).toMatchObject({ type: 'kubernetes' });
  });
});

/** One record through the batch stage: each document as dataset:action, each dead letter as written. */
function prepared(value: unknown): Omit<PreparedOutcome, 'ids'> {
  const { actions, dead } = prepareRecords('gcp_audit', [JSON.stringify(value)]);
  return { actions, dead };
}

describe('gcp_audit: every record is indexed or dead-lettered (issue 9)', () => {
  const noEvents = (path: string) => ({ actions: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path, eventIndex: 0 }] });

  it('dead-letters a Pub/Sub message whose data is an empty JSON list', () => {
    expect(prepared({ data: b64('[]'), attributes: {}, messageId: '1' })).toEqual(noEvents('$.data'));
    expect(prepared({ message: { data: b64('[]'), messageId: '1' }, subscription: 'projects/p/subscriptions/s' })).toEqual(noEvents('$.message.data'));
  });

  it('dead-letters empty batches: no messages, no received messages, no entries', () => {
    expect(prepared({ messages: [] })).toEqual(noEvents('$.messages'));
    expect(prepared({ receivedMessages: [] })).toEqual(noEvents('$.receivedMessages'));
    expect(prepared({ entries: [], nextPageToken: '' })).toEqual(noEvents('$.entries'));
  });

  it('dead-letters each non-object LogEntry of a Pub/Sub batch and indexes the others', () => {
    expect(prepared({ data: b64([1, entry()]), messageId: '1' })).toEqual({
      actions: ['gcp.audit:google.iam.admin.v1.CreateServiceAccountKey'],
      dead: [{ stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', path: '$', eventIndex: 0 }],
    });
  });

  it('indexes a LogEntry that also carries an empty batch key', () => {
    for (const key of ['messages', 'receivedMessages', 'entries']) {
      expect(prepared({ ...entry(), [key]: [] }), key).toEqual({ actions: ['gcp.audit:google.iam.admin.v1.CreateServiceAccountKey'], dead: [] });
    }
  });
});
