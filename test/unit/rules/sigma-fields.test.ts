/**
 * The field tables checked against Sift's normalizers: for every row, a raw
 * vendor event carrying a value at the Sigma path is normalized, and the
 * value must come out at the ECS field the row names. A table that drifts
 * from its normalizer fails here, not in production.
 */
import { describe, expect, it } from 'vitest';
import { DATASET_FIELDS, ECS_FIELDS } from '../../../src/ecs/index.js';
import { sourceFor } from '../../../src/ingest/normalize/index.js';
import { fieldType } from '../../../src/rules/index.js';
import { resolveField, SigmaSource, tableOf } from '../../../src/rules/sigma/index.js';

type Json = Record<string, unknown>;

const SOURCES: Readonly<Record<SigmaSource, { dataset: string; base: () => Json }>> = {
  okta: { dataset: 'okta.system', base: () => ({ uuid: 'u1', published: '2024-01-01T00:00:00Z', eventType: 'x' }) },
  aws_cloudtrail: {
    dataset: 'aws.cloudtrail',
    base: () => ({ eventVersion: '1.08', eventTime: '2024-01-01T00:00:00Z', eventSource: 's', eventName: 'n', eventID: 'e1', userIdentity: { type: 'IAMUser' } }),
  },
  gcp_audit: {
    dataset: 'gcp.audit',
    base: () => ({ insertId: 'i1', timestamp: '2024-01-01T00:00:00Z', resource: { type: 'project' }, protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', methodName: 'm' } }),
  },
  github: { dataset: 'github.audit', base: () => ({ '@timestamp': 1704067200000, action: 'repo.create', _document_id: 'd1' }) },
  google_workspace: {
    dataset: 'google_workspace.admin',
    base: () => ({ kind: 'admin#reports#activity', id: { time: '2024-01-01T00:00:00Z', applicationName: 'admin', uniqueQualifier: '1' }, actor: { email: 'a@example.com' }, events: [{ name: 'X' }] }),
  },
};

/** Containers the vendors send as lists of objects. */
const LISTS = new Set(['target', 'resources', 'authorizationInfo', 'ipChain', 'serviceAccountDelegationInfo']);

/** Rows whose raw value must have a vendor-defined form. */
const RAW_VALUES: Readonly<Record<string, unknown>> = {
  'protoPayload.@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
  'data.protoPayload.@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
};

/** Rows named with Elastic's field names: the raw path they stand for. */
const ELASTIC_NAMES: Readonly<Record<string, string>> = { 'gcp.audit.method_name': 'protoPayload.methodName' };

/** Workspace: SigmaHQ names the Cloud Logging export; Sift reads the Reports API, where the same value sits here. */
const WORKSPACE_RAW: Readonly<Record<string, string>> = {
  eventName: 'events.0.name',
  'protoPayload.metadata.event.eventName': 'events.0.name',
  eventType: 'events.0.type',
  'protoPayload.metadata.event.eventType': 'events.0.type',
  'protoPayload.authenticationInfo.principalEmail': 'actor.email',
  'protoPayload.requestMetadata.callerIp': 'ipAddress',
  eventService: 'id.applicationName',
  'protoPayload.serviceName': 'id.applicationName',
};

function setPath(root: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: unknown = root;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const container = node as Json & unknown[];
    const key = /^\d+$/.test(part) && Array.isArray(container) ? Number(part) : part;
    if (last) {
      (container as Json)[key] = value;
      return;
    }
    let next = (container as Json)[key];
    if (next === undefined || next === null || typeof next !== 'object') {
      next = LISTS.has(part) ? [{}] : /^\d+$/.test(parts[i + 1] as string) ? [] : {};
      (container as Json)[key] = next;
    }
    node = Array.isArray(next) && !/^\d+$/.test(parts[i + 1] as string) ? next[0] : next;
  });
}

/** Every value at a dotted path, through lists. */
function valuesAt(v: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return Array.isArray(v) ? v : [v];
  if (Array.isArray(v)) return v.flatMap((x) => valuesAt(x, path));
  if (v === null || typeof v !== 'object') return [];
  const [head, ...rest] = path;
  return valuesAt((v as Json)[head as string], rest);
}

function sampleFor(type: string): { raw: unknown; matches: (v: unknown) => boolean } {
  switch (type) {
    case 'ip':
      return { raw: '203.0.113.9', matches: (v) => v === '203.0.113.9' };
    case 'boolean':
      return { raw: true, matches: (v) => v === true };
    case 'long':
      return { raw: 42, matches: (v) => v === 42 || v === '42' };
    case 'date':
      return { raw: '2024-02-03T04:05:06Z', matches: (v) => typeof v === 'string' && v.startsWith('2024-02-03T04:05:06') };
    default:
      return { raw: 'probe-7@example.com', matches: (v) => v === 'probe-7@example.com' };
  }
}

