/**
 * ECS event.category / event.type / event.outcome per Slack audit action,
 * following the categorization of Elastic's Slack integration (data stream
 * `audit`). Actions not listed get `event.type: ["info"]` and no category,
 * as Elastic does: a guess would mislead rules more than a gap does.
 *
 * Slack actions: https://api.slack.com/admins/audit-logs-call#actions
 */
export interface Categorization {
  readonly category: readonly string[];
  readonly type: readonly string[];
  readonly outcome?: 'success' | 'failure';
}

const c = (category: string[], type: string[], outcome?: 'success' | 'failure'): Categorization =>
  outcome === undefined ? { category, type } : { category, type, outcome };

const SESSION_END = c(['authentication', 'session'], ['info', 'end'], 'success');
const USER_CHANGE = c(['iam'], ['change', 'user']);
const ADMIN_CHANGE = c(['iam'], ['change', 'user', 'admin']);
const GROUP_MEMBER = c(['iam'], ['change', 'group', 'user']);
const GROUP_CHANGE = c(['iam'], ['change', 'group']);
const GROUP_CHANNEL = c(['iam', 'configuration'], ['change', 'group']);
const FILE_INFO = c(['file'], ['info']);

const ACTIONS: Readonly<Record<string, Categorization>> = {
  // Users and sessions.
  user_login: c(['authentication', 'session'], ['info', 'start'], 'success'),
  user_login_failed: c(['authentication'], ['info'], 'failure'),
  user_logout: SESSION_END,
  user_session_invalidated: SESSION_END,
  user_session_reset_by_admin: SESSION_END,
  user_created: c(['iam'], ['creation', 'user']),
  user_deactivated: c(['iam'], ['deletion', 'user']),
  user_reactivated: USER_CHANGE,
  role_change_to_admin: ADMIN_CHANGE,
  role_change_to_guest: USER_CHANGE,
  role_change_to_owner: ADMIN_CHANGE,
  role_change_to_user: USER_CHANGE,
  user_email_updated: USER_CHANGE,
  // User groups.
  user_added_to_usergroup: GROUP_MEMBER,
  user_removed_from_usergroup: GROUP_MEMBER,
  default_channel_added_to_usergroup: GROUP_CHANNEL,
  default_channel_removed_from_usergroup: GROUP_CHANNEL,
  role_added_to_usergroup: GROUP_CHANGE,
  role_removed_from_usergroup: GROUP_CHANGE,
  role_modified_on_usergroup: GROUP_CHANGE,
  // Files.
  file_downloaded: c(['file'], ['access']),
  file_downloaded_blocked: c(['file'], ['denied']),
  file_uploaded: c(['file'], ['creation']),
  file_public_link_created: FILE_INFO,
  file_public_link_revoked: FILE_INFO,
  file_shared: FILE_INFO,
  file_malicious_content_detected: c(['file', 'malware'], ['info']),
};

const DEFAULT: Categorization = { category: [], type: ['info'] };

export function categorize(action: string | undefined): Categorization {
  return action !== undefined && Object.hasOwn(ACTIONS, action) ? (ACTIONS[action] ?? DEFAULT) : DEFAULT;
}
