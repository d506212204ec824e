/**
 * ECS event.category / event.type per Reports API application and event
 * name, following the categorization of Elastic's google_workspace
 * integration (one ingest pipeline per data stream). Unknown names get only
 * the application's base categories, never a guess.
 */
import { ADMIN_CATEGORY_RULES } from './categories-admin.js';
import { rule, type Rule } from './rule.js';

export interface Categorization {
  readonly category: string[];
  readonly type: string[];
  /** `alert` for events Google itself raises as warnings (gov_attack_warning). */
  readonly kind: 'event' | 'alert';
}

const ACCOUNT_DISABLED = ['account_disabled_generic', 'account_disabled_spamming_through_relay', 'account_disabled_spamming', 'account_disabled_hijacked'];

const LOGIN: readonly Rule[] = [
  rule('category', 'authentication', [
    'suspicious_login', 'suspicious_login_less_secure_app', 'suspicious_programmatic_login',
    'user_signed_out_due_to_suspicious_session_cookie', 'login_failure', 'login_challenge',
    'login_verification', 'logout', 'login_success',
  ]),
  rule('category', 'iam', ['account_disabled_password_leak', '2sv_disable', '2sv_enroll', ...ACCOUNT_DISABLED, 'titanium_enroll', 'titanium_unenroll', 'gov_attack_warning']),
  rule('category', 'configuration', [
    'password_edit', 'recovery_email_edit', 'recovery_phone_edit', 'recovery_secret_qa_edit', 'blocked_sender',
    'email_forwarding_out_of_domain', 'risky_sensitive_action_allowed', 'risky_sensitive_action_blocked',
  ]),
  rule('category', 'session', ['login_failure', 'login_success', 'logout']),
  rule('type', 'start', ['login_failure', 'login_success']),
  rule('type', 'end', ['logout', 'user_signed_out_due_to_suspicious_session_cookie']),
  rule('type', 'user', ['account_disabled_password_leak', ...ACCOUNT_DISABLED, 'gov_attack_warning']),
  rule('type', 'change', ['password_edit', 'recovery_email_edit', 'recovery_phone_edit', 'recovery_secret_qa_edit', ...ACCOUNT_DISABLED]),
  rule('type', 'info', [
    '2sv_disable', '2sv_enroll', 'suspicious_login', 'suspicious_login_less_secure_app', 'suspicious_programmatic_login',
    'titanium_enroll', 'titanium_unenroll', 'blocked_sender', 'email_forwarding_out_of_domain', 'login_challenge',
    'login_verification', 'risky_sensitive_action_allowed', 'risky_sensitive_action_blocked', 'account_disabled_password_leak',
  ]),
];

const DRIVE_ACL = [
  'approval_canceled', 'approval_comment_added', 'approval_requested', 'approval_reviewer_responded', 'change_acl_editors',
  'change_document_access_scope', 'change_document_visibility', 'shared_drive_membership_change',
  'shared_drive_settings_change', 'sheets_import_range_access_change', 'change_user_access',
];

const DRIVE: readonly Rule[] = [
  rule('category', 'file', 'all'),
  rule('type', 'change', ['add_to_folder', 'edit', 'add_lock', 'move', 'remove_from_folder', 'rename', 'remove_lock', 'sheets_import_range', ...DRIVE_ACL]),
  rule('category', 'iam', DRIVE_ACL),
  rule('category', 'configuration', DRIVE_ACL),
  rule('type', 'creation', ['create', 'untrash', 'upload']),
  rule('type', 'deletion', ['delete', 'trash']),
  rule('type', 'info', ['download', 'preview', 'print', 'view']),
];

const GROUP_SETTINGS = [
  'change_basic_setting', 'change_identity_setting', 'change_info_setting', 'change_new_members_restrictions_setting',
  'change_post_replies_setting', 'change_spam_moderation_setting', 'change_topic_setting',
];

