/**
 * Which dataset an activity event belongs to.
 *
 * The dataset follows `id.applicationName` (the Reports API application the
 * event was listed from), named after Elastic's google_workspace data
 * streams. Applications Sift has no data stream for go to the generic
 * `google_workspace.activity` dataset (their parameters kept as sent).
 *
 * One correction: an event whose type belongs, by Google's event catalogs,
 * to another application than the one it is labelled with is filed under the
 * application its type documents (e.g. a `moderator_action` event is a Groups
 * event, never a Login one). Only types that are foreign to the labelled
 * application's catalog move; anything else trusts applicationName.
 * Catalogs: https://developers.google.com/workspace/admin/reports/v1/appendix/activity/
 */
import type { Tree } from './util.js';

/** Reports API applicationName → dataset short name (google_workspace.<name>). */
const APPLICATIONS: Readonly<Record<string, string>> = {
  access_transparency: 'access_transparency',
  admin: 'admin',
  calendar: 'calendar',
  chat: 'chat',
  chrome: 'chrome',
  context_aware_access: 'context_aware_access',
  data_studio: 'data_studio',
  drive: 'drive',
  gcp: 'gcp',
  gemini_in_workspace_apps: 'gemini',
  gmail: 'gmail',
  groups: 'groups',
  groups_enterprise: 'group_enterprise',
  keep: 'keep',
  login: 'login',
  meet: 'meet',
  mobile: 'device',
  rules: 'rules',
  saml: 'saml',
  token: 'token',
  user_accounts: 'user_accounts',
  vault: 'vault',
};

export const GENERIC = 'activity';

/** Every dataset short name this source may emit. */
export const ACTIVITY_DATASETS: readonly string[] = [...new Set([...Object.values(APPLICATIONS), GENERIC])];

/** Event types documented for an application (only those whose catalogs rule out the moves below). */
const TYPES: Readonly<Record<string, ReadonlySet<string>>> = {
  login: new Set([
    'login', 'account_warning', 'attack_warning', 'blocked_sender', 'email_forwarding_change', '2sv_change', 'password_change',
    'recovery_info_change', 'titanium_change', 'risky_sensitive_action',
  ]),
  user_accounts: new Set(['2sv_change', 'password_change', 'recovery_info_change', 'titanium_change', 'email_forwarding_change']),
  saml: new Set(['login']),
  token: new Set(['auth']),
};

/** Group events name the group by id (Enterprise Groups) or by email (classic Groups). */
function groupsApplication(params: Tree): string {
  return params['group_id'] !== undefined || params['namespace'] !== undefined || params['member_id'] !== undefined ? 'groups_enterprise' : 'groups';
}

/** Event types that identify their application (when the labelled one's catalog lacks them). */
function applicationOfType(type: string, params: Tree): string | undefined {
  switch (type) {
    case 'moderator_action':
      return groupsApplication(params);
    case 'access_transparency':
    case 'GSUITE_RESOURCE':
      return 'access_transparency';
    case 'auth':
      return 'token';
    default:
      return undefined;
  }
}

export interface Resolved {
  /** Dataset short name: login, admin, …, or `activity`. */
  readonly dataset: string;
  /** The applicationName as sent (event.provider), if any. */
  readonly application: string | undefined;
}

export function resolveDataset(application: string | undefined, type: string | undefined, params: Tree): Resolved {
  let app = application;
  if (type !== undefined) {
    const known = app === undefined ? undefined : Object.hasOwn(TYPES, app) ? TYPES[app] : undefined;
    if (app === undefined || (known !== undefined && !known.has(type))) {
      const moved = applicationOfType(type, params);
      if (moved !== undefined) app = moved;
    }
  }
  const dataset = app !== undefined && Object.hasOwn(APPLICATIONS, app) ? (APPLICATIONS[app] as string) : GENERIC;
  return { dataset, application };
}

/**
 * Data streams whose Elastic pipeline lists the actor's id and email in
 * related.user (the newer pipelines); the older ones list the name only.
 */
export const RELATED_ID_AND_EMAIL: ReadonlySet<string> = new Set([
  'access_transparency', 'token', 'group_enterprise', 'context_aware_access', 'device', 'gcp', 'calendar', 'chat', 'chrome',
  'data_studio', 'gemini', 'keep', 'meet', 'vault', 'gmail', GENERIC,
]);
