/** A minimal raw Okta System Log event (the API's camelCase shape), for tests that need specific users and actions. */
export function oktaEvent(o: { uuid: string; eventType: string; user: string; at: string; result: 'SUCCESS' | 'FAILURE'; reason?: string; message?: string }): string {
  return JSON.stringify({
    uuid: o.uuid,
    published: o.at,
    eventType: o.eventType,
    version: '0',
    severity: o.result === 'FAILURE' ? 'WARN' : 'INFO',
    displayMessage: o.message ?? o.eventType,
    actor: { id: `id-${o.user}`, type: 'User', alternateId: o.user, displayName: o.user },
    client: { ipAddress: '198.51.100.7' },
    outcome: { result: o.result, ...(o.reason ? { reason: o.reason } : {}) },
  });
}

/** A single-event rule for integration tests: an Okta account lockout; `extra` adds YAML lines (suppression, output, runbook). */
export function accountLockedRule(id: string, extra = ''): string {
  return `
id: ${id}
name: Okta account locked out
description: Integration-test single-event rule.
version: 1
severity: high
tags: [attack.t1110]
scope: {datasets: [okta.system]}
detection:
  locked: {event.action: user.account.lock}
  condition: locked
${extra}`;
}

/** A sequence rule for integration tests: `count` failed Okta sign-ins, then a success, by user within 10 minutes. */
export function bruteForceSequenceRule(id: string, output = ''): string {
  return `
id: ${id}
name: Failed logins then a success
description: Integration-test sequence rule.
version: 1
severity: high
risk_score: 73
tags: [attack.t1110]
scope: {datasets: [okta.system]}
detection:
  failed: {event.action: user.session.start, event.outcome: failure}
  success: {event.action: user.session.start, event.outcome: success}
sequence:
  by: [user.name]
  maxspan: 10m
  steps:
    - {name: failures, condition: failed, count: 3}
    - {name: success, condition: success}
${output}`;
}
