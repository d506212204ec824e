/**
 * Keyed mode end to end without Kafka (test/helpers/keyed-sim.ts): raw vendor
 * records through prepare, `engine.route` per source partition, the keyed
 * record format both ways, keyed partitions by a hash of the key, and a
 * separate detect engine's `evaluateKeyed`. Every expected detection (rule,
 * group, count, the vendor ids of its events) is written by hand; local mode
 * over the same records is run beside it to show what keyed mode is for.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type DetectInput } from '../../src/rules/index.js';
import type { Json } from '../helpers/rule-cases.js';
import { consoleLogin } from '../helpers/raw-events.js';
import { at, compile, KeyedTopic, ruleText, runKeyed, runLocal, sourceBatch, summary, vendorIds, type SourceBatch } from '../helpers/keyed-sim.js';

const KEYED_PARTITIONS = [1, 3, 6];

/** An Okta `user.session.start` LogEvent (https://developer.okta.com/docs/reference/api/system-log/#logevent-object). */
function signIn(uuid: string, when: string, login: string, result: 'SUCCESS' | 'FAILURE', displayName = login, ip = '198.51.100.7'): Json {
  return {
    uuid,
    published: when,
    eventType: 'user.session.start',
    version: '0',
    severity: result === 'FAILURE' ? 'WARN' : 'INFO',
    displayMessage: 'User login to Okta',
    actor: { id: `00u${uuid}`, type: 'User', alternateId: login, displayName },
    client: { ipAddress: ip, zone: 'null', device: 'Computer', userAgent: { rawUserAgent: 'Mozilla/5.0', os: 'Linux', browser: 'FIREFOX' } },
    outcome: result === 'FAILURE' ? { result, reason: 'INVALID_CREDENTIALS' } : { result },
    transaction: { type: 'WEB', id: `tx-${uuid}` },
  };
}

const bruteForce = compile(
  ruleText(
    'k.brute-force',
    ['okta.system'],
    `detection:
  failed:
    event.action: user.session.start
    event.outcome: failure
  condition: failed
threshold: {count: 6, group_by: [user.name], window: 10m}
`,
  ),
);

