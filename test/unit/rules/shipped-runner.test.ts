import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { prepareBatch } from '../../../src/ingest/index.js';
import { detectInputs, type CompiledRule, type Detection } from '../../../src/rules/index.js';
import { compareExpectation, matchAlerts, offlinePlan, offlineRecord, prepareEcs, sniffVendor, suppress, vendorFromName } from '../../../src/rules/testing/index.js';

describe('expectation matching', () => {
  it('needs an exact count and a distinct alert per expectation', () => {
    const a = { 'user.name': 'alice', 'source.ip': '1.2.3.4' };
    const b = { 'user.name': 'bob', 'source.ip': '1.2.3.4' };
    expect(compareExpectation(2, [{ 'user.name': 'alice' }, { 'source.ip': '1.2.3.4' }], [a, b])).toBeUndefined();
    // One alert cannot satisfy two expectations.
    expect(compareExpectation(1, [{ 'user.name': 'alice' }, { 'source.ip': '1.2.3.4' }], [a])).toMatch(/expected 1 alert.*|no distinct alert/);
    expect(compareExpectation(3, [], [a, b])).toBe('expected 3 alert(s), got 2');
  });

  it('finds the assignment a greedy pass would miss', () => {
    // Expectation 0 fits both alerts, expectation 1 only the first: a greedy match of 0 → first fails.
    expect(matchAlerts([{ k: 'x' }, { k: 'x', j: 1 }], [{ k: 'x', j: 1 }, { k: 'x' }])).toEqual([1, 0]);
  });

  it('compares values deeply and strings exactly', () => {
    expect(compareExpectation(1, [{ 'event.category': ['iam'] }], [{ 'event.category': ['iam'] }])).toBeUndefined();
    expect(compareExpectation(1, [{ 'user.name': 'Alice' }], [{ 'user.name': 'alice' }])).toMatch(/no distinct alert/);
    expect(compareExpectation(1, [{ count: 1 }], [{ count: '1' }])).toMatch(/no distinct alert/);
  });
});

function detection(ruleId: string, suppression: CompiledRule['spec']['suppression'], t: number, fields: Record<string, string>): Detection {
  const rule = { spec: { id: ruleId, suppression } } as unknown as CompiledRule;
  return { rule, groupKey: '', group: {}, windowStartMs: t, firstEventMs: t, lastEventMs: t, count: 1, eventIds: [], fields, sample: [] };
}

describe('suppression', () => {
  const spec = { groupBy: ['source.ip'], durationMs: 3_600_000 };
  it('folds repeats of one group within the duration, per rule', () => {
    const out = suppress([
      detection('r1', spec, 0, { 'source.ip': 'a' }),
      detection('r1', spec, 60_000, { 'source.ip': 'a' }),
      detection('r1', spec, 60_000, { 'source.ip': 'b' }),
      detection('r2', spec, 60_000, { 'source.ip': 'a' }),
      detection('r1', spec, 3_600_000, { 'source.ip': 'a' }),
    ]);
    expect(out.map((s) => [s.detection.rule.spec.id, s.detection.fields['source.ip'], s.suppressed])).toEqual([
      ['r1', 'a', 1],
      ['r1', 'b', 0],
      ['r2', 'a', 0],
      ['r1', 'a', 0],
    ]);
  });

  it('keeps everything of rules without suppression', () => {
    expect(suppress([detection('r', undefined, 0, {}), detection('r', undefined, 0, {})])).toHaveLength(2);
  });
});

describe('test events → detection inputs', () => {
  it('go through the prepare step of sift run, envelopes included, each event with its own position', () => {
    const plan = offlinePlan('aws_cloudtrail');
    if (!plan) throw new Error('no cloudtrail plan');
    const record = { eventVersion: '1.08', eventTime: '2024-06-03T08:14:22Z', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventID: 'e-1', awsRegion: 'us-east-1', userIdentity: { type: 'Root', accountId: '1' } };
    const raw = offlineRecord('t', 4, Buffer.from(JSON.stringify({ Records: [record, { ...record, eventID: 'e-2' }] })), Date.now());
    const inputs = detectInputs(prepareBatch([raw], plan, { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false }));
    expect(inputs.map((p) => [p.event.event.action, p.offset, p.index])).toEqual([
      ['StopLogging', '4', 0],
      ['StopLogging', '4', 1],
    ]);
    expect(new Set(inputs.map((p) => p.id)).size).toBe(2);
  });

  it('reports a raw event that does not normalize, with its reason', () => {
    const plan = offlinePlan('okta');
    if (!plan) throw new Error('no okta plan');
    const raw = offlineRecord('t', 0, Buffer.from(JSON.stringify({ eventType: 'user.session.start', uuid: 'u' })), Date.now());
    const out = prepareBatch([raw], plan, { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false });
    expect(out.dead.map((d) => d.code)).toEqual(['SIFT_NORMALIZE_NO_TIMESTAMP']);
  });

  it('takes ECS events as they are, but requires @timestamp and a known dataset', () => {
    const ok = prepareEcs({ '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta', id: 'x' } } satisfies EcsEvent, 's');
    expect(ok.ok).toBe(true);
    expect(prepareEcs({ event: { dataset: 'okta.system' } }, 's')).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
    expect(prepareEcs({ '@timestamp': '2024-01-01T00:00:00Z', event: { dataset: 'nope.nope' } }, 's')).toMatchObject({ ok: false });
    // An impossible calendar date is refused, not rolled over to March 1st.
    expect(prepareEcs({ '@timestamp': '2024-02-30T00:00:00Z', event: { dataset: 'okta.system' } }, 's')).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
  });
});

describe('vendor sniffing (sift replay without --source)', () => {
  it('recognizes each vendor by its documented keys', () => {
    expect(sniffVendor({ eventType: 'user.session.start', uuid: 'u', published: 't' })).toBe('okta');
    expect(sniffVendor({ Records: [] })).toBe('aws_cloudtrail');
    expect(sniffVendor({ eventSource: 'iam.amazonaws.com', eventName: 'X' })).toBe('aws_cloudtrail');
    expect(sniffVendor({ protoPayload: {}, insertId: 'i' })).toBe('gcp_audit');
    expect(sniffVendor({ kind: 'admin#reports#activity', id: { applicationName: 'login' } })).toBe('google_workspace');
    expect(sniffVendor({ action: 'user_login', actor: { type: 'user' }, date_create: 1 })).toBe('slack');
    expect(sniffVendor({ action: 'repo.create', actor: 'octocat', created_at: 1 })).toBe('github');
    expect(sniffVendor({ author_id: 1, entity_type: 'User' })).toBe('gitlab');
    expect(sniffVendor({ operator: 'a@b.c', operation_detail: 'x', category_type: 'User' })).toBe('zoom');
    expect(sniffVendor({ event: 'meeting.started', payload: {} })).toBe('zoom');
    expect(sniffVendor([{ eventType: 'x', uuid: 'u' }])).toBe('okta');
    expect(sniffVendor({ hello: 'world' })).toBeUndefined();
    expect(sniffVendor('text')).toBeUndefined();
  });

  it('falls back to the file name', () => {
    expect(vendorFromName('/data/2024-06-01-okta-system.ndjson')).toBe('okta');
    expect(vendorFromName('exports/CloudTrail_us-east-1.json')).toBe('aws_cloudtrail');
    expect(vendorFromName('slack-workspace-audit.log')).toBe('slack');
    expect(vendorFromName('gsuite_admin.ndjson')).toBe('google_workspace');
    expect(vendorFromName('events.ndjson')).toBeUndefined();
  });
});
