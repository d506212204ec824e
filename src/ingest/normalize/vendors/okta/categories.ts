/**
 * ECS event.category / event.type per Okta event type, following the
 * categorization of Elastic's Okta integration. Keyed by exact event type,
 * then by prefix (longest first); unknown types get no category rather than a
 * guess.
 *
 * Okta event types: https://developer.okta.com/docs/reference/api/event-types/
 */
export interface Categorization {
  readonly category: readonly string[];
  readonly type: readonly string[];
}

const c = (category: string[], type: string[]): Categorization => ({ category, type });

const EXACT: Readonly<Record<string, Categorization>> = {
  'user.session.start': c(['authentication', 'session'], ['start', 'info']),
  'user.session.end': c(['authentication', 'session'], ['end', 'info']),
  'user.session.clear': c(['authentication', 'session'], ['end', 'info']),
  'user.session.expire': c(['authentication', 'session'], ['end', 'info']),
  'policy.evaluate_sign_on': c(['authentication'], ['info']),
  'user.authentication.sso': c(['authentication'], ['info']),
  'user.authentication.authenticate': c(['authentication'], ['info']),
  'user.authentication.auth_via_mfa': c(['authentication'], ['info']),
  'user.authentication.verify': c(['authentication'], ['info']),
  'group.user_membership.add': c(['iam'], ['group', 'change']),
  'group.user_membership.remove': c(['iam'], ['group', 'change']),
  'user.lifecycle.create': c(['iam'], ['user', 'creation']),
  'user.lifecycle.activate': c(['iam'], ['user', 'change']),
  'user.lifecycle.deactivate': c(['iam'], ['user', 'change']),
  'user.lifecycle.suspend': c(['iam'], ['user', 'change']),
  'user.lifecycle.unsuspend': c(['iam'], ['user', 'change']),
  'user.lifecycle.delete.initiated': c(['iam'], ['user', 'deletion']),
  'user.account.lock': c(['iam'], ['user', 'change']),
  'user.account.unlock': c(['iam'], ['user', 'change']),
  'user.account.reset_password': c(['iam'], ['user', 'change']),
  'user.account.update_password': c(['iam'], ['user', 'change']),
  'user.account.privilege.grant': c(['iam'], ['user', 'change', 'admin']),
  'user.account.privilege.revoke': c(['iam'], ['user', 'change', 'admin']),
  'user.mfa.factor.deactivate': c(['iam'], ['user', 'change']),
  'user.mfa.factor.reset_all': c(['iam'], ['user', 'change']),
  'group.privilege.grant': c(['iam'], ['group', 'change', 'admin']),
  'group.privilege.revoke': c(['iam'], ['group', 'change', 'admin']),
  'policy.lifecycle.create': c(['configuration'], ['creation']),
  'policy.lifecycle.update': c(['configuration'], ['change']),
  'policy.lifecycle.delete': c(['configuration'], ['deletion']),
  'policy.rule.update': c(['configuration'], ['change']),
  'policy.rule.delete': c(['configuration'], ['deletion']),
  'security.threat.detected': c(['intrusion_detection'], ['info']),
  'security.request.blocked': c(['intrusion_detection', 'network'], ['denied']),
};

const PREFIX: readonly (readonly [string, Categorization])[] = [
  ['user.session.', c(['authentication', 'session'], ['info'])],
  ['user.authentication.', c(['authentication'], ['info'])],
  ['user.lifecycle.', c(['iam'], ['user', 'change'])],
  ['user.account.', c(['iam'], ['user', 'change'])],
  ['group.user_membership.', c(['iam'], ['group', 'change'])],
  ['policy.lifecycle.', c(['configuration'], ['change'])],
];

export function categorize(eventType: string): Categorization | undefined {
  if (Object.hasOwn(EXACT, eventType)) return EXACT[eventType];
  for (const [prefix, cat] of PREFIX) if (eventType.startsWith(prefix)) return cat;
  return undefined;
}
