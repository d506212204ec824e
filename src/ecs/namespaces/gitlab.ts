import type { FieldDef } from '../catalog.js';
import { field, prefixed, type Namespace } from '../namespace.js';

/**
 * The `gitlab.audit.*` namespace, following the field names of Elastic's
 * GitLab integration (packages/gitlab, data stream audit): the audit event's
 * own keys, flat, with the log line's `meta.*` request keys under `meta`.
 * `target_id` is keyword because GitLab puts names there for some target
 * types; the free-form `details` object is flattened.
 */
const a = prefixed('gitlab.audit');

const KEYWORDS: readonly [string, string][] = [
  ['id', 'Unique id of the audit event (streams and API).'],
  ['correlation_id', 'Correlation id of the request that recorded the event.'],
  ['author_class', 'Class of the author (User, …).'],
  ['entity_type', 'Type of the entity the event is about (User, Group, Project, Key, …).'],
  ['entity_path', 'Full path of the entity.'],
  ['target_id', 'Id (or, for some target types, name) of the target.'],
  ['target_type', 'Type of the target.'],
  ['target_details', 'Details about the target, usually its name or path.'],
  ['event_name', 'Audit event name.'],
  ['event_type', 'Audit event type, as streams send it.'],
  ['custom_message', 'Description of the event.'],
  ['change', 'What changed.'],
  ['from', 'Value before the change.'],
  ['to', 'Value after the change.'],
  ['add', 'What was added.'],
  ['remove', 'What was removed.'],
  ['as', 'Role or access level given.'],
  ['with', 'Authentication method used (standard, two-factor, OAuth provider, …).'],
  ['meta.caller_id', 'Controller or worker that handled the request.'],
  ['meta.client_id', 'Client of the request (user/<id> or ip/<address>).'],
  ['meta.feature_category', 'GitLab feature category.'],
  ['meta.user', 'Username of the request user.'],
  ['meta.project', 'Project of the request.'],
  ['meta.root_namespace', 'Root namespace of the request.'],
];

const GITLAB_FIELDS: readonly FieldDef[] = [
  ...KEYWORDS.map(([name, d]) => a(name, 'keyword', d)),
  a('created_at', 'date', 'When GitLab recorded the audit event.'),
  a('entity_id', 'long', 'Id of the entity.'),
  a('meta.user_id', 'long', 'Id of the request user.'),
  a('details', 'flattened', 'The free-form details object of a streamed or API event.'),
  a('flattened', 'flattened', 'Keys of the event with no named field, as GitLab sent them.'),
];

/** ECS fields beyond ECS_BASE that the GitLab normalizer fills. */
const ECS_FIELDS: readonly FieldDef[] = [
  field('client.address', 'keyword', 'Address of the client (IP or domain).'),
  field('source.address', 'keyword', 'Address of the source (IP or domain).'),
];

export const GITLAB: Namespace = { vendor: 'gitlab', datasets: ['gitlab.audit'], fields: GITLAB_FIELDS, ecsFields: ECS_FIELDS };
