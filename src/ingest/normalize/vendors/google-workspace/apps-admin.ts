/**
 * Admin console activity (applicationName=admin) parameters → Elastic's
 * `google_workspace.admin.*` names plus the ECS fields they feed: the target
 * user (USER_EMAIL), the group (GROUP_EMAIL / GROUP_NAME), url.* for sites,
 * event.start/end for date ranges.
 *
 * Parameters: https://developers.google.com/workspace/admin/reports/v1/appendix/activity/admin-event-names
 */
import type { JsonObject } from '../../../../ecs/index.js';
import { copyRenamed, groupFromEmail, targetFromEmail, type Extras, type RenameTable } from './extras.js';
import { dateOf, keywordOf, longOf, setPath, stringsOf, type Tree } from './util.js';

export const RENAMES: RenameTable = {
  APPLICATION_EDITION: 'application.edition',
  APPLICATION_NAME: 'application.name',
  APPLICATION_ENABLED: 'application.enabled',
  APP_LICENSES_ORDER_NUMBER: 'application.licences_order_number',
  CHROME_NUM_LICENSES_PURCHASED: 'application.licences_purchased',
  REAUTH_APPLICATION: 'application.name',
  GROUP_EMAIL: 'group.email',
  NEW_VALUE: 'new_value',
  OLD_VALUE: 'old_value',
  ORG_UNIT_NAME: 'org_unit.name',
  SETTING_NAME: 'setting.name',
  SETTING_DESCRIPTION: 'setting.description',
  USER_DEFINED_SETTING_NAME: 'user_defined_setting.name',
  GROUP_PRIORITIES: 'group.priorities',
  DOMAIN_NAME: 'domain.name',
  DOMAIN_ALIAS: 'domain.alias',
  SECONDARY_DOMAIN_NAME: 'domain.secondary_name',
  MANAGED_CONFIGURATION_NAME: 'managed_configuration',
  MOBILE_APP_PACKAGE_ID: 'application.package_id',
  FLASHLIGHT_EDU_NON_FEATURED_SERVICES_SELECTION: 'non_featured_services_selection',
  FIELD_NAME: 'field',
  RESOURCE_IDENTIFIER: 'resource.id',
  USER_EMAIL: 'user.email',
  GATEWAY_NAME: 'gateway.name',
  APP_ID: 'application.id',
  ASP_ID: 'application.asp_id',
  CHROME_OS_SESSION_TYPE: 'chrome_os.session_type',
  DEVICE_NEW_STATE: 'new_value',
  DEVICE_PREVIOUS_STATE: 'old_value',
  DEVICE_SERIAL_NUMBER: 'device.serial_number',
  DEVICE_ID: 'device.id',
  DEVICE_TYPE: 'device.type',
  PRINT_SERVER_NAME: 'print_server.name',
  PRINTER_NAME: 'printer.name',
  DEVICE_COMMAND_DETAILS: 'device.command_details',
  DEVICE_NEW_ORG_UNIT: 'new_value',
  DEVICE_PREVIOUS_ORG_UNIT: 'old_value',
  ROLE_NAME: 'role.name',
  ROLE_ID: 'role.id',
  PRIVILEGE_NAME: 'privilege.name',
  SITE_NAME: 'url.name',
  SERVICE_NAME: 'service.name',
  PRODUCT_NAME: 'product.name',
  SKU_NAME: 'product.sku',
  EMAIL_LOG_SEARCH_MSG_ID: 'email.log_search_filter.message_id',
  EMAIL_LOG_SEARCH_RECIPIENT: 'email.log_search_filter.recipient.value',
  EMAIL_LOG_SEARCH_SENDER: 'email.log_search_filter.sender.value',
  EMAIL_LOG_SEARCH_SMTP_RECIPIENT_IP: 'email.log_search_filter.recipient.ip',
  EMAIL_LOG_SEARCH_SMTP_SENDER_IP: 'email.log_search_filter.sender.ip',
  QUARANTINE_NAME: 'email.quarantine_name',
  CHROME_LICENSES_ENABLED: 'chrome_licenses.enabled',
  CHROME_LICENSES_ALLOWED: 'chrome_licenses.allowed',
  FULL_ORG_UNIT_PATH: 'org_unit.full',
  OAUTH2_SERVICE_NAME: 'oauth2.service.name',
  OAUTH2_APP_ID: 'oauth2.application.id',
  OAUTH2_APP_NAME: 'oauth2.application.name',
  OAUTH2_APP_TYPE: 'oauth2.application.type',
  ALLOWED_TWO_STEP_VERIFICATION_METHOD: 'verification_method',
  DOMAIN_VERIFICATION_METHOD: 'verification_method',
  CAA_ASSIGNMENTS_NEW: 'new_value',
  CAA_ASSIGNMENTS_OLD: 'old_value',
  REAUTH_SETTING_NEW: 'new_value',
  REAUTH_SETTING_OLD: 'old_value',
  ALERT_NAME: 'alert.name',
  API_CLIENT_NAME: 'api.client.name',
  API_SCOPES: 'api.scopes',
  PLAY_FOR_WORK_TOKEN_ID: 'mdm.token',
  PLAY_FOR_WORK_MDM_VENDOR_NAME: 'mdm.vendor',
  INFO_TYPE: 'info_type',
  RULE_NAME: 'rule.name',
  USER_CUSTOM_FIELD: 'setting.name',
  EMAIL_MONITOR_DEST_EMAIL: 'email_monitor.dest_email',
  EMAIL_MONITOR_LEVEL_CHAT: 'email_monitor.level.chat',
  EMAIL_MONITOR_LEVEL_DRAFT_EMAIL: 'email_monitor.level.draft',
  EMAIL_MONITOR_LEVEL_INCOMING_EMAIL: 'email_monitor.level.incoming',
  EMAIL_MONITOR_LEVEL_OUTGOING_EMAIL: 'email_monitor.level.outgoing',
  EMAIL_EXPORT_INCLUDE_DELETED: 'email_dump.include_deleted',
  EMAIL_EXPORT_PACKAGE_CONTENT: 'email_dump.package_content',
  SEARCH_QUERY_FOR_DUMP: 'email_dump.query',
  DESTINATION_USER_EMAIL: 'new_value',
  REQUEST_ID: 'request.id',
  USER_NICKNAME: 'user.nickname',
  ACTION_ID: 'mobile.action.id',
  ACTION_TYPE: 'mobile.action.type',
  MOBILE_CERTIFICATE_COMMON_NAME: 'mobile.certificate.name',
  NUMBER_OF_COMPANY_OWNED_DEVICES: 'mobile.company_owned_devices',
  COMPANY_DEVICE_ID: 'device.id',
  DISTRIBUTION_ENTITY_NAME: 'distribution.entity.name',
  DISTRIBUTION_ENTITY_TYPE: 'distribution.entity.type',
  NEW_PERMISSION_GRANT_STATE: 'new_value',
  OLD_PERMISSION_GRANT_STATE: 'old_value',
  PERMISSION_GROUP_NAME: 'setting.name',
};

