/**
 * The flat keys of a GitHub audit entry that Sift copies to `github.<key>`
 * (Elastic's names), grouped by how they are read. The namespace
 * (src/ecs/namespaces/github.ts) declares the same keys with matching types;
 * a test keeps the two in step.
 *
 * Keys documented per action: https://docs.github.com/en/enterprise-cloud@latest/admin/monitoring-activity-in-your-enterprise/reviewing-audit-logs-for-your-enterprise/audit-log-events-for-your-enterprise
 */

/** Plain keyword values (numbers and booleans become text). */
export const KEYWORD_KEYS = [
  'audit_log_stream_sink',
  'audit_log_stream_sink_details',
  'blocked_user',
  'business',
  'commit_id',
  'device',
  'external_identity_nameid',
  'external_identity_username',
  'forked_repository',
  'hashed_token',
  'integration',
  'login_method',
  'logout_reason',
  'message',
  'name',
  'new_role',
  'old_role',
  'operation_type',
  'org',
  'permission',
  'programmatic_access_type',
  'pull_request_title',
  'pull_request_url',
  'reason',
  'repo',
  'repository',
  'repository_selection',
  'request_category',
  'request_id',
  'request_method',
  'route',
  'secret_type',
  'secret_type_display_name',
  'source_branch',
  'target_branch',
  'topic',
  'transport_protocol_name',
  'user_agent',
  'version',
  'visibility',
] as const;

/** Numeric ids, kept as keyword text (as Elastic does), exact for big ones. */
export const ID_KEYS = [
  'actor_id',
  'audit_log_stream_id',
  'business_id',
  'oauth_application_id',
  'org_id',
  'pull_request_id',
  'repo_id',
  'token_id',
  'user_id',
] as const;

export const BOOLEAN_KEYS = ['active', 'actor_is_bot', 'audit_log_stream_enabled', 'multi_repo', 'public_repo', 'publicly_leaked', 'repository_public'] as const;

export const LONG_KEYS = ['number', 'status_code', 'transport_protocol'] as const;

/** Lists: JSON arrays, or comma-separated text (`token_scopes: "repo,read:org"`). */
export const LIST_KEYS = ['repositories_added', 'repositories_added_names', 'repositories_removed', 'repositories_removed_names', 'secrets_updated', 'token_scopes'] as const;

/** Keys of the legacy `data` object copied to `github.data.<key>`. */
export const DATA_KEYWORD_KEYS = ['event', 'head_branch', 'head_sha'] as const;
export const DATA_ID_KEYS = ['trigger_id', 'workflow_id', 'workflow_run_id'] as const;

/**
 * Keys read into named fields elsewhere (ECS fields, `team`, `hook_id`,
 * `events`, …): they are not repeated in `github.flattened`.
 */
export const OTHER_TOP_KEYS = [
  '@timestamp',
  '_document_id',
  'action',
  'actor',
  'actor_ip',
  'actor_location',
  'changes',
  'created_at',
  'events',
  'events_object',
  'hook_id',
  'team',
  'user',
] as const;
export const OTHER_DATA_KEYS = ['events', 'hook_id', 'old_user', 'started_at', 'team'] as const;
