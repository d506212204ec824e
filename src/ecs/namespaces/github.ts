import type { FieldDef } from '../catalog.js';
import { field, prefixed, type Namespace } from '../namespace.js';

/**
 * The `github.*` namespace, following the field names of Elastic's GitHub
 * integration (packages/github, data stream audit), so Kibana content built
 * for it works on Sift's documents. Ids are keyword (as Elastic maps them);
 * per-action details with no named field land in `github.flattened`.
 */
const g = prefixed('github');

const KEYWORDS: readonly [string, string][] = [
  ['audit_log_stream_sink', 'Destination type of an audit log stream (Azure Event Hubs, Amazon S3, …).'],
  ['audit_log_stream_sink_details', 'Destination details of an audit log stream.'],
  ['blocked_user', 'The username of the account being blocked.'],
  ['business', 'Enterprise account slug.'],
  ['category', 'GitHub action category: the action prefix, e.g. repo for repo.create.'],
  ['commit_id', 'Commit SHA.'],
  ['device', 'Device the actor used.'],
  ['external_identity_nameid', 'SAML NameID of the actor’s linked identity.'],
  ['external_identity_username', 'Username of the actor’s linked identity.'],
  ['forked_repository', 'Name of the fork.'],
  ['hashed_token', 'SHA-256 hash (base64) of the token used for authentication.'],
  ['integration', 'The GitHub App that triggered the event.'],
  ['login_method', 'How the actor signed in.'],
  ['logout_reason', 'Why the session ended.'],
  ['message', 'Message attached to the event.'],
  ['name', 'Name of the object acted on (workflow, app, enterprise, …).'],
  ['new_role', 'Role after the change.'],
  ['old_role', 'Role before the change.'],
  ['operation_type', 'GitHub operation type: access, authentication, create, modify, remove, restore or transfer.'],
  ['org', 'GitHub organization name.'],
  ['permission', 'GitHub user permissions for the event.'],
  ['programmatic_access_type', 'Type of authentication used (personal access token, OAuth token, GitHub App token, …).'],
  ['pull_request_title', 'Pull request title.'],
  ['pull_request_url', 'Pull request URL.'],
  ['reason', 'Reason given for the action.'],
  ['repo', 'GitHub repository name (owner/name).'],
  ['repository', 'The name of the repository.'],
  ['repository_selection', 'Whether all repositories have been selected or there is a selection involved.'],
  ['request_category', 'Request category (api, other, …).'],
  ['request_id', 'GitHub request id.'],
  ['request_method', 'HTTP method of an API request.'],
  ['route', 'Route template of an API request, e.g. /repos/{owner}/{repo}/pulls.'],
  ['secret_type', 'Secret scanning secret type.'],
  ['secret_type_display_name', 'Display name of the secret type.'],
  ['source_branch', 'Source branch.'],
  ['target_branch', 'Target branch.'],
  ['team', 'GitHub team name.'],
  ['topic', 'Repository topic.'],
  ['transport_protocol_name', 'A human readable name for the protocol (http, ssh) used to transfer Git data.'],
  ['user_agent', 'The user agent of the entity performing the action.'],
  ['version', 'Version.'],
  ['visibility', 'The repository visibility: public, private or internal.'],
  ['actor_id', 'The id of the actor who performed the action.'],
  ['audit_log_stream_id', 'Id of the audit log stream.'],
  ['business_id', 'Enterprise account id.'],
  ['oauth_application_id', 'Id of the OAuth application used.'],
  ['org_id', 'Organization id.'],
  ['pull_request_id', 'Pull request id.'],
  ['repo_id', 'Repository id.'],
  ['token_id', 'Id of the token used.'],
  ['user_id', 'Id of the user affected by the action.'],
  ['hook_id', 'Webhook id.'],
  ['actor_location.country_name', 'Country of the actor, as GitHub located it.'],
  ['changes.billing_plan', 'Billing plan after the change.'],
  ['data.event', 'Event that triggered a workflow run.'],
  ['data.head_branch', 'Head branch of a workflow run.'],
  ['data.head_sha', 'Head commit of a workflow run.'],
  ['data.trigger_id', 'Trigger id of a workflow run.'],
  ['data.workflow_id', 'Workflow id.'],
  ['data.workflow_run_id', 'Workflow run id.'],
];

const LISTS: readonly [string, string][] = [
  ['events', 'Webhook events subscribed to.'],
  ['repositories_added', 'Ids of the repositories added to a GitHub App installation.'],
  ['repositories_added_names', 'The names of the repositories added to a GitHub App installation.'],
  ['repositories_removed', 'Ids of the repositories removed from a GitHub App installation.'],
  ['repositories_removed_names', 'The names of the repositories removed from a GitHub App installation.'],
  ['secrets_updated', 'Secrets changed on an audit log stream.'],
  ['token_scopes', 'OAuth scopes of the token used.'],
  ['changes.roles', 'Roles after the change.'],
];

const BOOLEANS: readonly [string, string][] = [
  ['active', 'Whether the object is active.'],
  ['actor_is_bot', 'Whether the actor is a bot.'],
  ['audit_log_stream_enabled', 'Whether the audit log stream is enabled.'],
  ['multi_repo', 'Whether several repositories are involved.'],
  ['public_repo', 'Whether the repository is public.'],
  ['publicly_leaked', 'Whether a secret was leaked publicly.'],
  ['repository_public', 'Whether the GitHub repository is publicly visible.'],
];

const GITHUB_FIELDS: readonly FieldDef[] = [
  ...KEYWORDS.map(([name, d]) => g(name, 'keyword', d)),
  ...LISTS.map(([name, d]) => g(name, 'keyword', d, true)),
  ...BOOLEANS.map(([name, d]) => g(name, 'boolean', d)),
  g('number', 'long', 'Number of the object (alert, pull request, …).'),
  g('status_code', 'long', 'HTTP status code of an API request.'),
  g('transport_protocol', 'long', 'The type of protocol (1 http, 2 ssh) used to transfer Git data.'),
  g('actor_ip', 'ip', 'The IP address of the entity performing the action.'),
  g('actor_location.ip', 'ip', 'Address GitHub located the actor from.'),
  g('data.started_at', 'date', 'Start of a workflow run.'),
  g('events_object', 'flattened', 'Webhook events, when sent as an object.'),
  g('flattened', 'flattened', 'Keys of the entry with no named github.* field (per-action details), as GitHub sent them.'),
];

/** ECS fields beyond ECS_BASE that the GitHub normalizer fills. */
const ECS_FIELDS: readonly FieldDef[] = [
  field('group.name', 'keyword', 'Name of the group (team or organization) the action is about.'),
  field('organization.id', 'keyword', 'Id of the organization.'),
  field('organization.name', 'keyword', 'Name of the organization.'),
  field('client.geo.country_iso_code', 'keyword', 'Country ISO code, as the vendor geolocated it.'),
  field('source.geo.country_iso_code', 'keyword', 'Country ISO code, as the vendor geolocated it.'),
  field('source.geo.country_name', 'keyword', 'Country name, as the vendor geolocated it.'),
];

export const GITHUB: Namespace = { vendor: 'github', datasets: ['github.audit'], fields: GITHUB_FIELDS, ecsFields: ECS_FIELDS };