/** Counters Elastic converts to long. */
const BULK_UPLOAD: Readonly<Record<string, string>> = {
  GROUP_MEMBER_BULK_UPLOAD_FAILED_NUMBER: 'bulk_upload.failed',
  GROUP_MEMBER_BULK_UPLOAD_TOTAL_NUMBER: 'bulk_upload.total',
  BULK_UPLOAD_FAIL_USERS_NUMBER: 'bulk_upload.failed',
  BULK_UPLOAD_TOTAL_USERS_NUMBER: 'bulk_upload.total',
};

/** Date parameters that become dates in the admin subtree. */
const DATES: Readonly<Record<string, string>> = {
  EMAIL_LOG_SEARCH_END_DATE: 'email.log_search_filter.end_date',
  EMAIL_LOG_SEARCH_START_DATE: 'email.log_search_filter.start_date',
  BIRTHDATE: 'user.birthdate',
};

const BULK_UPLOAD_ENTRIES: readonly (readonly [string, string])[] = Object.entries(BULK_UPLOAD);
const DATES_ENTRIES: readonly (readonly [string, string])[] = Object.entries(DATES);

/** Parameters that leave the admin subtree for ECS fields (or are reshaped). */
const MOVED = new Set([
  'GROUP_NAME', 'SITE_LOCATION', 'WEB_ADDRESS', 'GMAIL_RESET_REASON', 'MOBILE_WIRELESS_NETWORK_NAME', 'BEGIN_DATE_TIME',
  'START_DATE', 'END_DATE', 'END_DATE_TIME', 'WHITELISTED_GROUPS', ...Object.keys(BULK_UPLOAD), ...Object.keys(DATES),
]);