describe('a brute force spread round-robin over six source partitions', () => {
  // Production order; record i goes to partition i % 6 (a round-robin shipper).
  // alice's six failures sit at i = 0, 2, 4, 7, 9, 11: partitions 0, 2, 4, 1, 3, 5.
  const order: [string, string][] = [
    ['a1', 'alice@example.com'],
    ['b1', 'bob@example.com'],
    ['a2', 'alice@example.com'],
    ['c1', 'carol@example.com'],
    ['a3', 'alice@example.com'],
    ['b2', 'bob@example.com'],
    ['c2', 'carol@example.com'],
    ['a4', 'alice@example.com'],
    ['b3', 'bob@example.com'],
    ['a5', 'alice@example.com'],
    ['c3', 'carol@example.com'],
    ['a6', 'alice@example.com'],
  ];
  const batches: SourceBatch[] = [0, 1, 2, 3, 4, 5].map((p) =>
    sourceBatch(
      'okta',
      `sift.raw.okta/${p}`,
      order.flatMap(([uuid, user], i) => (i % 6 === p ? [{ offset: Math.floor(i / 6), value: JSON.stringify(signIn(uuid, at(0, i * 20), user, 'FAILURE')) }] : [])),
    ),
  );
  const ids = vendorIds(batches);

  it('each source partition holds at most one of alice’s failures', () => {
    for (const b of batches) expect(b.inputs.filter((i) => (i.event.user as { name?: string } | undefined)?.name === 'alice@example.com')).toHaveLength(1);
  });

  it.each(KEYED_PARTITIONS)('keyed (%i keyed partitions): exactly one detection, count 6, alice’s six events', (n) => {
    const run = runKeyed(createEngine([bruteForce]), createEngine([bruteForce]), new KeyedTopic(n), batches);
    expect(run.routed).toEqual([]);
    expect(summary(run.detected, ids)).toEqual([{ rule: 'k.brute-force', group: '["alice@example.com"]', count: 6, events: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'] }]);
    // Every selected event went to the keyed topic once, under its own user.
    expect(run.keyed.map((k) => k.key).sort()).toEqual([...Array(6).fill('["alice@example.com"]'), ...Array(3).fill('["bob@example.com"]'), ...Array(3).fill('["carol@example.com"]')]);
  });

  it('local mode (windows per source partition) sees six groups of one and raises nothing', () => {
    expect(runLocal(createEngine([bruteForce]), batches)).toEqual([]);
  });
});

describe('a password spray from one address over four source partitions', () => {
  const spray = compile(
    ruleText(
      'k.spray',
      ['okta.system'],
      `detection:
  failed:
    event.outcome: failure
  condition: failed
cardinality: {field: user.name, count: 4, group_by: [source.ip], window: 10m}
`,
    ),
  );
  const users = ['ann@example.com', 'ben@example.com', 'cat@example.com', 'dan@example.com'];
  const batches = users.map((u, p) =>
    sourceBatch('okta', `sift.raw.okta/${p}`, [
      { offset: 0, value: JSON.stringify(signIn(`s${p + 1}`, at(2, p * 15), u, 'FAILURE', u, '203.0.113.50')) },
      // Each partition also carries a failure from a home address.
      { offset: 1, value: JSON.stringify(signIn(`h${p + 1}`, at(2, p * 15 + 5), u, 'FAILURE', u, `192.0.2.${p + 1}`)) },
    ]),
  );
  const ids = vendorIds(batches);

  it.each(KEYED_PARTITIONS)('keyed: one detection for the address, four distinct users (%i keyed partitions)', (n) => {
    const run = runKeyed(createEngine([spray]), createEngine([spray]), new KeyedTopic(n), batches);
    expect(summary(run.detected, ids)).toEqual([{ rule: 'k.spray', group: '["203.0.113.50"]', count: 4, events: ['s1', 's2', 's3', 's4'] }]);
  });

  it('local mode: nothing', () => {
    expect(runLocal(createEngine([spray]), batches)).toEqual([]);
  });
});

describe('several events of one group in one record', () => {
  const oktaRule = compile(
    ruleText(
      'k.okta-failures',
      ['okta.system'],
      `detection:
  failed:
    event.outcome: failure
  condition: failed
threshold: {count: 5, group_by: [user.name], window: 10m}
`,
    ),
  );
  const awsRule = compile(
    ruleText(
      'k.console-failures',
      ['aws.cloudtrail'],
      `detection:
  failed:
    event.action: ConsoleLogin
    event.outcome: failure
  condition: failed
threshold: {count: 3, group_by: [user.name], window: 10m}
`,
    ),
  );
  const alice = 'alice@example.com';
  // An Okta System Log API page (a JSON array) of four events, three of them alice's, and a second page on another partition.
  const page1 = [signIn('p1', at(1), alice, 'FAILURE'), signIn('q1', at(1, 5), 'bob@example.com', 'FAILURE'), signIn('p2', at(1, 10), alice, 'FAILURE'), signIn('p3', at(1, 20), alice, 'FAILURE')];
  const page2 = [signIn('p4', at(1, 30), alice, 'FAILURE'), signIn('p5', at(1, 40), alice, 'FAILURE')];
  // A CloudTrail log file: bob fails three times, carol signs in.
  const trail = {
    Records: [
      consoleLogin({ id: 'r1', at: at(2), ip: '203.0.113.5', user: 'bob', result: 'Failure' }),
      consoleLogin({ id: 'r2', at: at(2, 10), ip: '203.0.113.5', user: 'bob', result: 'Failure' }),
      consoleLogin({ id: 'r3', at: at(2, 15), ip: '203.0.113.6', user: 'carol', result: 'Success' }),
      consoleLogin({ id: 'r4', at: at(2, 20), ip: '203.0.113.5', user: 'bob', result: 'Failure' }),
    ],
  };
  const batches = [
    sourceBatch('okta', 'sift.raw.okta/0', [{ offset: 40, value: JSON.stringify(page1) }]),
    sourceBatch('okta', 'sift.raw.okta/1', [{ offset: 12, value: JSON.stringify(page2) }]),
    sourceBatch('aws_cloudtrail', 'sift.raw.aws_cloudtrail/0', [{ offset: 8, value: JSON.stringify(trail) }]),
  ];
  const ids = vendorIds(batches);

  it.each(KEYED_PARTITIONS)('every event counts, each at its own position (%i keyed partitions)', (n) => {
    const run = runKeyed(createEngine([oktaRule, awsRule]), createEngine([oktaRule, awsRule]), new KeyedTopic(n), batches);
    expect(summary(run.detected, ids)).toEqual([
      { rule: 'k.console-failures', group: '["bob"]', count: 3, events: ['r1', 'r2', 'r4'] },
      { rule: 'k.okta-failures', group: '["alice@example.com"]', count: 5, events: ['p1', 'p2', 'p3', 'p4', 'p5'] },
    ]);
    const positions = run.keyed.map((k) => [ids.get(k.id), k.source, k.offset, k.index]);
    expect(positions).toEqual([
      ['p1', 'sift.raw.okta/0', '40', 0],
      ['q1', 'sift.raw.okta/0', '40', 1],
      ['p2', 'sift.raw.okta/0', '40', 2],
      ['p3', 'sift.raw.okta/0', '40', 3],
      ['p4', 'sift.raw.okta/1', '12', 0],
      ['p5', 'sift.raw.okta/1', '12', 1],
      ['r1', 'sift.raw.aws_cloudtrail/0', '8', 0],
      ['r2', 'sift.raw.aws_cloudtrail/0', '8', 1],
      ['r4', 'sift.raw.aws_cloudtrail/0', '8', 3],
    ]);
  });
});

describe('a sequence across two sources, grouped by related.user', () => {
  const rule = compile(
    ruleText(
      'k.okta-then-access-key',
      ['okta.system', 'aws.cloudtrail'],
      `detection:
  signin:
    event.dataset: okta.system
    event.action: user.session.start
    event.outcome: success
  access_key:
    event.dataset: aws.cloudtrail
    event.action: CreateAccessKey
sequence:
  by: [related.user]
  maxspan: 30m
  steps:
    - {name: signin, condition: signin}
    - {name: access_key, condition: access_key}
`,
    ),
  );
  /**
   * A CloudTrail CreateAccessKey record by an IAM user (IAM user names may hold `@`)
   * for `target` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html).
   */
  function createAccessKey(id: string, when: string, caller: string, target: string): Json {
    return {
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLECALLER01', arn: `arn:aws:iam::123456789012:user/${caller}`, accountId: '123456789012', accessKeyId: 'AKIAEXAMPLECALLER01', userName: caller },
      eventTime: when.replace('.000Z', 'Z'),
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.9',
      userAgent: 'aws-cli/2.15.30',
      requestParameters: { userName: target },
      responseElements: { accessKey: { userName: target, accessKeyId: 'AKIAEXAMPLENEWKEY01', status: 'Active', createDate: 'Mar 2, 2026 9:05:00 AM' } },
      requestID: `req-${id}`,
      eventID: id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '123456789012',
      eventCategory: 'Management',
    };
  }
  const okta = sourceBatch('okta', 'sift.raw.okta/2', [
    // related.user = [display name, login]: two groups.
    { offset: 3, value: JSON.stringify([signIn('o1', at(1), 'alice@example.com', 'SUCCESS', 'Alice Smith')]) },
    { offset: 4, value: JSON.stringify([signIn('o2', at(1, 30), 'bob@example.com', 'SUCCESS', 'Bob Jones')]) },
  ]);
  const trail = sourceBatch('aws_cloudtrail', 'sift.raw.aws_cloudtrail/1', [
    // related.user = [target, caller id, caller name]: alice@example.com is the one value shared with o1.
    { offset: 7, value: JSON.stringify({ Records: [createAccessKey('c1', at(5), 'alice@example.com', 'deploy-bot'), createAccessKey('c2', at(6), 'carol@example.com', 'build-bot')] }) },
  ]);
  const ids = vendorIds([okta, trail]);

  it('an event with related.user [a, b] goes to the keyed topic under each element, once', () => {
    const routed = createEngine([rule]).route(okta.scope, okta.inputs.slice(0, 1));
    expect(routed.keyed.map((k) => [k.key, ids.get(k.id), k.rules.map((r) => [r.id, r.mask])])).toEqual([
      ['["Alice Smith"]', 'o1', [['k.okta-then-access-key', 1]]],
      ['["alice@example.com"]', 'o1', [['k.okta-then-access-key', 1]]],
    ]);
  });

  it.each(KEYED_PARTITIONS)('joins the Okta sign-in and the CloudTrail action under the shared value only (%i keyed partitions)', (n) => {
    const run = runKeyed(createEngine([rule]), createEngine([rule]), new KeyedTopic(n), [okta, trail]);
    expect(summary(run.detected, ids)).toEqual([{ rule: 'k.okta-then-access-key', group: '["alice@example.com"]', count: 2, events: ['o1', 'c1'] }]);
    expect(run.detected[0]?.group).toEqual({ 'related.user': 'alice@example.com' });
    const c1Keys = run.keyed.filter((k) => ids.get(k.id) === 'c1').map((k) => k.key);
    expect(c1Keys).toEqual(['["deploy-bot"]', '["AIDAEXAMPLECALLER01"]', '["alice@example.com"]']);
  });

  it('local mode cannot join them: the two sources are different topics', () => {
    expect(runLocal(createEngine([rule]), [okta, trail])).toEqual([]);
  });
});

describe('future-dated events', () => {
  const brute = compile(
    ruleText(
      'k.brute',
      ['okta.system'],
      `detection:
  failed:
    event.outcome: failure
  condition: failed
threshold: {count: 2, group_by: [user.name], window: 10m}
`,
    ),
  );
  const anyFailure = compile(ruleText('k.any-failure', ['okta.system'], 'detection:\n  failed:\n    event.outcome: failure\n  condition: failed\n'));
  const suppressed = compile(
    ruleText('k.failure-suppressed', ['okta.system'], 'detection:\n  failed:\n    event.outcome: failure\n  condition: failed\nsuppression: {group_by: [source.ip], duration: 1h}\n'),
  );
  const rules = [brute, anyFailure, suppressed];
  // The record was produced at 09:10; the second event claims a day later: beyond the 5 min skew.
  const batch = sourceBatch('okta', 'sift.raw.okta/0', [{ offset: 0, value: JSON.stringify([signIn('now', at(9), 'alice@example.com', 'FAILURE'), signIn('later', at(10 + 24 * 60), 'alice@example.com', 'FAILURE', 'alice@example.com', '192.0.2.77')]) }], Date.parse(at(10)));
  const ids = vendorIds([batch]);

  it('prepare flags the day-ahead event as future (the premise)', () => {
    expect(batch.inputs.map((i: DetectInput) => [ids.get(i.id), i.future])).toEqual([
      ['now', false],
      ['later', true],
    ]);
  });

  it('route: single-event rules fire at once; a future event is keyed only for the suppressed rule, under its suppression group', () => {
    const routed = createEngine(rules).route(batch.scope, batch.inputs);
    // A single-event rule's group is the event's own _id.
    expect(routed.detections.map((d) => [d.rule.spec.id, ids.get(d.groupKey), d.count, d.eventIds.map((id) => ids.get(id))])).toEqual([
      ['k.any-failure', 'now', 1, ['now']],
      ['k.any-failure', 'later', 1, ['later']],
    ]);
    expect(routed.keyed.map((k) => [ids.get(k.id), k.key, k.rules.map((r) => r.id), k.future === true])).toEqual([
      ['now', '["alice@example.com"]', ['k.brute'], false],
      ['now', '["198.51.100.7"]', ['k.failure-suppressed'], false],
      ['later', '["192.0.2.77"]', ['k.failure-suppressed'], true],
    ]);
  });

  it.each(KEYED_PARTITIONS)('detect: the suppressed rule fires for both events; the brute force never sees the future one (%i keyed partitions)', (n) => {
    const run = runKeyed(createEngine(rules), createEngine(rules), new KeyedTopic(n), [batch]);
    const got = summary(run.detected, ids).map((d) => [d.rule, d.count, d.events.join()]);
    expect(got.sort((a, b) => String(a[2]).localeCompare(String(b[2])))).toEqual([
      ['k.failure-suppressed', 1, 'later'],
      ['k.failure-suppressed', 1, 'now'],
    ]);
  });
});
