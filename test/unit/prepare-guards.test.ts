/**
 * Hostile and odd input through the one prepare path: nothing may throw out
 * of prepareBatch (kafkajs would refetch the batch forever), every record
 * leaves a document or a dead letter, and a future-dated event is flagged.
 * Expectations are written by hand.
 */
import { describe, expect, it } from 'vitest';
import { nestingExceeds, type RawRecord } from '../../src/ingest/index.js';
import { planSource, prepareBatch } from '../../src/pipeline/index.js';

function planOf(vendor: string) {
  const plan = planSource(vendor, 'default');
  if (!plan) throw new Error(`no plan for ${vendor}`);
  return plan;
}

const limits = { maxBytes: 8 << 20, maxDepth: 64 };
const RECEIVED = Date.parse('2026-03-01T12:00:00.000Z');

const record = (value: string | Buffer, offset = 0, timestamp = String(RECEIVED)): RawRecord => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  timestamp,
  key: null,
  value: typeof value === 'string' ? Buffer.from(value) : value,
});

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);

const oktaEvent = (uuid: string, published: string) =>
  JSON.stringify({
    uuid,
    published,
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    severity: 'INFO',
    actor: { id: '00u1', type: 'User', alternateId: 'alice@example.com', displayName: 'Alice' },
    client: { ipAddress: '198.51.100.7' },
    outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
  });

describe('prepare never throws on deep input', () => {
  it('a CloudWatch Logs message nested 50,000 deep with keep_original is a dead letter, not a crash', () => {
    // Two log events, so event.original is each unit re-serialized, not the record's text.
    const trail = { eventVersion: '1.08', eventTime: '2026-03-01T11:59:00Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: 'us-east-1', eventID: 'e-1' };
    const logEvents = [
      { id: '1', timestamp: RECEIVED, message: JSON.stringify(trail) },
      { id: '2', timestamp: RECEIVED, message: deepArray(50_000) },
    ];
    const value = JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents });
    const run = () => prepareBatch([record(value)], planOf('aws_cloudtrail'), { limits, keepOriginal: true });
    expect(run).not.toThrow();
    const out = run();
    expect(out.origins.map((o) => o.eventIndex)).toEqual([0]);
    expect(out.dead.map((d) => d.eventIndex)).toEqual([1]);
  });

  it('a lone quote on a bad NDJSON line does not switch the depth check off for the lines after it', () => {
    const text = `{"broken":"\n${deepArray(100)}`;
    expect(nestingExceeds(Buffer.from(text), 64)).toBe(true);
    const out = prepareBatch([record(text)], planOf('okta'), { limits, keepOriginal: true });
    expect(out.docs).toHaveLength(0);
    expect(out.dead.map((d) => d.code)).toEqual(['SIFT_DECODE_TOO_DEEP']);
  });

  it('judges text as it judges its bytes: brackets in strings, escapes, a newline ending a string, multi-byte text', () => {
    const cases: [string, boolean][] = [
      [deepArray(65), true],
      [deepArray(64), false],
      [`{"s":"${'['.repeat(500)}"}`, false],
      // An escaped backslash ends before the quote that closes the string; an escaped quote does not close it.
      [String.raw`{"é🙂":"\\"}` + deepArray(65), true],
      [String.raw`{"q":"\"` + '['.repeat(100) + '"}', false],
      ['{"broken":"\n' + deepArray(100), true],
    ];
    for (const [text, deep] of cases) {
      expect(nestingExceeds(text, 64)).toBe(deep);
      expect(nestingExceeds(Buffer.from(text), 64)).toBe(deep);
    }
  });

  it('a normalizer or serializer that throws becomes a dead letter with its code', () => {
    const plan = planOf('okta');
    const throwing = { ...plan, source: { ...plan.source, normalize: () => { throw new Error('boom'); } } };
    const out = prepareBatch([record(oktaEvent('u1', '2026-03-01T11:59:00.000Z'))], throwing, { limits, keepOriginal: false });
    expect(out.dead.map((d) => [d.code, d.eventIndex])).toEqual([['SIFT_INTERNAL', 0]]);
    const badTarget = new Map([...plan.targets].map(([k, v]) => [k, { ...v, serialize: () => { throw new RangeError('Maximum call stack size exceeded'); } }]));
    const out2 = prepareBatch([record(oktaEvent('u2', '2026-03-01T11:59:00.000Z'))], { ...plan, targets: badTarget }, { limits, keepOriginal: false });
    expect(out2.dead.map((d) => [d.code, d.eventIndex])).toEqual([['SIFT_DECODE_TOO_DEEP', 0]]);
  });
});

describe('every record leaves a trace', () => {
  it('an empty Okta page, an empty CloudTrail file and an empty array are dead letters, not nothing', () => {
    const records = [record('[]', 0), record('{"Records":[]}', 1)];
    const okta = prepareBatch([records[0] as RawRecord], planOf('okta'), { limits, keepOriginal: false });
    const trail = prepareBatch([records[1] as RawRecord], planOf('aws_cloudtrail'), { limits, keepOriginal: false });
    expect(okta.dead.map((d) => d.code)).toEqual(['SIFT_DECODE_NO_EVENTS']);
    expect(trail.dead.map((d) => d.code)).toEqual(['SIFT_DECODE_NO_EVENTS']);
  });
});

describe('future-dated events', () => {
  const opts = { limits, keepOriginal: false, maxFutureSkewMs: 5 * 60_000 };

  it('flags an event beyond the record timestamp + skew, and tags its document', () => {
    const page = `[${oktaEvent('a', '2026-03-01T11:59:00.000Z')},${oktaEvent('b', '2026-03-01T12:04:59.000Z')},${oktaEvent('c', '9999-12-31T23:59:59.000Z')}]`;
    const out = prepareBatch([record(page)], planOf('okta'), opts);
    expect(out.origins.map((o) => o.future)).toEqual([false, false, true]);
    expect(JSON.parse(out.docs[2]?.source ?? '{}')).toMatchObject({ tags: ['future_timestamp'] });
    expect(JSON.parse(out.docs[0]?.source ?? '{}').tags).toBeUndefined();
  });

  it('has no bound without a skew or without a record timestamp', () => {
    const one = oktaEvent('c', '9999-12-31T23:59:59.000Z');
    expect(prepareBatch([record(one)], planOf('okta'), { limits, keepOriginal: false }).origins[0]?.future).toBe(false);
    expect(prepareBatch([record(one, 0, '-1')], planOf('okta'), opts).origins[0]?.future).toBe(false);
  });
});
