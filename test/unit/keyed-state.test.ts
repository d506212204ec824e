/**
 * Keyed mode's detect side: replays by source position, checkpoint and
 * restore of a keyed partition, lateness per source partition, pruning that
 * follows the slowest source, and records written by another rule version.
 * Raw records go through prepare and the keyed record format
 * (test/helpers/keyed-sim.ts); every expectation is written by hand.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type EngineHooks } from '../../src/rules/index.js';
import { parseSources, positionOf, sourcesText } from '../../src/rules/state/index.js';
import type { Json } from '../helpers/rule-cases.js';
import { consoleLogin } from '../helpers/raw-events.js';
import { at, compile, drain, KeyedTopic, ruleText, runKeyed, runLocal, sourceBatch, summary, vendorIds, type SourceBatch } from '../helpers/keyed-sim.js';

/** An Okta `user.session.start` failure (https://developer.okta.com/docs/reference/api/system-log/#logevent-object). */
function failure(uuid: string, when: string, login: string): Json {
  return {
    uuid,
    published: when,
    eventType: 'user.session.start',
    version: '0',
    severity: 'WARN',
    displayMessage: 'User login to Okta',
    actor: { id: `00u${uuid}`, type: 'User', alternateId: login, displayName: login },
    client: { ipAddress: '198.51.100.7', zone: 'null', device: 'Computer' },
    outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    transaction: { type: 'WEB', id: `tx-${uuid}` },
  };
}

function brute(count: number, version = 1): ReturnType<typeof compile> {
  const text = ruleText('k.brute', ['okta.system'], `detection:\n  failed:\n    event.outcome: failure\n  condition: failed\nthreshold: {count: ${count}, group_by: [user.name], window: 10m}\n`);
  return compile(text.replace('version: 1', `version: ${version}`));
}

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** Okta pages on `scope`: each entry is one record (offset, its events). */
function okta(scope: string, records: readonly [number, readonly Json[]][]): SourceBatch {
  return sourceBatch('okta', scope, records.map(([offset, events]) => ({ offset, value: JSON.stringify(events) })));
}

