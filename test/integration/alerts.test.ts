/**
 * An alert raised by a rule reaches the ES alerts index, the Kafka alerts
 * topic and Slack/PagerDuty/webhook receivers exactly once; suppression folds
 * repeats into it (count and last-seen) instead of paging again, also across
 * a restart.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagerDutyReceiver, createSlackReceiver, createWebhookReceiver, PD_ROUTING_KEY, WEBHOOK_SECRET } from '../helpers/receivers.js';
import { accountLockedRule, oktaEvent } from '../helpers/okta-events.js';
import { cleanup, createTopic, es, kafka, offsets, produce, readAll, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('alerts');
const alertsIndex = `sift-alerts-${names.namespace}`;
const alertsTopic = `it.alerts.${names.id}`;
const stateTopic = `it.state.${names.id}`;
let slack: Awaited<ReturnType<typeof createSlackReceiver>>;
let pagerduty: Awaited<ReturnType<typeof createPagerDutyReceiver>>;
let webhook: Awaited<ReturnType<typeof createWebhookReceiver>>;

beforeAll(async () => {
  slack = await createSlackReceiver();
  pagerduty = await createPagerDutyReceiver();
  webhook = await createWebhookReceiver();
});
afterAll(async () => {
  await Promise.all([slack.close(), pagerduty.close(), webhook.close()]);
  await cleanup(names);
  await es.indices.delete({ index: alertsIndex, ignore_unavailable: true }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [alertsTopic, `${alertsTopic}.dlq`, stateTopic] }).catch(() => undefined);
  await admin.disconnect();
});

const RULE = accountLockedRule(
  'it.okta-account-locked',
  `suppression: {group_by: [user.name], duration: 1h}
output: {fields: [source.ip]}
runbook: Call the user; unlock only after they confirm.
`,
);

function lock(uuid: string, user: string, at: string): string {
  return oktaEvent({ uuid, eventType: 'user.account.lock', user, at, result: 'FAILURE', reason: 'LOCKED_OUT', message: 'Max sign in attempts exceeded' });
}

interface AlertSource {
  sift: { alert: { suppressed?: number; count_total?: number; last_seen?: string } };
  user?: { name?: string };
}

async function alertsByUser(): Promise<Map<string, { id: string; source: AlertSource }>> {
  await es.indices.refresh({ index: alertsIndex });
  const r = await es.search<AlertSource>({ index: alertsIndex, size: 100, query: { term: { 'rule.id': 'it.okta-account-locked' } } });
  return new Map(r.hits.hits.map((h) => [h._source?.user?.name ?? '', { id: h._id ?? '', source: h._source as AlertSource }]));
}

describe('alert delivery', () => {
  it('delivers each alert once to ES, Kafka, Slack, PagerDuty and a webhook, folding repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-rules-'));
    writeFileSync(join(dir, 'lock.yml'), RULE);
    await createTopic(names.topic, 1);
    await produce(names.topic, [
      lock('lock-1', 'ana@example.com', '2026-06-01T10:00:00.000Z'),
      lock('lock-2', 'ana@example.com', '2026-06-01T10:10:00.000Z'),
      lock('lock-3', 'bo@example.com', '2026-06-01T10:11:00.000Z'),
      lock('lock-4', 'ana@example.com', '2026-06-01T10:20:00.000Z'),
    ]);
    const config = {
      ...testConfig(names),
      rules: { dir, reload: false, state_topic: stateTopic },
      alerts: {
        topic: alertsTopic,
        dlq_topic: `${alertsTopic}.dlq`,
        outbound: { allow_hosts: ['127.0.0.1'], allow_http: true, allow_loopback: true },
        retry: { initial_ms: 100, max_ms: 1000, attempts: 5 },
        sinks: [
          { name: 'slack', type: 'slack', url: slack.url },
          { name: 'pagerduty', type: 'pagerduty', url: pagerduty.url, routing_key: PD_ROUTING_KEY },
          { name: 'hook', type: 'webhook', url: webhook.url, secret: WEBHOOK_SECRET },
        ],
      },
    };
    const first = startSift(config);
    try {
      await waitFor(async () => (await offsets(names.group, names.topic)).committed === 4, 120_000, 'the events to be committed');
      await slack.waitForAccepted(2, 60_000);
      await pagerduty.waitForAccepted(2, 60_000);
      await webhook.waitForAccepted(2, 60_000);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);

    let alerts = await alertsByUser();
    expect([...alerts.keys()].sort()).toEqual(['ana@example.com', 'bo@example.com']);
    expect(alerts.get('ana@example.com')?.source.sift.alert.suppressed).toBe(2);
    expect(alerts.get('ana@example.com')?.source.sift.alert.last_seen).toBe('2026-06-01T10:20:00.000Z');

    // A repeat after a restart still folds (suppression state survived), and nothing is paged again.
    await produce(names.topic, [lock('lock-5', 'ana@example.com', '2026-06-01T10:30:00.000Z')]);
    const second = startSift(config);
    try {
      await waitFor(async () => (await offsets(names.group, names.topic)).committed === 5, 120_000, 'the repeat to be committed');
      await waitFor(async () => (await alertsByUser()).get('ana@example.com')?.source.sift.alert.suppressed === 3, 30_000, 'the fold to be indexed');
      // Give the notifier time it would need to (wrongly) page again.
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);

    alerts = await alertsByUser();
    expect(alerts.size).toBe(2);
    const accepted = (r: { requests: { status: number }[] }): number => r.requests.filter((q) => q.status >= 200 && q.status < 300).length;
    expect(accepted(slack)).toBe(2);
    expect(slack.messages()).toHaveLength(2);
    expect(pagerduty.incidentsCreated()).toBe(2);
    expect(accepted(webhook)).toBe(2);
    expect(webhook.verified()).toHaveLength(2);
    const dedupKeys = new Set([...pagerduty.incidents.keys()]);
    expect(dedupKeys).toEqual(new Set([...alerts.values()].map((a) => a.id)));

    // The topic holds each alert once as new, and the folds as updates under the same key.
    const records = await readAll(alertsTopic, 2, 30_000);
    const fresh = records.filter((r) => r.headers['sift.alert.update'] === 'false');
    expect(fresh.map((r) => r.key).sort()).toEqual([...alerts.values()].map((a) => a.id).sort());
    expect(records.filter((r) => r.headers['sift.alert.update'] === 'true').every((r) => r.key === alerts.get('ana@example.com')?.id)).toBe(true);
  }, 300_000);
});
