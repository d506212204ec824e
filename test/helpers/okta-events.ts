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