describe('replays are idempotent by source position', () => {
  const rule = brute(4);
  // Record 0 holds two of alice's failures, record 1 a third.
  const b1 = okta('sift.raw.okta/0', [
    [0, [failure('f1', at(1), ALICE), failure('f2', at(1, 10), ALICE)]],
    [1, [failure('f3', at(1, 20), ALICE)]],
  ]);
  const b2 = okta('sift.raw.okta/0', [[2, [failure('f4', at(1, 30), ALICE)]]]);
  const ids = vendorIds([b1, b2]);
  const expected = [{ rule: 'k.brute', group: `["${ALICE}"]`, count: 4, events: ['f1', 'f2', 'f3', 'f4'] }];

  it.each([1, 3, 6])('a source batch written twice (crash after the keyed write, before the source commit) counts once (%i keyed partitions)', (n) => {
    const topic = new KeyedTopic(n);
    const detect = createEngine([rule]);
    // The first ingest process writes b1 and dies before committing; the detect stage may already have read it.
    expect(runKeyed(createEngine([rule]), detect, topic, [b1]).detected).toEqual([]);
    // The restarted ingest process (a fresh engine) reads b1 again from the committed source offset, then b2.
    const after = runKeyed(createEngine([rule]), detect, topic, [b1, b2]);
    const p = topic.partitionOf(`["${ALICE}"]`);
    // The second copy sits at later keyed offsets with the same source positions.
    expect(topic.logs[p]?.map((r) => JSON.parse(r.value).o + ':' + JSON.parse(r.value).i)).toEqual(['0:0', '0:1', '1:0', '0:0', '0:1', '1:0', '2:0']);
    expect(summary(after.detected, ids)).toEqual(expected);
  });

  it('the same, when the detect stage reads both copies in one batch', () => {
    const topic = new KeyedTopic(3);
    const ingest1 = createEngine([rule]);
    topic.write(ingest1.route(b1.scope, b1.inputs).keyed);
    const ingest2 = createEngine([rule]);
    topic.write(ingest2.route(b1.scope, b1.inputs).keyed);
    topic.write(ingest2.route(b2.scope, b2.inputs).keyed);
    expect(summary(drain(createEngine([rule]), topic), ids)).toEqual(expected);
  });

  it('a replay after the window fired raises no second alert', () => {
    const topic = new KeyedTopic(3);
    const detect = createEngine([rule]);
    const first = runKeyed(createEngine([rule]), detect, topic, [b1, b2]);
    expect(summary(first.detected, ids)).toEqual(expected);
    expect(runKeyed(createEngine([rule]), detect, topic, [b1, b2]).detected).toEqual([]);
  });

  it('per-source positions survive the checkpoint text both ways', () => {
    const from = new Map([
      ['sift.raw.okta/0', positionOf('1', 0) as bigint],
      ['sift.raw.aws_cloudtrail/11', positionOf('18446744073709551615', 4095) as bigint],
    ]);
    expect(sourcesText(from)).toBe('sift.raw.okta/0=1:0;sift.raw.aws_cloudtrail/11=18446744073709551615:4095');
    expect(parseSources('sift.raw.okta/0=1:0;sift.raw.aws_cloudtrail/11=18446744073709551615:4095')).toEqual(from);
    // A local-mode position is not per-source.
    expect(parseSources('7:3')).toBeUndefined();
  });

  it('a keyed partition restored from its checkpoint skips what it reflects and counts what it does not', () => {
    const five = brute(5);
    const topic = new KeyedTopic(1);
    const g1 = okta('sift.raw.okta/1', [[5, [failure('g1', at(1, 25), ALICE)]]]);
    const b3 = okta('sift.raw.okta/0', [[3, [failure('f5', at(1, 40), ALICE)]]]);
    const names = vendorIds([b1, g1, b2, b3]);
    const before = createEngine([five]);
    expect(runKeyed(createEngine([five]), before, topic, [b1, g1]).detected).toEqual([]);
    const saved = before.partition('k/0').checkpoint();
    const slot = saved.find((e) => e.key.startsWith('k.brute/'));
    expect(slot?.offset).toBe('sift.raw.okta/0=1:0;sift.raw.okta/1=5:0');
    // The detect stage dies before committing the keyed offsets: a new one restores and reads from keyed offset 0.
    const after = createEngine([five]);
    after.partition('k/0').restore(saved);
    topic.seek(0, 0);
    expect(drain(after, topic)).toEqual([]);
    // Nothing counted twice: the fifth new event completes the window with the five distinct ones.
    const d = runKeyed(createEngine([five]), after, topic, [b2]).detected;
    expect(summary(d, names)).toEqual([{ rule: 'k.brute', group: `["${ALICE}"]`, count: 5, events: ['f1', 'f2', 'f3', 'g1', 'f4'] }]);
    expect(runKeyed(createEngine([five]), after, topic, [b3]).detected).toEqual([]);
  });
});

