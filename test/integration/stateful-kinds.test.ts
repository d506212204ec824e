/**
 * One rule of each stateful kind (threshold, cardinality, sequence,
 * new_terms), fed through `sift run` by real-shaped records that mix single
 * events with every multi-event envelope: a CloudTrail log file, an Okta
 * System Log page (JSON array), NDJSON, GCP Pub/Sub pull batches and a push
 * request (base64 `data`), Google Workspace activities with several `events[]`
 * and an `activities.list` page. Events arrive out of order, and some arrive
 * later than the watermark minus the 5m lateness: those must not count.
 *
 * The expected alerts (rule id, group key, event count, window start) are
 * written by hand below, worked out from the rule semantics in docs/rules.md;
 * each note says why. Several expectations need every event of a packed
 * record to reach the rule (marked "packed:").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ndjson, pubSubPull, workspacePage } from '../helpers/packing.js';
import { produceExactly } from '../helpers/produce.js';
import { consoleLogin, gcpActivity, oktaSignIn, workspaceLogin } from '../helpers/raw-events.js';
import type { Json } from '../helpers/rule-cases.js';
import { createTopic, es, kafka, offsets, startSift, topicSize, uniqueNames, waitFor } from '../helpers/stack.js';

const names = uniqueNames('kinds');
const topics = { aws: `${names.topic}.aws`, okta: `${names.topic}.okta`, gcp: `${names.topic}.gcp`, gws: `${names.topic}.gws` };
const stateTopic = `it.state.${names.id}`;
const alertsTopic = `it.alerts.${names.id}`;
const alertsIndex = `sift-alerts-${names.namespace}`;
const rulesDir = mkdtempSync(join(tmpdir(), 'sift-kinds-rules-'));

const RULES: Record<string, string> = {
  'threshold.yml': `
id: it.kinds.console-failures
name: Console sign-in failures from one address
description: Integration-test threshold rule.
version: 1
severity: medium
scope: {datasets: [aws.cloudtrail]}
detection:
  failed: {event.action: ConsoleLogin, event.outcome: failure}
  condition: failed
threshold: {count: 3, group_by: [source.ip], window: 10m}
`,
  'cardinality.yml': `
id: it.kinds.okta-spray
name: Failed Okta sign-ins of many users from one address
description: Integration-test cardinality rule.
version: 1
severity: high
scope: {datasets: [okta.system]}
detection:
  failed: {event.action: user.session.start, event.outcome: failure}
  condition: failed
cardinality: {field: user.name, count: 3, group_by: [source.ip], window: 15m}
`,
  'sequence.yml': `
id: it.kinds.iam-then-sink-delete
name: IAM policy change then log sink deletion
description: Integration-test sequence rule.
version: 1
severity: high
scope: {datasets: [gcp.audit]}
detection:
  iam: {event.action: SetIamPolicy}
  sink_deleted: {event.action: google.logging.v2.ConfigServiceV2.DeleteSink}
sequence:
  by: [user.email]
  maxspan: 30m
  steps:
    - {name: iam, condition: iam}
    - {name: sink, condition: sink_deleted}
`,
  'new-terms.yml': `
id: it.kinds.new-address
name: Workspace sign-in from an address new for the user
description: Integration-test new_terms rule.
version: 1
severity: low
scope: {datasets: [google_workspace.login]}
detection:
  success: {event.action: login_success}
  condition: success
new_terms: {fields: [source.ip], group_by: [user.name], history: 7d}
`,
};

const day = '2026-03-10T';
const at = (hhmmss: string): string => `${day}${hhmmss}.000Z`;
const json = (v: Json): string => JSON.stringify(v);

// Threshold: ≥3 failures per source.ip within 10m.
const ct = (id: string, time: string, ip: string, user: string, result: 'Success' | 'Failure' = 'Failure'): Json => consoleLogin({ id: `ct-${id}`, at: at(time), ip, user, result });
const awsRecords = [
  json(ct('1', '10:00:00', '198.51.100.10', 'alice')),
  json({ Records: [ct('2', '10:02:00', '198.51.100.10', 'bob'), ct('3', '10:01:00', '203.0.113.5', 'carol'), ct('4', '10:03:00', '198.51.100.10', 'alice', 'Success')] }),
  // Out of order but on time (watermark 10:03): completes .10's window 10:00–10:02.
  json(ct('5', '10:01:30', '198.51.100.10', 'carol')),
  json({ Records: [ct('6', '10:30:00', '203.0.113.5', 'dave'), ct('7', '10:31:00', '203.0.113.5', 'erin')] }),
  // Late: 10:25 < watermark 10:31 − 5m. Counted, it would make 10:25, 10:30, 10:31 fire.
  json(ct('8', '10:25:00', '203.0.113.5', 'frank')),
  // packed: three failures of one address in one log file.
  json({ Records: [ct('9', '10:40:00', '192.0.2.77', 'gina'), ct('10', '10:41:00', '192.0.2.77', 'gina'), ct('11', '10:42:00', '192.0.2.77', 'gina')] }),
];

// Cardinality: ≥3 distinct user.name failing per source.ip within 15m.
const ok = (id: string, time: string, user: string, ip: string, result: 'SUCCESS' | 'FAILURE' = 'FAILURE'): Json => oktaSignIn({ uuid: `ok-${id}`, at: at(time), user: `${user}@example.com`, ip, result });
const oktaRecords = [
  json(ok('1', '10:00:00', 'u1', '192.0.2.10')),
  // packed: u2 twice and u3 from .10 in one System Log page; u3 on .99 is another group.
  json([ok('2', '10:05:00', 'u2', '192.0.2.10'), ok('3', '10:06:00', 'u2', '192.0.2.10'), ok('4', '10:05:00', 'u3', '192.0.2.99'), ok('5', '10:07:00', 'u3', '192.0.2.10')]),
  // packed: u4, u5, u6 on .99 (u3's 10:05 is outside 10:07–10:22); u6's success does not count.
  ndjson([ok('6', '10:20:00', 'u4', '192.0.2.99'), ok('7', '10:21:00', 'u5', '192.0.2.99'), ok('8', '10:22:00', 'u6', '192.0.2.99', 'SUCCESS'), ok('9', '10:22:00', 'u6', '192.0.2.99')]),
  json(ok('10', '10:40:00', 'u7', '192.0.2.50')),
  // Late: 10:30 < watermark 10:40 − 5m. Counted, u7, u8, u9 would fire.
  ndjson([ok('11', '10:30:00', 'u8', '192.0.2.50'), ok('12', '10:41:00', 'u9', '192.0.2.50')]),
];

// Sequence: SetIamPolicy then DeleteSink by one user.email within 30m.
const SET = ['SetIamPolicy', 'cloudresourcemanager.googleapis.com', 'projects/sift-it'] as const;
const DEL = ['google.logging.v2.ConfigServiceV2.DeleteSink', 'logging.googleapis.com', 'projects/sift-it/sinks/to-siem'] as const;
const g = (id: string, time: string, user: string, [method, service, resource]: readonly [string, string, string]): Json =>
  gcpActivity({ insertId: `g-${id}`, at: at(time), email: `${user}@example.com`, method, service, resource });
const pull = (entries: Json[]): string => pubSubPull(entries) ?? '';
const push = (entry: Json): string => json({ message: { data: Buffer.from(json(entry)).toString('base64'), messageId: '2001', publishTime: at('11:05:00') }, subscription: 'projects/sift-it/subscriptions/sift' });
const gcpRecords = [
  json(g('1', '10:00:00', 'alice', SET)),
  // alice completes (10:00 → 10:10); bob's deletion is 45m after his change: beyond maxspan.
  pull([g('2', '10:05:00', 'bob', SET), g('3', '10:10:00', 'alice', DEL), g('4', '10:50:00', 'bob', DEL)]),
  // packed: both of carol's steps in one Pub/Sub batch.
  pull([g('5', '10:52:00', 'carol', SET), g('6', '10:55:00', 'carol', DEL)]),
  json(g('7', '11:02:00', 'dave', DEL)),
  // Out of order but on time (watermark 11:02): in event time dave changed IAM first.
  push(g('8', '11:00:00', 'dave', SET)),
  json(g('9', '11:20:00', 'erin', DEL)),
  // Late: 11:10 < watermark 11:20 − 5m. Counted, erin's sequence would complete.
  pull([g('10', '11:10:00', 'erin', SET)]),
];

// New terms: a source.ip never seen for the user.name within 7d, once the user is known.
const w = (id: string, time: string, user: string, ip: string, events: string[] = ['login_success']): Json => workspaceLogin({ id: `-10000${id}`, at: at(time), email: `${user}@example.com`, ip, events });
const gwsRecords = [
  json(w('1', '09:00:00', 'alice', '10.0.0.1')), // alice's first sighting: learns
  json(w('2', '10:00:00', 'alice', '10.0.0.2', ['login_challenge', 'login_success'])), // new for alice
  // packed: two new addresses of alice in one page (10.0.0.4's activity has two events); bob learns.
  workspacePage([w('3', '11:00:00', 'alice', '10.0.0.3'), w('4', '11:05:00', 'alice', '10.0.0.4', ['login_challenge', 'login_success']), w('5', '11:10:00', 'bob', '10.1.1.1')]) ?? '',
  json(w('6', '11:20:00', 'bob', '10.1.1.2')), // new for bob
  // Out of order, on time (watermark 11:20): 10.1.1.2 was seen later, so it is not new; packed: 10.1.1.3 is.
  workspacePage([w('7', '11:17:00', 'bob', '10.1.1.2'), w('8', '11:18:00', 'bob', '10.1.1.3')]) ?? '',
  json(w('9', '11:30:00', 'carol', '10.2.2.1')), // carol learns
  json(w('10', '12:00:00', 'dave', '10.3.3.1')), // dave learns; watermark 12:00
  // Late: 11:50 < 12:00 − 5m. Counted, it would be new for carol (known since 11:30).
  json(w('11', '11:50:00', 'carol', '10.2.2.2')),
];

interface Expected {
  readonly group: readonly string[];
  readonly count: number;
  readonly windowStart: string;
}

const EXPECTED: Record<string, Expected[]> = {
  'it.kinds.console-failures': [
    { group: ['192.0.2.77'], count: 3, windowStart: at('10:40:00') },
    { group: ['198.51.100.10'], count: 3, windowStart: at('10:00:00') },
  ],
  'it.kinds.okta-spray': [
    // The window starts at the oldest counted user's newest failure: u1 at 10:00 (u2's is 10:06).
    { group: ['192.0.2.10'], count: 3, windowStart: at('10:00:00') },
    { group: ['192.0.2.99'], count: 3, windowStart: at('10:20:00') },
  ],
  'it.kinds.iam-then-sink-delete': [
    { group: ['alice@example.com'], count: 2, windowStart: at('10:00:00') },
    { group: ['carol@example.com'], count: 2, windowStart: at('10:52:00') },
    { group: ['dave@example.com'], count: 2, windowStart: at('11:00:00') },
  ],
  // One alert per new (user, address), at the event's own time.
  'it.kinds.new-address': [
    { group: ['alice', '10.0.0.2'], count: 1, windowStart: at('10:00:00') },
    { group: ['alice', '10.0.0.3'], count: 1, windowStart: at('11:00:00') },
    { group: ['alice', '10.0.0.4'], count: 1, windowStart: at('11:05:00') },
    { group: ['bob', '10.1.1.2'], count: 1, windowStart: at('11:20:00') },
    { group: ['bob', '10.1.1.3'], count: 1, windowStart: at('11:18:00') },
  ],
};

interface AlertDoc {
  rule: { id: string };
  sift: { alert: { group_key: string; count: number; window_start: string } };
}

afterAll(async () => {
  rmSync(rulesDir, { recursive: true, force: true });
  await es.indices.delete({ index: `logs-*-${names.namespace}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  await es.indices.delete({ index: alertsIndex, ignore_unavailable: true }).catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [...Object.values(topics), names.dlq, stateTopic, alertsTopic, `${alertsTopic}.dlq`] }).catch(() => undefined);
  await admin.deleteGroups([names.group]).catch(() => undefined);
  await admin.disconnect();
}, 60_000);

describe('stateful rule kinds over packed, out-of-order and late records', () => {
  it('raises exactly the hand-written alerts through sift run', async () => {
    for (const [file, text] of Object.entries(RULES)) writeFileSync(join(rulesDir, file), text);
    // One partition per topic: a rule's windows live per partition, and arrival order matters.
    for (const topic of Object.values(topics)) await createTopic(topic, 1);
    const batches = [
      { topic: topics.aws, values: awsRecords },
      { topic: topics.okta, values: oktaRecords },
      { topic: topics.gcp, values: gcpRecords },
      { topic: topics.gws, values: gwsRecords },
    ];
    await produceExactly(batches);
    const sift = startSift({
      kafka: {
        topics: [
          { name: topics.aws, source: 'aws_cloudtrail' },
          { name: topics.okta, source: 'okta' },
          { name: topics.gcp, source: 'gcp_audit' },
          { name: topics.gws, source: 'google_workspace' },
        ],
        dlq_topic: names.dlq,
        group_id: names.group,
      },
      elasticsearch: { namespace: names.namespace },
      rules: { dir: rulesDir, reload: false, default_lateness: '5m', state_topic: stateTopic },
      alerts: { topic: alertsTopic, dlq_topic: `${alertsTopic}.dlq` },
      pipeline: { shutdown_timeout_ms: 10_000 },
      telemetry: { http_port: 0 },
    });
    try {
      for (const b of batches) {
        await waitFor(async () => (await offsets(names.group, b.topic)).committed === b.values.length, 120_000, `${b.topic} to be committed`);
      }
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited, sift.output()).toBe(0);
    expect(await topicSize(names.dlq), 'dead letters: every record must decode and normalize').toBe(0);

    await es.indices.refresh({ index: alertsIndex });
    const r = await es.search<AlertDoc>({ index: alertsIndex, size: 1000, query: { match_all: {} } });
    const actual: Record<string, Expected[]> = {};
    for (const hit of r.hits.hits) {
      const a = hit._source;
      if (!a) continue;
      (actual[a.rule.id] ??= []).push({ group: JSON.parse(a.sift.alert.group_key) as string[], count: a.sift.alert.count, windowStart: a.sift.alert.window_start });
    }
    for (const list of Object.values(actual)) list.sort((x, y) => JSON.stringify(x.group).localeCompare(JSON.stringify(y.group)));
    expect(actual).toEqual(EXPECTED);
  }, 240_000);
});