function normalized(source: SigmaSource, raw: Json): Json {
  const src = sourceFor(source);
  if (!src) throw new Error(`no source ${source}`);
  const r = src.normalize(raw, { original: undefined });
  if (!r.ok) throw new Error(`${source}: ${JSON.stringify(r)}`);
  return r.event as unknown as Json;
}

/** Table rows with a target, plus one sample path per prefix rule. */
function rowsOf(source: SigmaSource): string[] {
  const table = tableOf(source);
  const exact = Object.entries(table.exact).flatMap(([k, v]) => (typeof v === 'object' && 'none' in v ? [] : [k]));
  const prefixed = table.prefixes.flatMap((p) => (typeof p.to === 'string' ? [`${p.sigma}sampleKey`] : []));
  return [...exact, ...prefixed];
}

describe.each(Object.values(SigmaSource))('%s field table', (source) => {
  const { dataset, base } = SOURCES[source];

  it.each(rowsOf(source))('%s lands where the table says', (sigma) => {
    const r = resolveField(source, [dataset], sigma);
    if (!r.ok) throw new Error(r.reason);
    const target = r.value;
    const raw = base();
    const rawPath = source === 'google_workspace' ? (WORKSPACE_RAW[sigma] ?? sigma) : (ELASTIC_NAMES[sigma] ?? sigma.replace(/^data\./, ''));
    // GitHub reads @timestamp before created_at (the same instant, by GitHub's docs).
    if (sigma === 'created_at') delete raw['@timestamp'];
    if (target.existsOnly !== undefined) {
      // Parsed text: only existence carries over, so any well-formed value will do.
      setPath(raw, rawPath, '{"k":"v"}');
      expect(valuesAt(normalized(source, raw), target.field.split('.')).length, sigma).toBeGreaterThan(0);
      return;
    }
    const forced = Object.hasOwn(RAW_VALUES, sigma) ? RAW_VALUES[sigma] : target.rewrite !== undefined ? 'admin' : undefined;
    const type = target.cidrField !== undefined ? 'ip' : (fieldType(target.field, dataset) ?? 'keyword');
    const sample = forced !== undefined ? { raw: forced, matches: (v: unknown) => v === forced } : sampleFor(type);
    const isList = ECS_FIELDS.find((f) => f.name === target.field)?.array === true || DATASET_FIELDS[dataset]?.find((f) => f.name === target.field)?.array === true;
    setPath(raw, rawPath, isList ? [sample.raw] : sample.raw);
    const got = valuesAt(normalized(source, raw), target.field.split('.'));
    expect(got.some(sample.matches), `${sigma} → ${target.field}: got ${JSON.stringify(got)}`).toBe(true);
    if (target.cidrField !== undefined) expect(valuesAt(normalized(source, raw), target.cidrField.split('.')), sigma).toContain(sample.raw);
  });
});

describe('catch-all rules', () => {
  it('GitHub keys without a row land in their named field or in github.flattened', () => {
    for (const [key, field] of [
      ['repo', 'github.repo'],
      ['operation_type', 'github.operation_type'],
      ['conclusion', 'github.flattened.conclusion'],
      ['data.head_sha', 'github.data.head_sha'],
      ['data.custom_key', 'github.flattened.data.custom_key'],
    ] as const) {
      const r = resolveField('github', ['github.audit'], key);
      expect(r.ok && r.value.field, key).toBe(field);
      const raw = SOURCES.github.base();
      setPath(raw, key, 'probe-7');
      expect(valuesAt(normalized('github', raw), field.split('.')), key).toContain('probe-7');
    }
  });

  it('Workspace parameters resolve through the normalizer, per application', () => {
    for (const [dataset, name, field] of [
      ['google_workspace.admin', 'setting_name', 'google_workspace.admin.setting.name'],
      ['google_workspace.admin', 'group_name', 'group.name'],
      ['google_workspace.admin', 'some_new_param', 'google_workspace.admin.SOME_NEW_PARAM'],
      ['google_workspace.login', 'login_type', 'google_workspace.login.type'],
      ['google_workspace.drive', 'doc_id', 'google_workspace.drive.file.id'],
    ] as const) {
      const r = resolveField('google_workspace', [dataset], name);
      expect(r.ok && r.value.field, `${dataset} ${name}`).toBe(field);
    }
  });
});