const GROUPS: readonly Rule[] = [
  rule('category', 'iam', 'all'),
  rule('type', 'group', 'all'),
  rule('type', 'change', [...GROUP_SETTINGS, 'change_acl_permission', 'approve_join_request', 'join']),
  rule('category', 'configuration', [...GROUP_SETTINGS, 'add_info_setting', 'remove_info_setting']),
  rule('type', 'info', [
    'accept_invitation', 'request_to_join', 'ban_user_with_moderation', 'revoke_invitation', 'invite_user',
    'reject_join_request', 'reinvite_user', 'moderate_message', 'always_post_from_user',
  ]),
  rule('type', 'user', [
    'accept_invitation', 'approve_join_request', 'join', 'request_to_join', 'ban_user_with_moderation', 'revoke_invitation',
    'invite_user', 'reject_join_request', 'reinvite_user', 'add_user', 'remove_user',
  ]),
  rule('type', 'creation', ['create_group', 'add_info_setting', 'add_user']),
  rule('type', 'deletion', ['delete_group', 'remove_info_setting', 'remove_user']),
];

const GROUP_ENTERPRISE: readonly Rule[] = [
  rule('category', 'iam', 'all'),
  rule('type', 'group', 'all'),
  rule('category', 'configuration', [
    'add_info_setting', 'remove_info_setting', 'change_info_setting', 'add_security_setting', 'remove_security_setting',
    'change_security_setting', 'change_security_setting_state', 'add_service_account_permission',
    'remove_service_account_permission', 'add_dynamic_group_query', 'change_dynamic_group_query', 'create_namespace', 'delete_namespace',
  ]),
  rule('type', 'change', [
    'change_info_setting', 'change_security_setting', 'change_security_setting_state', 'change_dynamic_group_query',
    'update_membership_expiry', 'approve_join_request', 'join', 'unban_member',
  ]),
  rule('type', 'info', ['accept_invitation', 'request_to_join', 'reject_invitation', 'reject_join_request', 'ban_member_with_moderation']),
  rule('type', 'user', [
    'accept_invitation', 'add_member', 'remove_member', 'invite_member', 'join', 'reject_invitation', 'reject_join_request',
    'request_to_join', 'revoke_invitation', 'ban_member_with_moderation', 'unban_member', 'approve_join_request',
  ]),
  rule('type', 'creation', [
    'create_group', 'create_namespace', 'add_info_setting', 'add_security_setting', 'add_service_account_permission',
    'add_member', 'add_member_role', 'add_dynamic_group_query', 'add_membership_expiry', 'invite_member',
  ]),
  rule('type', 'deletion', [
    'delete_group', 'delete_namespace', 'remove_info_setting', 'remove_security_setting', 'remove_service_account_permission',
    'remove_member', 'remove_member_role', 'remove_membership_expiry', 'revoke_invitation',
  ]),
];

const TOKEN: readonly Rule[] = [
  rule('category', 'iam', 'all'),
  rule('type', 'info', 'all'),
  rule('type', 'user', ['authorize', 'revoke']),
  rule('type', 'deletion', ['revoke']),
];

const USER_ACCOUNTS: readonly Rule[] = [rule('category', 'iam', 'all'), rule('type', 'change', 'all'), rule('type', 'user', 'all')];

const SAML: readonly Rule[] = [rule('category', 'authentication', 'all'), rule('category', 'session', 'all'), rule('type', 'start', 'all')];

const RULES_BY_DATASET: Readonly<Record<string, readonly Rule[]>> = {
  login: LOGIN,
  admin: ADMIN_CATEGORY_RULES,
  drive: DRIVE,
  groups: GROUPS,
  group_enterprise: GROUP_ENTERPRISE,
  token: TOKEN,
  user_accounts: USER_ACCOUNTS,
  saml: SAML,
};

/** Event names that Google raises as warnings: Elastic sets event.kind to alert for them. */
const ALERT_ACTIONS = new Set(['gov_attack_warning']);

/** Categorization of one event of a dataset (the dataset's short name: login, admin, …). */
export function categorize(dataset: string, action: string | undefined): Categorization {
  const category: string[] = [];
  const type: string[] = [];
  const rules = Object.hasOwn(RULES_BY_DATASET, dataset) ? RULES_BY_DATASET[dataset] : undefined;
  for (const r of rules ?? []) {
    if (r.actions !== 'all' && (action === undefined || !r.actions.has(action))) continue;
    const list = r.field === 'category' ? category : type;
    if (!list.includes(r.value)) list.push(r.value);
  }
  const kind = dataset === 'login' && action !== undefined && ALERT_ACTIONS.has(action) ? 'alert' : 'event';
  return { category, type, kind };
}
