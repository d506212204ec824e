/**
 * Per-application parameter mapping: each Reports API application's event
 * parameters → Elastic's `google_workspace.<data stream>.*` names (as its
 * ingest pipeline for that data stream renames them) and the ECS fields
 * they feed. Parameter catalogs:
 * https://developers.google.com/workspace/admin/reports/v1/appendix/activity/
 */
import { pushUnique } from '../../accessors.js';
import { mapAdmin } from './apps-admin.js';
import { copyRenamed, groupFromEmail, targetFromEmail, type Extras, type RenameTable } from './extras.js';
import { boolOf, dateOf, keywordOf, longOf, setPath, splitEmail, stringsOf, type Tree } from './util.js';

const stripPrefix =
  (prefix: string) =>
  (name: string): string =>
    name.startsWith(prefix) ? name.slice(prefix.length) : name;

const DIGITS_17 = /^\d{1,17}$/;

/** Login time parameters are microseconds since the epoch. */
function microsToIso(v: unknown): string | undefined {
  const us = typeof v === 'number' ? v : typeof v === 'string' && DIGITS_17.test(v) ? Number(v) : undefined;
  if (us === undefined || !Number.isFinite(us) || us < 0) return undefined;
  const ms = Math.floor(us / 1000);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const NO_RENAMES: RenameTable = {};
const LOGIN_NAME = stripPrefix('login_');
const SAML_NAME = stripPrefix('saml_');

function mapLogin(params: Tree, x: Extras, action: string | undefined): void {
  copyRenamed(params, x.app, NO_RENAMES, LOGIN_NAME);
  const ts = x.app['timestamp'];
  const asNumber = typeof ts === 'string' && DIGITS_17.test(ts) ? Number(ts) : ts;
  if (asNumber !== ts) x.app['timestamp'] = asNumber;
  x.start = microsToIso(asNumber);
  if (action === 'login_failure') x.outcome = 'failure';
  else if (action === 'login_success') x.outcome = 'success';
  else {
    const status = keywordOf(x.app['challenge_status']);
    if (status !== undefined) x.outcome = /passed/i.test(status) ? 'success' : 'failure';
  }
  const affected = keywordOf(x.app['affected_email_address']);
  const parts = splitEmail(affected);
  if (parts) {
    x.targetUser = { name: parts.local, domain: parts.domain };
    pushUnique(x.relatedUser, parts.local);
  }
}

function mapSaml(params: Tree, x: Extras, action: string | undefined): void {
  copyRenamed(params, x.app, NO_RENAMES, SAML_NAME);
  if (action === 'login_success') x.outcome = 'success';
  else if (action === 'login_failure') x.outcome = 'failure';
}

const TOKEN: RenameTable = { client_id: 'client.id', client_type: 'client.type', scope: 'scope.value', scope_data: 'scope.data' };

const TOKEN_SKIP: ReadonlySet<string> = new Set(['num_response_bytes']);

function mapToken(params: Tree, x: Extras): void {
  copyRenamed(params, x.app, TOKEN, undefined, TOKEN_SKIP);
  setPath(x.app, 'num_response_bytes', longOf(params['num_response_bytes']) ?? params['num_response_bytes']);
}

const ACCESS_TRANSPARENCY: RenameTable = {
  ACCESS_APPROVAL_ALERT_CENTER_IDS: 'access_approval.alert_center_ids',
  ACCESS_APPROVAL_REQUEST_IDS: 'access_approval.request_ids',
  ACCESS_MANAGEMENT_POLICY: 'access_management.policy',
  ACTOR_HOME_OFFICE: 'actor_home_office',
  GSUITE_PRODUCT_NAME: 'gsuite_product_name',
  JUSTIFICATIONS: 'justifications',
  LOG_ID: 'log_id',
  ON_BEHALF_OF: 'on_behalf_of',
  OWNER_EMAIL: 'owner_email',
  RESOURCE_NAME: 'resource_name',
  TICKETS: 'tickets',
};

function mapAccessTransparency(params: Tree, x: Extras): void {
  copyRenamed(params, x.app, ACCESS_TRANSPARENCY);
  pushUnique(x.relatedUser, keywordOf(params['OWNER_EMAIL']));
}

const GROUP_ENTERPRISE: RenameTable = {
  group_id: 'group.id',
  member_id: 'member.id',
  member_role: 'member.role',
  member_type: 'member.type',
  security_setting: 'security_setting.value',
  security_setting_state: 'security_setting.state',
};

const GROUP_ENTERPRISE_SKIP: ReadonlySet<string> = new Set(['membership_expiry']);

/**
 * Each application's rename table, by the data stream its parameters land
 * in (`google_workspace.<key>`): a parameter named in one never stays under
 * its own name there. `sift rules lint` reads these (moved.ts).
 */
export function renameTables(): Readonly<Record<string, RenameTable>> {
  return {
    token: TOKEN,
    access_transparency: ACCESS_TRANSPARENCY,
    group_enterprise: GROUP_ENTERPRISE,
    groups: GROUPS,
    drive: DRIVE,
    device: DEVICE,
    rules: RULES,
    context_aware_access: CONTEXT_AWARE_ACCESS,
  };
}

/** Login and SAML parameters lose their prefix (login_type → google_workspace.login.type). */
export const PREFIXES: Readonly<Record<string, string>> = { login: 'login_', saml: 'saml_' };

function mapGroupEnterprise(params: Tree, x: Extras): void {
  copyRenamed(params, x.app, GROUP_ENTERPRISE, undefined, GROUP_ENTERPRISE_SKIP);
  const expiry = params['membership_expiry'];
  setPath(x.app, 'membership_expiry', dateOf(expiry) ?? expiry);
  const id = keywordOf(params['group_id']);
  if (id !== undefined) x.group = { id };
}

const GROUPS: RenameTable = {
  group_email: 'email',
  new_value_repeated: 'new_value',
  old_value_repeated: 'old_value',
  user_email: 'member.email',
  basic_setting: 'setting',
  identity_setting: 'setting',
  info_setting: 'setting',
  new_members_restrictions_setting: 'setting',
  post_replies_setting: 'setting',
  spam_moderation_setting: 'setting',
  topic_setting: 'setting',
  message_id: 'message.id',
  message_moderation_action: 'message.moderation_action',
  member_role: 'member.role',
};

function mapGroups(params: Tree, x: Extras): void {
  copyRenamed(params, x.app, GROUPS);
  const status = keywordOf(params['status']);
  if (status === 'failed') x.outcome = 'failure';
  else if (status === 'success') x.outcome = 'success';
  groupFromEmail(x, keywordOf(params['group_email']));
  targetFromEmail(x, keywordOf(params['user_email']), true);
  if (x.group) x.targetUser = { ...x.targetUser, group: { name: x.group.name, domain: x.group.domain } };
}

const DRIVE: RenameTable = {
  doc_id: 'file.id',
  doc_type: 'file.type',
  owner: 'file.owner.email',
  owner_is_shared_drive: 'file.owner.is_shared_drive',
  new_settings_state: 'new_value',
  old_settings_state: 'old_value',
};

/** doc_title goes to file.name; target_user stands in for a missing target (and is dropped beside one). */
export const DRIVE_MOVED: RenameTable = { doc_title: 'file.name', target_user: 'google_workspace.drive.target' };
const DRIVE_SKIP: ReadonlySet<string> = new Set(['doc_title']);
const DRIVE_SKIP_WITHOUT_TARGET: ReadonlySet<string> = new Set(['doc_title', 'target_user']);

function mapDrive(params: Tree, x: Extras): void {
  const hasTarget = params['target'] !== undefined;
  copyRenamed(params, x.app, DRIVE, undefined, hasTarget ? DRIVE_SKIP : DRIVE_SKIP_WITHOUT_TARGET);
  if (!hasTarget) setPath(x.app, 'target', params['target_user']);
  const title = keywordOf(params['doc_title']);
  const docType = keywordOf(params['doc_type']);
  const dot = title === undefined ? -1 : title.lastIndexOf('.');
  const owner = splitEmail(keywordOf(params['owner']));
  x.file = {
    name: title,
    type: docType === 'folder' || docType === 'shared' ? 'dir' : 'file',
    extension: title !== undefined && dot > -1 ? title.slice(dot + 1) : undefined,
    owner: owner?.local,
  };
  const target = splitEmail(keywordOf(x.app['target']));
  if (target) x.relatedUser.push(target.local);
  pushUnique(x.relatedUser, owner?.local);
}

const DEVICE: RenameTable = {
  ACCOUNT_STATE: 'account_state',
  ACTION_EXECUTION_STATUS: 'action.execution_status',
  ACTION_ID: 'action.id',
  ACTION_TYPE: 'action.type',
  APK_SHA256_HASH: 'apk_sha256_hash',
  APPLICATION_ID: 'application.id',
  APPLICATION_MESSAGE: 'application.message',
  APPLICATION_REPORT_KEY: 'application.report.key',
  APPLICATION_REPORT_SEVERITY: 'application.report.severity',
  APPLICATION_STATE: 'application.state',
  BASIC_INTEGRITY: 'basic_integrity',
  CTS_PROFILE_MATCH: 'cts_profile_match',
  DEVICE_COMPLIANCE: 'compliance',
  DEVICE_COMPROMISED_STATE: 'compromised_state',
  DEVICE_DEACTIVATION_REASON: 'deactivation_reason',
  DEVICE_ID: 'id',
  DEVICE_MODEL: 'model',
  DEVICE_OWNERSHIP: 'ownership',
  DEVICE_PROPERTY: 'property',
  DEVICE_SETTING: 'setting',
  DEVICE_STATUS_ON_APPLE_PORTAL: 'status_on_apple_portal',
  DEVICE_TYPE: 'type',
  IOS_VENDOR_ID: 'ios_vendor_id',
  NEW_DEVICE_ID: 'new_device_id',
  NEW_VALUE: 'new_value',
  OLD_VALUE: 'old_value',
  OS_EDITION: 'os.edition',
  OS_PROPERTY: 'os.property',
  OS_VERSION: 'os.version',
  PHA_CATEGORY: 'pha_category',
  POLICY_NAME: 'policy.name',
  POLICY_SYNC_RESULT: 'policy.sync.result',
  POLICY_SYNC_TYPE: 'policy.sync.type',
  REGISTER_PRIVILEGE: 'register_privilege',
  RESOURCE_ID: 'resource.id',
  RISK_SIGNAL: 'risk_signal',
  SECURITY_PATCH_LEVEL: 'security.patch_level',
  SERIAL_NUMBER: 'serial_number',
  USER_EMAIL: 'user_email',
  VALUE: 'value',
  WINDOWS_SYNCML_POLICY_STATUS_CODE: 'windows_syncml_policy_status_code',
};

const DEVICE_SKIP: ReadonlySet<string> = new Set(['APPLICATION_REPORT_TIMESTAMP', 'FAILED_PASSWD_ATTEMPTS', 'SECURITY_EVENT_ID']);

function mapDevice(params: Tree, x: Extras): void {
  copyRenamed(params, x.app, DEVICE, undefined, DEVICE_SKIP);
  setPath(x.app, 'application.report.timestamp', dateOf(params['APPLICATION_REPORT_TIMESTAMP']));
  setPath(x.app, 'failed_passwd_attempts', longOf(params['FAILED_PASSWD_ATTEMPTS']));
  setPath(x.app, 'security.event_id', longOf(params['SECURITY_EVENT_ID']));
  x.hostOsVersion = keywordOf(params['OS_VERSION']);
  pushUnique(x.relatedHash, keywordOf(params['APK_SHA256_HASH']));
  pushUnique(x.relatedUser, keywordOf(params['USER_EMAIL']));
}

const RULES: RenameTable = {
  device_id: 'device.id',
  device_type: 'device.type',
  matched_detectors: 'matched.detectors',
  matched_threshold: 'matched.threshold',
  matched_trigger: 'matched.trigger',
  matched_templates: 'matched.templates',
  resource_id: 'resource.id',
  resource_owner_email: 'resource.owner_email',
  resource_recipients: 'resource.recipients',
  resource_title: 'resource.title',
  resource_type: 'resource.type',
  rule_name: 'name',
  rule_resource_name: 'resource.name',
  rule_type: 'type',
  space_id: 'space.id',
  space_type: 'space.type',
};

const RULES_SKIP: ReadonlySet<string> = new Set([
  'actor_ip_address', 'has_alert', 'has_content_match', 'resource_recipients_omitted_count', 'rule_id', 'rule_update_time_usec',
]);

function mapRules(params: Tree, x: Extras): void {
  copyRenamed(params, x.app, RULES, undefined, RULES_SKIP);
  const actorIp = keywordOf(params['actor_ip_address']);
  setPath(x.app, 'actor_ip_address', actorIp);
  pushUnique(x.relatedIp, actorIp);
  setPath(x.app, 'has_alert', boolOf(params['has_alert']));
  setPath(x.app, 'has_content_match', boolOf(params['has_content_match']));
  setPath(x.app, 'resource.recipients_omitted_count', longOf(params['resource_recipients_omitted_count']));
  const ruleId = keywordOf(params['rule_id']);
  setPath(x.app, 'id', ruleId);
  setPath(x.app, 'update_time_usec', microsToIso(params['rule_update_time_usec']));
  const ruleName = keywordOf(params['rule_name']);
  if (ruleName !== undefined || ruleId !== undefined) x.rule = { name: ruleName, id: ruleId };
  for (const r of stringsOf(params['resource_recipients'])) pushUnique(x.relatedHosts, splitEmail(r)?.domain);
}

const CONTEXT_AWARE_ACCESS: RenameTable = {
  CAA_ACCESS_LEVEL_APPLIED: 'access_level.applied',
  CAA_ACCESS_LEVEL_SATISFIED: 'access_level.satisfied',
  CAA_ACCESS_LEVEL_UNSATISFIED: 'access_level.unsatisfied',
  CAA_APPLICATION: 'application',
  CAA_DEVICE_ID: 'device.id',
  CAA_DEVICE_STATE: 'device.state',
};

/**
 * Fills `x` for one event of a dataset (short name: login, admin, …). Other
 * datasets keep every parameter under its own name.
 */
export function mapParameters(dataset: string, params: Tree, x: Extras, action: string | undefined): void {
  switch (dataset) {
    case 'login':
      return mapLogin(params, x, action);
    case 'saml':
      return mapSaml(params, x, action);
    case 'admin':
      return mapAdmin(params, x);
    case 'token':
      return mapToken(params, x);
    case 'access_transparency':
      return mapAccessTransparency(params, x);
    case 'group_enterprise':
      return mapGroupEnterprise(params, x);
    case 'groups':
      return mapGroups(params, x);
    case 'drive':
      return mapDrive(params, x);
    case 'device':
      return mapDevice(params, x);
    case 'rules':
      return mapRules(params, x);
    case 'context_aware_access':
      return copyRenamed(params, x.app, CONTEXT_AWARE_ACCESS);
    default:
      return copyRenamed(params, x.app, NO_RENAMES);
  }
}