describe('lateness in keyed mode is lateness in local mode', () => {
  const rule = brute(3);

  function engines(): { hooks: EngineHooks; late: [string, number][] } {
    const late: [string, number][] = [];
    return { late, hooks: { onLate: (id, n) => late.push([id, n]) } };
  }

  it('an out-of-order event within the lateness counts', () => {
    const batch = okta('sift.raw.okta/0', [
      [0, [failure('x1', at(10), ALICE)]],
      [1, [failure('x2', at(13), ALICE)]],
      // Three minutes behind the watermark: within the default 5 min.
      [2, [failure('x3', at(11), ALICE)]],
    ]);
    const ids = vendorIds([batch]);
    const want = [{ rule: 'k.brute', group: `["${ALICE}"]`, count: 3, events: ['x1', 'x3', 'x2'] }];
    for (const n of [1, 3, 6]) expect(summary(runKeyed(createEngine([rule]), createEngine([rule]), new KeyedTopic(n), [batch]).detected, ids)).toEqual(want);
    expect(summary(runLocal(createEngine([rule]), [batch]), ids)).toEqual(want);
  });

  it('an event older than its own source partition’s watermark − lateness is late, on a keyed partition that saw nothing newer', () => {
    // alice's first two failures come from partition 2; partition 1 is at 09:30 when her third (09:20) arrives there.
    const early = okta('sift.raw.okta/2', [[0, [failure('y1', at(19), ALICE), failure('y2', at(19, 30), ALICE)]]]);
    const mixed = okta('sift.raw.okta/1', [
      [0, [failure('z1', at(30), BOB)]],
      [1, [failure('y3', at(20), ALICE)]],
    ]);
    const topic = new KeyedTopic(6);
    // The premise: alice's keyed partition never receives bob's 09:30 event.
    expect(topic.partitionOf(`["${ALICE}"]`)).not.toBe(topic.partitionOf(`["${BOB}"]`));
    const keyed = engines();
    expect(runKeyed(createEngine([rule]), createEngine([rule], { hooks: keyed.hooks }), topic, [early, mixed]).detected).toEqual([]);
    expect(keyed.late).toEqual([['k.brute', 1]]);
    const local = engines();
    expect(runLocal(createEngine([rule], { hooks: local.hooks }), [early, mixed])).toEqual([]);
    expect(local.late).toEqual([['k.brute', 1]]);
  });

  it('a slow source two hours behind another in the same keyed partition is not late, and its windows are not pruned', () => {
    const slow1 = okta('sift.raw.okta/0', [[0, [failure('s1', at(0), ALICE), failure('s2', at(1), ALICE)]]]);
    const fast = okta('sift.raw.okta/1', [[0, [failure('q1', at(120), BOB)]]]);
    const slow2 = okta('sift.raw.okta/0', [[1, [failure('s3', at(2), ALICE)]]]);
    const ids = vendorIds([slow1, fast, slow2]);
    const topic = new KeyedTopic(1);
    const seen = engines();
    const ingest = createEngine([rule]);
    const detect = createEngine([rule], { hooks: seen.hooks });
    // The detect stage consumes between the batches, so the 11:00 event is applied before alice's third.
    expect(runKeyed(ingest, detect, topic, [slow1]).detected).toEqual([]);
    expect(runKeyed(ingest, detect, topic, [fast]).detected).toEqual([]);
    expect(detect.partition('k/0').keys).toBe(2);
    const d = runKeyed(ingest, detect, topic, [slow2]).detected;
    expect(summary(d, ids)).toEqual([{ rule: 'k.brute', group: `["${ALICE}"]`, count: 3, events: ['s1', 's2', 's3'] }]);
    expect(seen.late).toEqual([]);
  });
});

describe('a restored keyed partition prunes as the uninterrupted one would', () => {
  const rule = brute(3);

  it('a slow source’s windows survive a detect-stage restart when the fast source delivers first', () => {
    const slow1 = okta('sift.raw.okta/0', [[0, [failure('s1', at(0), ALICE), failure('s2', at(1), ALICE)]]]);
    const fast1 = okta('sift.raw.okta/1', [[0, [failure('q1', at(120), BOB)]]]);
    const fast2 = okta('sift.raw.okta/1', [[1, [failure('q2', at(121), BOB)]]]);
    const slow2 = okta('sift.raw.okta/0', [[1, [failure('s3', at(2), ALICE)]]]);
    const ids = vendorIds([slow1, fast1, fast2, slow2]);
    const want = [{ rule: 'k.brute', group: `["${ALICE}"]`, count: 3, events: ['s1', 's2', 's3'] }];

    // Uninterrupted: both sources are active, pruning follows the slow one.
    const ingest = createEngine([rule]);
    const steady = createEngine([rule]);
    const steadyTopic = new KeyedTopic(1);
    for (const b of [slow1, fast1, fast2]) expect(runKeyed(ingest, steady, steadyTopic, [b]).detected).toEqual([]);
    expect(summary(runKeyed(ingest, steady, steadyTopic, [slow2]).detected, ids)).toEqual(want);

    // The same records, with a detect-stage restart after the first two keyed batches (checkpointed and committed).
    const ingest2 = createEngine([rule]);
    const before = createEngine([rule]);
    const topic = new KeyedTopic(1);
    for (const b of [slow1, fast1]) expect(runKeyed(ingest2, before, topic, [b]).detected).toEqual([]);
    const after = createEngine([rule]);
    after.partition('k/0').restore(before.partition('k/0').checkpoint());
    // The fast source happens to deliver first after the restart; the slow one a moment later.
    expect(runKeyed(ingest2, after, topic, [fast2]).detected).toEqual([]);
    expect(summary(runKeyed(ingest2, after, topic, [slow2]).detected, ids)).toEqual(want);
  });
});

