import { generateOkta } from '../../src/generate/index.js';

/**
 * Okta traffic for the steady-rate runs (latency probe, soak): generated
 * records whose event time and id are filled in at send time, so every event
 * is "now" (stateful rules see live traffic, not hours-old or future events)
 * and unique, at the cost of two string replacements per record.
 */
const TIME = '\u0000T\u0000';
const ID = '\u0000U\u0000';

/** A pool of generated records with placeholders for `published` and `uuid`. */
export function trafficPool(size: number, seed: number): string[] {
  const out: string[] = [];
  for (const r of generateOkta({ count: size, seed, start: new Date('2026-01-01T00:00:00Z'), attacks: false })) {
    out.push(r.replace(/"published":"[^"]*"/, `"published":"${TIME}"`).replace(/"uuid":"[^"]*"/, `"uuid":"${ID}"`));
  }
  return out;
}

/** A pooled record made concrete: its event time and a unique id. */
export const fill = (record: string, at: Date, id: string): string => record.replace(TIME, at.toISOString()).replace(ID, id);

/**
 * An admin privilege grant, which the shipped rule okta.admin-role-granted
 * alerts on alone. The probe's id rides in `uuid` (event.id, to find the
 * document) and in privilegeGranted (one of the rule's output fields, to find
 * the alert).
 */
export function probeEvent(id: string, at: Date): string {
  return JSON.stringify({
    uuid: id,
    published: at.toISOString(),
    eventType: 'user.account.privilege.grant',
    version: '0',
    severity: 'INFO',
    legacyEventType: 'core.user.admin_privilege.granted',
    displayMessage: 'Grant user privilege',
    actor: { id: '00ubenchadmin0001', type: 'User', alternateId: 'bench.admin@example.com', displayName: 'Bench Admin' },
    client: { ipAddress: '198.51.100.7', device: 'Computer', zone: 'null', userAgent: { rawUserAgent: 'Mozilla/5.0', browser: 'CHROME', os: 'Mac OS X' } },
    outcome: { result: 'SUCCESS' },
    target: [{ id: '00ubenchuser0001', type: 'User', alternateId: 'bench.user@example.com', displayName: 'Bench User' }],
    transaction: { type: 'WEB', id: id, detail: {} },
    debugContext: { debugData: { privilegeGranted: id, requestUri: '/api/internal/administrators/00ubenchuser0001' } },
  });
}
