/**
 * Alert receivers misbehaving while alerts are raised: Slack down (connection
 * refused), PagerDuty answering 500, the webhook too slow for the sink's
 * timeout. Event indexing must not wait for them; once they recover, each
 * receives every alert, none is given up to the alert DLQ, and none is paged
 * twice (PagerDuty and Slack exactly once; the webhook, whose slow answers the
 * sink gave up on, at least once under one X-Sift-Alert-Id per alert).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorkload,
  checkDelivery,
  cleanupFault,
  expectExactlyOnce,
  faultConfig,
  faultNames,
  metricValue,
  produceWorkload,
  readTopic,
  report,
  saveLog,
  waitAllCommitted,
} from '../helpers/fault-check.js';
import { createPagerDutyReceiver, createSlackReceiver, createWebhookReceiver, PD_ROUTING_KEY, WEBHOOK_SECRET, type Recorded } from '../helpers/receivers.js';
import { createTopic, startSift, waitFor } from '../helpers/stack.js';

const names = faultNames('receivers');
let slack: Awaited<ReturnType<typeof createSlackReceiver>>;
let pagerduty: Awaited<ReturnType<typeof createPagerDutyReceiver>>;
let webhook: Awaited<ReturnType<typeof createWebhookReceiver>>;
beforeAll(async () => {
  [slack, pagerduty, webhook] = await Promise.all([createSlackReceiver(), createPagerDutyReceiver(), createWebhookReceiver()]);
});
afterAll(async () => {
  await Promise.all([slack.close(), pagerduty.close(), webhook.close()]);
  await cleanupFault(names);
});

const ok = (r: Recorded): boolean => r.status >= 200 && r.status < 300;
/** Alert ids (or, for Slack, their 16-character prefix) in the requests a receiver accepted. */
const slackIds = (): string[] => slack.requests.filter(ok).map((r) => /alert `([0-9a-f]{16})`/.exec(r.body)?.[1] ?? '?');
const pagerDutyIds = (): string[] => pagerduty.requests.filter(ok).map((r) => String((JSON.parse(r.body) as { dedup_key?: unknown }).dedup_key));
const webhookIds = (): string[] => webhook.requests.filter(ok).map((r) => String(r.headers['x-sift-alert-id']));

describe('alert receivers down, failing and slow', () => {
  it('delivers every alert to every receiver once they recover, without holding back indexing', async () => {
    const w = buildWorkload(names, { count: 3000, seed: 11, partitions: 3 });
    const expected = [...w.alerts.keys()].sort();
    expect(expected.length).toBeGreaterThan(5);
    await createTopic(names.topic, 3);
    await produceWorkload(names.topic, w);
    await slack.setMode({ kind: 'down' });
    await pagerduty.setMode({ kind: 'error500', count: 1_000_000 });
    await webhook.setMode({ kind: 'slow', delayMs: 2500 });
    const sift = startSift(
      faultConfig(names, {
        partitions: 3,
        alerts: {
          outbound: { allow_hosts: ['127.0.0.1'], allow_http: true, allow_loopback: true },
          // A budget (~40 s) that outlasts the outage: giving up is not what this test is about.
          retry: { initial_ms: 200, max_ms: 1500, attempts: 30 },
          sinks: [
            { name: 'slack', type: 'slack', url: slack.url, rate_per_second: 20, burst: 20 },
            { name: 'pagerduty', type: 'pagerduty', url: pagerduty.url, routing_key: PD_ROUTING_KEY, rate_per_second: 20, burst: 20 },
            { name: 'hook', type: 'webhook', url: webhook.url, secret: WEBHOOK_SECRET, timeout_ms: 1000, rate_per_second: 20, burst: 20 },
          ],
        },
      }),
    );
    try {
      // Indexing goes on while every receiver is failing.
      await waitAllCommitted(names, w.records.length, 90_000, [sift]);
      await waitFor(() => pagerduty.requests.length > 3 && webhook.requests.length > 1, 30_000, 'the sinks to have tried');
      await waitFor(async () => ((await metricValue(sift.httpPort(), 'sift_alerts_retries_total', 'sink="slack"')) ?? 0) > 1, 30_000, 'Slack deliveries to be retried');
      const retries = async (sink: string) => (await metricValue(sift.httpPort(), 'sift_alerts_retries_total', `sink="${sink}"`)) ?? 0;
      const retried = { slack: await retries('slack'), pagerduty: await retries('pagerduty'), hook: await retries('hook') };
      const failedPagerDuty = pagerduty.requests.length;
      await Promise.all([slack.setMode({ kind: 'up' }), pagerduty.setMode({ kind: 'up' }), webhook.setMode({ kind: 'up' })]);
      const recovered = Date.now();
      const delivered = (ids: string[], full: boolean) => expected.every((id) => ids.includes(full ? id : id.slice(0, 16)));
      await waitFor(() => delivered(slackIds(), false) && delivered(pagerDutyIds(), true) && delivered(webhookIds(), true), 60_000, 'every alert at every receiver');
      const done = Date.now();
      await new Promise((r) => setTimeout(r, 3000)); // room for a (wrong) second page
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);

      const alertDlq = await readTopic(names.alertsDlq);
      const d = report('alert-receivers', { ...(await checkDelivery(names, w)), recovery_seconds: (done - recovered) / 1000 }, {
        alert_dlq: alertDlq.length,
        slack_retries_while_down: retried.slack,
        pagerduty_retries_on_500: retried.pagerduty,
        webhook_retries_while_slow: retried.hook,
        pagerduty_500s: failedPagerDuty,
        webhook_requests_before_recovery: webhook.requests.length,
        slack_pages: slackIds().length,
        pagerduty_pages: pagerDutyIds().length,
        pagerduty_incidents: pagerduty.incidentsCreated(),
        webhook_deliveries: webhookIds().length,
        webhook_distinct: new Set(webhookIds()).size,
      });
      expectExactlyOnce(d);
      expect(Math.min(retried.slack, retried.pagerduty, retried.hook)).toBeGreaterThan(0); // each fault really bit
      expect(alertDlq).toHaveLength(0);
      expect(slackIds().sort()).toEqual(expected.map((id) => id.slice(0, 16)).sort());
      expect(pagerDutyIds().sort()).toEqual(expected);
      expect(pagerduty.incidentsCreated()).toBe(expected.length);
      expect([...new Set(webhookIds())].sort()).toEqual(expected);
      expect(webhook.verified().length).toBe(webhookIds().length); // every accepted webhook carried a valid signature
    } finally {
      sift.child.kill('SIGKILL');
      saveLog('alert-receivers', sift.output());
    }
  }, 240_000);
});
