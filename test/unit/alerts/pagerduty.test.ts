import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkError, SinkReason } from '../../../src/alerts/dispatch/index.js';
import { createPagerDutySink, PAGERDUTY_SEVERITY, pagerDutyEvent } from '../../../src/alerts/sinks/pagerduty.js';
import { createPagerDutyReceiver, PD_ROUTING_KEY } from '../../helpers/receivers.js';
import { LOCAL_POLICY, makeAlert } from './fixtures.js';

type Receiver = Awaited<ReturnType<typeof createPagerDutyReceiver>>;

describe('pagerDutyEvent', () => {
  it('builds an Events v2 trigger with the alert id as dedup_key', () => {
    const alert = makeAlert({ kibana: 'https://kibana.example.com/a', runbook: 'Call alice.' });
    const ev = pagerDutyEvent(alert, { routingKey: PD_ROUTING_KEY });
    expect(ev).toMatchObject({
      routing_key: PD_ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: alert.id,
      payload: {
        summary: '[HIGH] Okta MFA factor reset (user.name="alice@example.com") — alice@example.com',
        source: 'okta.system',
        severity: 'error',
        timestamp: '2025-11-27T10:00:05.000Z',
        component: 'okta.system',
        group: 'persistence',
        class: 'okta.mfa-factor-reset',
        custom_details: { rule_id: 'okta.mfa-factor-reset', alert_id: alert.id, who: 'alice@example.com', count: 2, runbook: 'Call alice.' },
      },
      links: [{ href: 'https://kibana.example.com/a', text: 'Open in Kibana' }],
      client: 'Sift',
      client_url: 'https://kibana.example.com/a',
    });
  });

  it('maps severities low→info, medium→warning, high→error, critical→critical', () => {
    const got = (['low', 'medium', 'high', 'critical'] as const).map((severity) => pagerDutyEvent(makeAlert({ severity }), { routingKey: 'k' }).payload.severity);
    expect(got).toEqual(['info', 'warning', 'error', 'critical']);
    expect(PAGERDUTY_SEVERITY.low).toBe('info');
  });

  it('caps the summary at 1024 characters', () => {
    const alert = makeAlert();
    alert.doc.message = 'm'.repeat(5000);
    expect(pagerDutyEvent(alert, { routingKey: 'k' }).payload.summary.length).toBeLessThanOrEqual(1024);
  });
});

describe('PagerDuty sink against the receiver', () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await createPagerDutyReceiver();
  });
  afterEach(async () => {
    await rx.close();
  });

  const signal = (): AbortSignal => new AbortController().signal;

  it('is accepted with 202, and a resent alert joins its open incident', async () => {
    const sink = createPagerDutySink({ name: 'pd', routingKey: PD_ROUTING_KEY, url: rx.url, policy: LOCAL_POLICY });
    const a = makeAlert();
    await sink.send(a, signal());
    await sink.send(a, signal());
    await sink.send(makeAlert({ severity: 'critical' }), signal());
    expect(rx.requests.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(rx.incidentsCreated()).toBe(2);
    expect(rx.incidents.get(a.id)).toEqual({ status: 'triggered', events: 2, severity: 'error' });
    await sink.close?.();
  });

  it('treats 400 (bad routing key) as permanent, and never shows the key', async () => {
    const badKey = 'WRONGKEYWRONGKEYWRONGKEYWRONGKEY';
    const sink = createPagerDutySink({ name: 'pd', routingKey: badKey, url: rx.url, policy: LOCAL_POLICY });
    const err = await sink.send(makeAlert(), signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect(err).toMatchObject({ retryable: false, status: 400, reason: SinkReason.Rejected });
    expect((err as Error).message).toContain('Invalid routing key');
    expect((err as Error).message).not.toContain(badKey);
  });

  it('treats 429 and 5xx as retryable', async () => {
    const sink = createPagerDutySink({ name: 'pd', routingKey: PD_ROUTING_KEY, url: rx.url, policy: LOCAL_POLICY });
    await rx.setMode({ kind: 'rate-limited', retryAfterS: 1, count: 1 });
    await expect(sink.send(makeAlert(), signal())).rejects.toMatchObject({ retryable: true, status: 429, retryAfterMs: 1000 });
    await rx.setMode({ kind: 'error500', count: 1 });
    await expect(sink.send(makeAlert(), signal())).rejects.toMatchObject({ retryable: true, status: 500 });
  });

  it('refuses a URL outside the allowlist before sending', async () => {
    const sink = createPagerDutySink({ name: 'pd', routingKey: PD_ROUTING_KEY, url: rx.url, policy: { ...LOCAL_POLICY, allowHosts: ['events.pagerduty.com'] } });
    await expect(sink.send(makeAlert(), signal())).rejects.toMatchObject({ retryable: false, reason: SinkReason.OutboundRefused });
    expect(rx.requests).toHaveLength(0);
  });
});
