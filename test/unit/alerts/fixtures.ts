/**
 * Alerts shaped exactly like src/alerts/alert.ts builds them (hand-written so
 * these tests do not depend on the rule compiler), a logger whose lines can
 * be read back, and the outbound policy for local receivers.
 */
import { Writable } from 'node:stream';
import type { Alert } from '../../../src/alerts/alert.js';
import type { JsonObject } from '../../../src/ecs/index.js';
import type { OutboundPolicy } from '../../../src/alerts/outbound/index.js';
import { createLogger, type Logger } from '../../../src/telemetry/index.js';

/** Local receivers listen on 127.0.0.1 over plain http. */
export const LOCAL_POLICY: OutboundPolicy = { allowHosts: ['127.0.0.1'], allowHttp: true, allowPrivateNetworks: false, allowLoopback: true };

let seq = 0;

export function makeAlert(over: { ruleId?: string; severity?: Alert['severity']; runbook?: string; kibana?: string; id?: string } = {}): Alert {
  seq += 1;
  const ruleId = over.ruleId ?? 'okta.mfa-factor-reset';
  const severity = over.severity ?? 'high';
  const id = over.id ?? `${String(seq).padStart(8, '0')}${'ab'.repeat(28)}`;
  const links: JsonObject = { es_query: '{"query":{"ids":{"values":["e1","e2"]}}}' };
  if (over.kibana !== undefined) links.kibana = over.kibana;
  const doc: JsonObject = {
    '@timestamp': '2025-11-27T10:00:05.000Z',
    message: 'Okta MFA factor reset (user.name="alice@example.com")',
    event: { kind: 'alert', id, dataset: 'sift.alerts', module: 'sift', severity: 73, risk_score: 73, start: '2025-11-27T09:58:00.000Z', end: '2025-11-27T10:00:00.000Z', created: '2025-11-27T10:00:05.000Z' },
    rule: { id: ruleId, name: 'Okta MFA factor reset', version: '1', description: 'A user reset all MFA factors.', ruleset: 'sift', ...(over.runbook ? { reference: over.runbook } : {}) },
    tags: ['attack.persistence', 'attack.t1556.006'],
    threat: { framework: 'MITRE ATT&CK', technique: { id: ['T1556.006'] }, tactic: { name: ['persistence'] } },
    user: { name: 'alice@example.com', email: 'alice@example.com' },
    source: { ip: '203.0.113.7', geo: { city_name: 'Lyon', country_iso_code: 'FR' } },
    related: { user: ['alice@example.com'], ip: ['203.0.113.7'] },
    sift: {
      alert: {
        id, severity, risk_score: 73, group_key: '["alice@example.com"]', group: { 'user.name': 'alice@example.com' },
        window_start: '2025-11-27T09:58:00.000Z', first_event: '2025-11-27T09:58:00.000Z', last_event: '2025-11-27T10:00:00.000Z',
        detected_at: '2025-11-27T10:00:05.000Z', count: 2, event_ids: ['e1', 'e2'], fields: { 'user.name': 'alice@example.com' },
        sample: [
          { '@timestamp': '2025-11-27T09:58:00.000Z', event: { dataset: 'okta.system', action: 'user.mfa.factor.reset_all', outcome: 'success' } },
          { '@timestamp': '2025-11-27T10:00:00.000Z', event: { dataset: 'okta.system', action: 'user.mfa.factor.deactivate', outcome: 'success' } },
        ],
        kind: 'match', links, ...(over.runbook ? { runbook: over.runbook } : {}),
      },
    },
  };
  return { id, ruleId, severity, doc };
}

/** A JSON logger at debug level whose lines are kept in `lines`. */
export function captureLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      cb();
    },
  });
  return { log: createLogger({ level: 'debug', format: 'json', destination }), lines };
}

/** Resolves when `check` holds, polling; fails the test after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
