import type { FieldDef } from '../catalog.js';
import { field, prefixed, type Namespace } from '../namespace.js';

/**
 * The `google_workspace.*` namespace, following the field names of Elastic's
 * google_workspace integration (one data stream per Reports API application,
 * plus Alert Center alerts). Event parameters are open-ended (Google adds
 * new ones all the time), so each application's parameter subtree is one
 * `flattened` field; the activity envelope and the alert are typed.
 */
const g = prefixed('google_workspace');

/** One dataset per Reports API application Sift maps (see vendors/google-workspace/resolve.ts), `activity` for the others. */
const ACTIVITY_DATASETS = [
  'access_transparency', 'admin', 'calendar', 'chat', 'chrome', 'context_aware_access', 'data_studio', 'device', 'drive',
  'gcp', 'gemini', 'gmail', 'group_enterprise', 'groups', 'keep', 'login', 'meet', 'rules', 'saml', 'token',
  'user_accounts', 'vault', 'activity',
] as const;

const ACTIVITY_FIELDS: readonly FieldDef[] = [
  g('kind', 'keyword', 'Type of the API resource (admin#reports#activity).'),
  g('etag', 'keyword', 'ETag of the activity.'),
  g('actor.email', 'keyword', 'Primary email of the actor.'),
  g('actor.profile.id', 'keyword', 'Google profile id of the actor.'),
  g('actor.type', 'keyword', 'Caller type: USER or KEY.'),
  g('actor.key', 'keyword', 'Key of the actor when callerType is KEY (e.g. an OAuth consumer).'),
  g('actor.application_name', 'keyword', 'Application the actor used (actor.applicationInfo.applicationName).'),
  g('event.name', 'keyword', 'Name of the event (also event.action).'),
  g('event.type', 'keyword', 'Type of the event (the group of event names it belongs to).'),
  g('id.time', 'date', 'When the activity occurred.'),
  g('id.application_name', 'keyword', 'Reports API application the activity belongs to.'),
  g('id.customer.id', 'keyword', 'Google Workspace customer id.'),
  g('id.unique_qualifier', 'keyword', 'Unique qualifier of the activity (unique when ids share a time).'),
  g('ip_address', 'ip', 'IP address of the actor.'),
  g('organization.domain', 'keyword', 'Domain of the affected customer (ownerDomain).'),
  ...ACTIVITY_DATASETS.map((ds) => g(ds, 'flattened', `Parameters of ${ds} events, under Elastic's names.`)),
];

const ALERT_FIELDS: readonly FieldDef[] = [
  g('alert.id', 'keyword', 'Alert id.'),
  g('alert.create_time', 'date', 'When the alert was created.'),
  g('alert.start_time', 'date', 'When the earliest event of the alert happened.'),
  g('alert.end_time', 'date', 'When the latest event of the alert happened.'),
  g('alert.update_time', 'date', 'When the alert was last updated.'),
  g('alert.source', 'keyword', 'Source of the alert (e.g. Gmail phishing, Google identity).'),
  g('alert.type', 'keyword', 'Type of the alert (e.g. User reported phishing).'),
  g('alert.deleted', 'boolean', 'Whether the alert is marked deleted.'),
  g('alert.etag', 'keyword', 'ETag of the alert.'),
  g('alert.security_investigation_tool_link', 'keyword', 'Link to the alert in the security investigation tool.'),
  g('alert.customer.id', 'keyword', 'Customer id.'),
  g('alert.metadata.alert.id', 'keyword', 'Alert id, as the metadata repeats it.'),
  g('alert.metadata.customer.id', 'keyword', 'Customer id, as the metadata repeats it.'),
  g('alert.metadata.assignee', 'keyword', 'Email of the user the alert is assigned to.'),
  g('alert.metadata.etag', 'keyword', 'ETag of the metadata.'),
  g('alert.metadata.severity', 'keyword', 'Severity: HIGH, MEDIUM or LOW.'),
  g('alert.metadata.status', 'keyword', 'Status: NOT_STARTED, IN_PROGRESS or CLOSED.'),
  g('alert.metadata.update_time', 'date', 'When the metadata was last updated.'),
  g('alert.data', 'flattened', 'Type-specific alert data (data.@type), under Elastic names.'),
];

/** ECS fields beyond ECS_BASE that the Workspace normalizers fill. */
const ECS_FIELDS: readonly FieldDef[] = [
  field('event.start', 'date', 'When the activity started (e.g. login_timestamp, START_DATE).'),
  field('event.end', 'date', 'When the activity ended.'),
  field('event.duration', 'long', 'Duration of the event in nanoseconds.'),
  field('organization.id', 'keyword', 'Id of the organization (Workspace customer id).'),
  field('source.user.domain', 'keyword', 'Domain of the user at the source.'),
  field('user.target.domain', 'keyword', 'Domain of the user acted upon.'),
  field('user.target.group.domain', 'keyword', 'Domain of the group acted upon.'),
  field('group.id', 'keyword', 'Id of the group.'),
  field('group.name', 'keyword', 'Name of the group.'),
  field('group.domain', 'keyword', 'Domain of the group.'),
  field('file.name', 'keyword', 'Name of the file.'),
  field('file.type', 'keyword', 'File type: file or dir.'),
  field('file.extension', 'keyword', 'File extension.'),
  field('file.owner', 'keyword', 'Owner of the file.'),
  field('url.full', 'keyword', 'Full URL.'),
  field('url.original', 'keyword', 'URL as sent.'),
  field('url.scheme', 'keyword', 'URL scheme.'),
  field('url.domain', 'keyword', 'URL domain.'),
  field('url.port', 'long', 'URL port.'),
  field('url.path', 'keyword', 'URL path.'),
  field('url.query', 'keyword', 'URL query.'),
  field('url.fragment', 'keyword', 'URL fragment.'),
  field('url.username', 'keyword', 'URL user name.'),
  field('url.extension', 'keyword', 'URL path extension.'),
  field('network.name', 'keyword', 'Name of the network.'),
  field('rule.id', 'keyword', 'Id of the rule.'),
  field('rule.name', 'keyword', 'Name of the rule.'),
  field('rule.description', 'keyword', 'Description of the rule.'),
  field('host.os.version', 'keyword', 'Operating system version of the host.'),
  field('related.hosts', 'keyword', 'Every host name or domain in the event.', true),
  field('related.hash', 'keyword', 'Every hash in the event.', true),
  field('email.to.address', 'keyword', 'Recipient addresses.', true),
];

export const GOOGLE_WORKSPACE: Namespace = {
  vendor: 'google_workspace',
  datasets: [...ACTIVITY_DATASETS.map((ds) => `google_workspace.${ds}`), 'google_workspace.alert'],
  fields: [...ACTIVITY_FIELDS, ...ALERT_FIELDS],
  ecsFields: ECS_FIELDS,
};