/** url.* from a web address, as Elastic's uri_parts processor splits it. */
export function urlParts(full: string): JsonObject {
  const out: JsonObject = { full, original: full };
  if (!URL.canParse(full)) return out;
  const u = new URL(full);
  const path = u.pathname;
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  out['scheme'] = u.protocol.replace(/:$/, '') || undefined;
  out['domain'] = u.hostname || undefined;
  out['port'] = u.port === '' ? undefined : Number(u.port);
  out['path'] = path || undefined;
  out['query'] = u.search.length > 1 ? u.search.slice(1) : undefined;
  out['fragment'] = u.hash.length > 1 ? u.hash.slice(1) : undefined;
  out['username'] = u.username || undefined;
  out['extension'] = dot > slash && dot < path.length - 1 ? path.slice(dot + 1) : undefined;
  return out;
}

export function mapAdmin(params: Tree, x: Extras): void {
  copyRenamed(params, x.app, RENAMES, undefined, MOVED);
  for (const [name, path] of BULK_UPLOAD_ENTRIES) if (params[name] !== undefined) setPath(x.app, path, longOf(params[name]));
  for (const [name, path] of DATES_ENTRIES) if (params[name] !== undefined) setPath(x.app, path, dateOf(params[name]));

  const groupName = keywordOf(params['GROUP_NAME']);
  if (groupName !== undefined) x.group = { name: groupName };
  groupFromEmail(x, keywordOf(params['GROUP_EMAIL']));
  if (x.group && (x.group.name !== undefined || x.group.domain !== undefined)) {
    x.targetUser = { ...x.targetUser, group: { name: x.group.name, domain: x.group.domain } };
  }
  targetFromEmail(x, keywordOf(params['USER_EMAIL']), true);

  const web = keywordOf(params['WEB_ADDRESS']);
  const site = keywordOf(params['SITE_LOCATION']);
  if (web !== undefined) x.url = urlParts(web);
  if (site !== undefined) x.url = { ...x.url, path: site };
  x.message = keywordOf(params['GMAIL_RESET_REASON']);
  const network = keywordOf(params['MOBILE_WIRELESS_NETWORK_NAME']);
  if (network !== undefined) x.network = { name: network };

  x.start = dateOf(params['START_DATE']) ?? dateOf(params['BEGIN_DATE_TIME']);
  x.end = dateOf(params['END_DATE_TIME']) ?? dateOf(params['END_DATE']);

  const allowed = stringsOf(params['WHITELISTED_GROUPS']).flatMap((s) => s.split(','));
  if (allowed.length > 0) setPath(x.app, 'group.allowed_list', allowed);

  // Elastic means to flag a bulk upload with failures; the counter lives at bulk_upload.failed.
  const failed = longOf(params['GROUP_MEMBER_BULK_UPLOAD_FAILED_NUMBER'] ?? params['BULK_UPLOAD_FAIL_USERS_NUMBER']);
  if (failed !== undefined) x.outcome = failed === 0 ? 'success' : 'failure';
}
