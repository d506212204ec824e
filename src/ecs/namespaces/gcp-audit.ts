import type { FieldDef } from '../catalog.js';
import { field, prefixed, type Namespace } from '../namespace.js';

/**
 * The `gcp.audit.*` namespace, following the field names of Elastic's GCP
 * integration (packages/gcp, data_stream audit). Open-ended AuditLog parts
 * (request, response, metadata, labels, authorization checks) are
 * `flattened`: their keys are the vendor's own and unbounded. Elastic maps
 * authorization_info as `nested`, which the stripped ES build lacks.
 */
const a = prefixed('gcp.audit');

const GCP_AUDIT_FIELDS: FieldDef[] = [
  a('type', 'keyword', 'The protoPayload @type (type.googleapis.com/google.cloud.audit.AuditLog).'),
  a('authentication_info.principal_email', 'keyword', 'Email of the authenticated caller (also client.user.email).'),
  a('authentication_info.principal_subject', 'keyword', 'Identity string of the caller, first or third party (also client.user.id).'),
  a('authentication_info.authority_selector', 'keyword', 'Authority selector given by the caller, if any.'),
  a('authentication_info.service_account_key_name', 'keyword', 'Service account key used to get the access token.'),
  a('authentication_info.service_account_delegation_info', 'flattened', 'Delegation history of a service account caller.'),
  a('authentication_info.third_party_principal', 'flattened', 'Third-party identity of the caller.'),
  a('authorization_info', 'flattened', 'Authorization checks: [{granted, permission, resource, resource_attributes, …}].'),
  a('labels', 'flattened', 'LogEntry labels.'),
  a('logentry_operation.id', 'keyword', 'Operation id, when it differs from event.id.'),
  a('logentry_operation.producer', 'keyword', 'Producer of the operation.'),
  a('logentry_operation.first', 'boolean', 'First entry of the operation.'),
  a('logentry_operation.last', 'boolean', 'Last entry of the operation.'),
  a('metadata', 'flattened', 'Service-specific metadata of the AuditLog.'),
  a('method_name', 'keyword', 'Service method called (also event.action).'),
  a('num_response_items', 'long', 'Items returned by a List or Query method.'),
  a('receive_timestamp', 'date', 'When Cloud Logging received the entry.'),
  a('request', 'flattened', 'The operation request (a scalar `policy` moves to `policy_value`).'),
  a('request_metadata.caller_ip', 'ip', 'Address of the caller.'),
  a('request_metadata.caller_supplied_user_agent', 'keyword', 'User agent the caller sent (not authenticated).'),
  a('resource.type', 'keyword', 'Monitored resource type of the LogEntry (project, gce_instance, k8s_cluster, …).'),
  a('resource.labels', 'flattened', 'Monitored resource labels.'),
  a('resource_location.current_locations', 'keyword', 'Current locations of the resource.', true),
  a('resource_name', 'keyword', 'Resource or collection the operation targets.'),
  a('response', 'flattened', 'The operation response (a scalar `status` moves to `status_value`).'),
  a('service_data', 'flattened', 'Deprecated service-specific data (IAM policy deltas of older services).'),
  a('service_name', 'keyword', 'API service of the operation (also service.name).'),
  a('status.code', 'long', 'google.rpc.Code of the operation; 0 is OK.'),
  a('status.message', 'keyword', 'Developer-facing error message.'),
];

/** ECS fields beyond ECS_BASE that gcp.audit fills. */
const ECS_FIELDS: FieldDef[] = [
  field('cloud.provider', 'keyword', 'Cloud provider (gcp).'),
  field('cloud.project.id', 'keyword', 'Cloud project id.'),
  field('cloud.instance.id', 'keyword', 'Instance id of the resource.'),
  field('cloud.availability_zone', 'keyword', 'Zone or location of the resource.'),
  field('log.logger', 'keyword', 'Name of the log the entry was written to.'),
  field('log.level', 'keyword', 'Severity of the log entry.'),
  field('service.name', 'keyword', 'Name of the service.'),
  field('orchestrator.type', 'keyword', 'Orchestrator type (kubernetes).'),
  field('orchestrator.cluster.name', 'keyword', 'Cluster name.'),
  field('orchestrator.api_version', 'keyword', 'API version of the resource.'),
  field('orchestrator.namespace', 'keyword', 'Namespace of the resource.'),
  field('orchestrator.resource.type', 'keyword', 'Type of the resource acted on.'),
  field('orchestrator.resource.name', 'keyword', 'Name of the resource acted on.'),
  field('actor.entity.id', 'keyword', 'Identifiers of the entity that acted.', true),
  field('target.entity.id', 'keyword', 'Identifiers of the entity acted on.', true),
  field('entity.id', 'keyword', 'Identifiers of an acting entity that is neither a user, a host nor a service.', true),
  field('entity.target.id', 'keyword', 'Identifiers of a target that is neither a user, a host nor a service.', true),
  field('user.entity.id', 'keyword', 'Identifiers of the acting user.', true),
  field('user.target.entity.id', 'keyword', 'Identifiers of the user or group acted on.', true),
  field('service.entity.id', 'keyword', 'Identifiers of the acting service (service account).', true),
  field('service.target.entity.id', 'keyword', 'Identifiers of the service resource acted on.', true),
  field('host.target.entity.id', 'keyword', 'Identifiers of the host acted on.', true),
  field('related.entity', 'keyword', 'Every identity and resource named in the event.', true),
];

export const GCP_AUDIT: Namespace = { vendor: 'gcp_audit', datasets: ['gcp.audit'], fields: GCP_AUDIT_FIELDS, ecsFields: ECS_FIELDS };