describe('a slow source that delivers every few minutes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([4, 6])('CloudTrail files 15 minutes behind Okta, %i minutes apart: the CloudTrail window is not expired by Okta', (gap) => {
    // docs/operations.md: "CloudTrail arriving 15 minutes behind Okta … never has its windows expired by a faster source".
    const rule = compile(
      ruleText('k.console-failures', ['aws.cloudtrail'], 'detection:\n  failed:\n    event.action: ConsoleLogin\n    event.outcome: failure\n  condition: failed\nthreshold: {count: 3, group_by: [user.name], window: 10m}\n'),
    );
    const oktaRule = brute(3);
    const rules = [rule, oktaRule];
    const trail = (offset: number, id: string, minute: number): SourceBatch =>
      sourceBatch('aws_cloudtrail', 'sift.raw.aws_cloudtrail/0', [{ offset, value: JSON.stringify({ Records: [consoleLogin({ id, at: at(minute), ip: '203.0.113.5', user: 'bob', result: 'Failure' })] }) }]);
    const oktaAt = (offset: number, minute: number): SourceBatch => okta('sift.raw.okta/0', [[offset, [failure(`o${offset}`, at(minute), `user${offset}@example.com`)]]]);
    const first = trail(0, 'r1', 0);
    const second = trail(1, 'r2', 1);
    const third = trail(2, 'r3', 2);
    const ids = vendorIds([first, second, third]);
    vi.useFakeTimers({ toFake: ['Date'] });
    const wall = Date.parse(at(15));
    vi.setSystemTime(wall);
    const topic = new KeyedTopic(1);
    const ingest = createEngine(rules);
    const detect = createEngine(rules);
    const out = [...runKeyed(ingest, detect, topic, [first, second]).detected];
    // Okta keeps delivering, near real time (15 minutes ahead of CloudTrail), once a minute; CloudTrail's next file comes `gap` minutes later.
    for (let m = 1; m <= gap; m++) {
      vi.setSystemTime(wall + m * 60_000);
      out.push(...runKeyed(ingest, detect, topic, [oktaAt(m, 15 + m)]).detected);
    }
    out.push(...runKeyed(ingest, detect, topic, [third]).detected);
    expect(summary(out, ids)).toEqual([{ rule: 'k.console-failures', group: '["bob"]', count: 3, events: ['r1', 'r2', 'r3'] }]);
  });
});

describe('records selected by another version of a rule', () => {
  const batch = okta('sift.raw.okta/0', [[0, [failure('v1', at(1), ALICE), failure('v2', at(1, 10), ALICE), failure('v3', at(1, 20), ALICE)]]]);
  const ids = vendorIds([batch]);

  it('the same version applies them (control)', () => {
    const d = runKeyed(createEngine([brute(3)]), createEngine([brute(3)]), new KeyedTopic(1), [batch]).detected;
    expect(summary(d, ids)).toEqual([{ rule: 'k.brute', group: `["${ALICE}"]`, count: 3, events: ['v1', 'v2', 'v3'] }]);
  });

  it('another version does not apply them and reports them stale', () => {
    const stale: [string, number][] = [];
    const detect = createEngine([brute(3, 2)], { hooks: { onStale: (id, n) => stale.push([id, n]) } });
    expect(runKeyed(createEngine([brute(3, 1)]), detect, new KeyedTopic(1), [batch]).detected).toEqual([]);
    expect(stale).toEqual([['k.brute', 3]]);
    expect(detect.partition('k/0').keys).toBe(0);
  });

  it('a rule the detect engine no longer has: stale too', () => {
    const stale: [string, number][] = [];
    const other = compile(ruleText('k.other', ['okta.system'], 'detection:\n  sel:\n    event.outcome: success\n  condition: sel\nthreshold: {count: 2, group_by: [user.name], window: 10m}\n'));
    const detect = createEngine([other], { hooks: { onStale: (id, n) => stale.push([id, n]) } });
    expect(runKeyed(createEngine([brute(3)]), detect, new KeyedTopic(1), [batch]).detected).toEqual([]);
    expect(stale).toEqual([['k.brute', 3]]);
  });
});
