/**
 * ECS event.category / event.type per Okta event type.
 *
 * Okta event types: https://developer.okta.com/docs/reference/api/event-types/
 *
 * Two layers:
 * 1. EXACT: the event types Elastic's Okta pipeline categorizes, with its
 *    values, so documents agree with Elastic's for them.
 * 2. RULES: the rest, by event-type family (`user.session.`, `app.oauth2.`,
 *    …), with event.type read from the last word (create → creation,
 *    delete/remove → deletion, update/activate/… → change). An event type no
 *    rule knows gets no category rather than a guess.
 */
export interface Categorization {
  readonly category: readonly string[];
  readonly type: readonly string[];
}

const c = (category: string[], type: string[]): Categorization => ({ category, type });

const EXACT: Readonly<Record<string, Categorization>> = {
  'user.session.start': c(['authentication', 'session'], ['start', 'info']),
  'user.session.end': c(['authentication', 'session'], ['end', 'info']),
  'user.authentication.sso': c(['authentication'], ['info']),
  'policy.evaluate_sign_on': c(['authentication'], ['info']),
  'group.user_membership.add': c(['iam'], ['group', 'change']),
  'group.user_membership.remove': c(['iam'], ['group', 'change']),
  'user.lifecycle.create': c(['iam'], ['info', 'creation']),
  'user.lifecycle.activate': c(['iam'], ['info', 'change']),
  'user.lifecycle.deactivate': c(['iam'], ['info', 'change']),
  'user.lifecycle.suspend': c(['iam'], ['info', 'change']),
  'user.lifecycle.unsuspend': c(['iam'], ['info', 'change']),
  'policy.lifecycle.create': c(['configuration'], ['creation']),
  'policy.lifecycle.activate': c(['configuration'], ['change']),
  'policy.lifecycle.deactivate': c(['configuration'], ['change']),
  'policy.lifecycle.update': c(['configuration'], ['change']),
  'policy.lifecycle.delete': c(['configuration'], ['deletion']),
  'policy.rule.add': c(['configuration'], ['change']),
  'policy.rule.activate': c(['configuration'], ['change']),
  'policy.rule.deactivate': c(['configuration'], ['change']),
  'policy.rule.update': c(['configuration'], ['change']),
  'policy.rule.delete': c(['configuration'], ['deletion']),
  'application.lifecycle.create': c(['configuration'], ['creation']),
  'application.lifecycle.delete': c(['configuration'], ['deletion']),
  'application.lifecycle.activate': c(['configuration'], ['change']),
  'application.lifecycle.deactivate': c(['configuration'], ['change']),
  'application.lifecycle.update': c(['configuration'], ['change']),
  'application.user_membership.add': c(['iam'], ['info', 'change']),
  'application.user_membership.remove': c(['iam'], ['info', 'change']),
  'application.user_membership.change_username': c(['iam'], ['info', 'change']),
  'system.org.rate_limit.warning': c(['network'], ['info']),
  'system.org.rate_limit.violation': c(['network'], ['info']),
  'core.concurrency.org.limit.violation': c(['network'], ['info']),
  'security.request.blocked': c(['network'], ['denied']),
  // Sift's own, where the family rule below would be too coarse.
  'user.session.clear': c(['authentication', 'session'], ['end', 'info']),
  'user.session.expire': c(['authentication', 'session'], ['end', 'info']),
  'user.authentication.slo': c(['authentication', 'session'], ['end', 'info']),
  'user.authentication.universal_logout': c(['authentication', 'session'], ['end']),
  'user.account.privilege.grant': c(['iam'], ['user', 'change', 'admin']),
  'user.account.privilege.revoke': c(['iam'], ['user', 'change', 'admin']),
  'group.privilege.grant': c(['iam'], ['group', 'change', 'admin']),
  'group.privilege.revoke': c(['iam'], ['group', 'change', 'admin']),
  'security.threat.detected': c(['intrusion_detection'], ['info']),
  'security.attack.start': c(['intrusion_detection'], ['start']),
  'security.attack.end': c(['intrusion_detection'], ['end']),
  'system.api_token.create': c(['iam'], ['creation']),
  'system.api_token.revoke': c(['iam'], ['deletion']),
  'system.api_token.update': c(['iam'], ['change']),
};

