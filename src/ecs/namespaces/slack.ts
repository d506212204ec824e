import type { FieldDef } from '../catalog.js';
import { field, prefixed, type Namespace } from '../namespace.js';

/**
 * The `slack.*` namespace, following the field names of Elastic's Slack
 * integration (packages/slack, data stream `audit`) so that Kibana content
 * built for it works on Sift's documents. The open-ended `details` object of
 * an audit entry is kept whole under `slack.audit.details.flattened`.
 */
const s = prefixed('slack.audit');

const SLACK_FIELDS: readonly FieldDef[] = [
  s('context.id', 'keyword', 'Id of the workspace or enterprise the action happened in.'),
  s('context.name', 'keyword', 'Name of the workspace or enterprise.'),
  s('context.domain', 'keyword', 'Domain of the workspace or enterprise.'),
  s('context.type', 'keyword', 'workspace or enterprise.'),
  s('context.session_id', 'keyword', 'Id of the authenticated session.'),
  s('entity.entity_type', 'keyword', 'Type of the entity acted upon: user, workspace, enterprise, file, channel, app, workflow, usergroup, barrier, message, role, …'),
  s('entity.id', 'keyword', 'Id of the entity.'),
  s('entity.name', 'keyword', 'Name of the entity.'),
  s('entity.email', 'keyword', 'Email address, when the entity is a user.'),
  s('entity.team', 'keyword', 'Team (workspace) of the entity, when it is a user or message.'),
  s('entity.domain', 'keyword', 'Domain, when the entity is a workspace or enterprise.'),
  s('entity.filetype', 'keyword', 'File type, when the entity is a file.'),
  s('entity.title', 'keyword', 'Title, when the entity is a file.'),
  s('entity.privacy', 'keyword', 'Privacy, when the entity is a channel.'),
  s('entity.is_shared', 'boolean', 'Whether the channel is shared.'),
  s('entity.is_org_shared', 'boolean', 'Whether the channel is shared across the organization.'),
  s('entity.teams_shared_with', 'keyword', 'Teams the channel is shared with.', true),
  s('entity.is_distributed', 'boolean', 'Whether the app is distributed.'),
  s('entity.is_directory_approved', 'boolean', 'Whether the app is approved in the App Directory.'),
  s('entity.is_workflow_app', 'boolean', 'Whether the app is a workflow app.'),
  s('entity.scopes', 'keyword', 'OAuth scopes of the app.', true),
  s('entity.primary_usergroup', 'keyword', 'Primary user group of the information barrier.'),
  s('entity.barriered_from_usergroup', 'keyword', 'User groups the information barrier separates from.', true),
  s('entity.channel', 'keyword', 'Channel of the message.'),
  s('entity.timestamp', 'keyword', 'Timestamp (ts) of the message.'),
  s('entity.type', 'keyword', 'Type of the role, when the entity is a role.'),
  s('details.location', 'keyword', 'Location of the anomalous access, e.g. "Tokyo, JP".'),
  s('details.previous_ip_address', 'ip', 'IP address seen before the anomaly.'),
  s('details.previous_user_agent', 'keyword', 'User agent seen before the anomaly.'),
  s('details.reason', 'keyword', 'Why Slack flagged the anomaly (asn, ip_address, session_fingerprint, …).', true),
  s('details.md5', 'keyword', 'MD5 hash of the malicious file.'),
  s('details.flattened', 'flattened', 'Every details key, as Slack sent it.'),
];

/** ECS fields beyond ECS_BASE that the Slack normalizer fills. */
const SLACK_ECS: readonly FieldDef[] = [
  field('source.address', 'keyword', 'Source address as the vendor wrote it (IP or host name).'),
  field('related.hash', 'keyword', 'Every hash in the event.', true),
  field('file.hash.md5', 'keyword', 'MD5 hash of the file.'),
];

export const SLACK: Namespace = { vendor: 'slack', datasets: ['slack.audit'], fields: SLACK_FIELDS, ecsFields: SLACK_ECS };
