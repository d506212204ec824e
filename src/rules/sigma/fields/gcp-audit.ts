/**
 * Cloud Audit Logs LogEntry / AuditLog fields
 * (https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog)
 * as Sigma rules write them → Sift's `gcp.audit` fields.
 *
 * SigmaHQ writes them two ways: raw paths (`data.protoPayload.methodName`,
 * `data.` being the Pub/Sub wrapper some collectors add) and Elastic's names
 * (`gcp.audit.method_name`), which Sift uses too and which pass through.
 * Rows come from src/ingest/normalize/vendors/gcp-audit/audit.ts and
 * envelope.ts (Elastic's GCP integration); docs/sources/gcp-audit.md has the
 * same table. test/unit/rules/sigma-fields.test.ts checks each row.
 */
import type { FieldTable, Mapping, PrefixRule } from './types.js';

/** AuditLog members under protoPayload. */
const PROTO: Readonly<Record<string, Mapping>> = {
  methodName: 'event.action',
  serviceName: 'gcp.audit.service_name',
  resourceName: 'gcp.audit.resource_name',
  '@type': 'gcp.audit.type',
  numResponseItems: 'gcp.audit.num_response_items',
  'status.code': 'gcp.audit.status.code',
  'status.message': 'gcp.audit.status.message',
  'authenticationInfo.principalEmail': 'gcp.audit.authentication_info.principal_email',
  'authenticationInfo.principalSubject': 'gcp.audit.authentication_info.principal_subject',
  'authenticationInfo.authoritySelector': 'gcp.audit.authentication_info.authority_selector',
  'authenticationInfo.serviceAccountKeyName': 'gcp.audit.authentication_info.service_account_key_name',
  // audit.ts: only addresses are kept ("private", "gce-internal-ip" are dropped).
  'requestMetadata.callerIp': 'gcp.audit.request_metadata.caller_ip',
  'requestMetadata.callerSuppliedUserAgent': 'gcp.audit.request_metadata.caller_supplied_user_agent',
  'resourceLocation.currentLocations': 'gcp.audit.resource_location.current_locations',
  'authorizationInfo.resourceAttributes': 'gcp.audit.authorization_info.resource_attributes',
};

/** Flattened AuditLog objects (keys as Google sent them). */
const PROTO_PREFIXES: readonly PrefixRule[] = [
  { sigma: 'authorizationInfo.resourceAttributes.', to: 'gcp.audit.authorization_info.resource_attributes.' },
  { sigma: 'authorizationInfo.', to: 'gcp.audit.authorization_info.' },
  { sigma: 'authenticationInfo.serviceAccountDelegationInfo.', to: 'gcp.audit.authentication_info.service_account_delegation_info.' },
  { sigma: 'authenticationInfo.thirdPartyPrincipal.', to: 'gcp.audit.authentication_info.third_party_principal.' },
  { sigma: 'request.', to: 'gcp.audit.request.' },
  { sigma: 'response.', to: 'gcp.audit.response.' },
  { sigma: 'metadata.', to: 'gcp.audit.metadata.' },
  { sigma: 'serviceData.', to: 'gcp.audit.service_data.' },
];

/** LogEntry members around the AuditLog (envelope.ts). */
const ENTRY: Readonly<Record<string, Mapping>> = {
  logName: 'log.logger',
  severity: 'log.level',
  insertId: 'event.id',
  timestamp: '@timestamp',
  receiveTimestamp: 'gcp.audit.receive_timestamp',
  'resource.type': 'gcp.audit.resource.type',
  'operation.id': 'gcp.audit.logentry_operation.id',
  'operation.producer': 'gcp.audit.logentry_operation.producer',
  'operation.first': 'gcp.audit.logentry_operation.first',
  'operation.last': 'gcp.audit.logentry_operation.last',
};

const ENTRY_PREFIXES: readonly PrefixRule[] = [
  { sigma: 'resource.labels.', to: 'gcp.audit.resource.labels.' },
  { sigma: 'labels.', to: 'gcp.audit.labels.' },
];

/** Each raw path is accepted with and without the collector's `data.` wrapper. */
const WRAPPERS = ['', 'data.'] as const;

function withWrappers<T>(entries: Readonly<Record<string, T>>, under: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const w of WRAPPERS) for (const [k, v] of Object.entries(entries)) out[`${w}${under}${k}`] = v;
  return out;
}

export const GCP_AUDIT_FIELDS: FieldTable = {
  exact: {
    ...withWrappers(PROTO, 'protoPayload.'),
    ...withWrappers(ENTRY, ''),
    // Elastic's name for protoPayload.methodName; event.action holds the same value (audit.ts).
    'gcp.audit.method_name': 'event.action',
  },
  prefixes: WRAPPERS.flatMap((w) => [
    ...PROTO_PREFIXES.map((p) => ({ ...p, sigma: `${w}protoPayload.${p.sigma}` })),
    ...ENTRY_PREFIXES.map((p) => ({ ...p, sigma: `${w}${p.sigma}` })),
  ]),
};