const CREATE = new Set(['create', 'add', 'generate', 'import', 'provision', 'enroll', 'assign']);
const DELETE = new Set(['delete', 'remove', 'revoke', 'unassign', 'deprovision', 'deactivate', 'destroy']);

/** event.type from the verb that ends an event type ("…lifecycle.create" → creation). */
function verbType(eventType: string, fallback: string): string {
  const last = eventType.slice(eventType.lastIndexOf('.') + 1);
  if (CREATE.has(last)) return 'creation';
  if (DELETE.has(last)) return 'deletion';
  if (/^(update|change|activate|reactivate|suspend|unsuspend|lock|unlock|reset|reset_all|rotate|set|enable|disable|expire_password|update_password|reset_password)/.test(last)) {
    return 'change';
  }
  return fallback;
}

type Rule = readonly [prefix: string, categorize: (eventType: string) => Categorization];

const same = (cat: Categorization) => (): Categorization => cat;

/** Longest prefix first: the first match wins. */
const RULES: readonly Rule[] = [
  ['user.session.', same(c(['authentication', 'session'], ['info']))],
  ['user.authentication.', same(c(['authentication'], ['info']))],
  ['user.mfa.factor.', (t) => c(['iam', 'authentication'], ['user', verbType(t, 'change')])],
  ['user.mfa.', same(c(['authentication'], ['info']))],
  ['user.lifecycle.delete', same(c(['iam'], ['user', 'deletion']))],
  ['user.lifecycle.', (t) => c(['iam'], ['user', verbType(t, 'change')])],
  ['user.account.', (t) => c(['iam'], ['user', verbType(t, 'change')])],
  ['user.credential.', (t) => c(['iam'], ['user', verbType(t, 'change')])],
  ['group.user_membership.', same(c(['iam'], ['group', 'change']))],
  ['group.lifecycle.', (t) => c(['iam'], ['group', verbType(t, 'change')])],
  ['group.application_assignment.', (t) => c(['iam'], ['group', verbType(t, 'change')])],
  ['group.', (t) => c(['iam'], ['group', verbType(t, 'change')])],
  ['application.user_membership.', (t) => c(['iam'], ['user', verbType(t, 'change')])],
  ['application.policy.', (t) => c(['configuration'], [verbType(t, 'change')])],
  ['application.', (t) => c(['configuration'], [verbType(t, 'info')])],
  ['app.oauth2.', same(c(['authentication'], ['info']))],
  ['app.generic.unauth_app_access_attempt', same(c(['authentication'], ['info']))],
  ['app.user_management', (t) => c(['iam'], ['user', verbType(t, 'change')])],
  ['app.access_request.', same(c(['iam'], ['info']))],
  ['app.', (t) => c(['configuration'], [verbType(t, 'info')])],
  ['policy.', (t) => c(['configuration'], [verbType(t, 'change')])],
  ['security.authenticator.', (t) => c(['configuration'], [verbType(t, 'change')])],
  ['security.', same(c(['intrusion_detection'], ['info']))],
  ['system.org.rate_limit.', same(c(['network'], ['info']))],
  ['system.operation.rate_limit.', same(c(['network'], ['info']))],
  ['system.mfa.factor.', (t) => c(['iam', 'authentication'], ['user', verbType(t, 'change')])],
  ['system.', (t) => c(['configuration'], [verbType(t, 'info')])],
  ['zone.', (t) => c(['configuration', 'network'], [verbType(t, 'change')])],
  ['network_zone.', (t) => c(['configuration', 'network'], [verbType(t, 'change')])],
  ['device.', (t) => c(['host'], [verbType(t, 'info') === 'info' ? 'info' : 'change'])],
];

export function categorize(eventType: string): Categorization | undefined {
  if (Object.hasOwn(EXACT, eventType)) return EXACT[eventType];
  for (const [prefix, rule] of RULES) if (eventType.startsWith(prefix)) return rule(eventType);
  return undefined;
}
