/**
 * The markers keyed mode's event-time reorder runs on: their record format
 * (src/rules/runtime/keyed-record.ts), the ingest side's source tracker that
 * says which sources are idle (src/pipeline/keyed-markers.ts), the writer's
 * marker records and the detect side's reading of a keyed batch
 * (src/pipeline/keyed.ts). Expected records and values are written by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { decodeMarks, encodeMarks, MARK_KEY } from '../../src/rules/index.js';
import { createSourceTracker } from '../../src/pipeline/keyed-markers.js';
import { createKeyedWriter, readKeyed, type KeyedMessage } from '../../src/pipeline/keyed.js';
import type { RawBatch } from '../../src/ingest/index.js';
import { createMetrics, type Logger } from '../../src/telemetry/index.js';

describe('marker records', () => {
  it('encode to the documented JSON and decode back', () => {
    const marks = [
      { source: 'sift.raw.okta/0', watermark: 1772442001000, idle: false },
      { source: 'sift.raw.aws/3', watermark: -Infinity, idle: true },
    ];
    const text = encodeMarks(marks);
    expect(text).toBe('{"v":2,"m":[["sift.raw.okta/0",1772442001000,0],["sift.raw.aws/3",null,1]]}');
    expect(decodeMarks(text)).toEqual(marks);
    expect(MARK_KEY).toBe('@mark');
  });

  it('a NaN watermark is written as none', () => {
    expect(encodeMarks([{ source: 't/1', watermark: NaN, idle: false }])).toBe('{"v":2,"m":[["t/1",null,0]]}');
    expect(encodeMarks([])).toBe('{"v":2,"m":[]}');
    expect(decodeMarks('{"v":2,"m":[]}')).toEqual([]);
  });

  const ENTRY = 'marker entry is not [source, watermark, idle]';
  it.each<[string, string | undefined, string]>([
    ['no value', undefined, 'no value'],
    ['empty', '', 'not JSON'],
    ['not JSON', 'idle please', 'not JSON'],
    ['truncated', '{"v":2,"m":[["t/0",1,0]', 'not JSON'],
    ['null', 'null', 'not a marker'],
    ['an array', '[2,[["t/0",1,0]]]', 'not a marker'],
    ['version 1 (an event record’s)', '{"v":1,"m":[["t/0",1,0]]}', 'not a marker'],
    ['version 3', '{"v":3,"m":[["t/0",1,0]]}', 'not a marker'],
    ['version as text', '{"v":"2","m":[["t/0",1,0]]}', 'not a marker'],
    ['no list', '{"v":2}', 'not a marker'],
    ['list an object', '{"v":2,"m":{"t/0":[1,0]}}', 'not a marker'],
    ['fields only under __proto__', '{"__proto__":{"v":2,"m":[]}}', 'not a marker'],
    ['entry of two', '{"v":2,"m":[["t/0",1]]}', ENTRY],
    ['entry of four', '{"v":2,"m":[["t/0",1,0,0]]}', ENTRY],
    ['entry a string', '{"v":2,"m":["t/0"]}', ENTRY],
    ['entry null', '{"v":2,"m":[null]}', ENTRY],
    ['source a number', '{"v":2,"m":[[0,1,0]]}', ENTRY],
    ['watermark as text', '{"v":2,"m":[["t/0","1772442001000",0]]}', ENTRY],
    ['watermark overflowing to Infinity', '{"v":2,"m":[["t/0",1e400,0]]}', ENTRY],
    ['idle 2', '{"v":2,"m":[["t/0",1,2]]}', ENTRY],
    ['idle true', '{"v":2,"m":[["t/0",1,true]]}', ENTRY],
    ['a good entry then a bad one', '{"v":2,"m":[["t/0",1,0],["t/1",1,"yes"]]}', ENTRY],
  ])('%s: refused with a reason', (_name, value, reason) => {
    expect(decodeMarks(value)).toBe(reason);
  });

  it('a marker over 1 MiB is refused before it is parsed', () => {
    const entry = '["sift.raw.okta/0",1,0],';
    const huge = `{"v":2,"m":[${entry.repeat(Math.ceil((1024 * 1024) / entry.length))}["t/0",1,0]]}`;
    expect(huge.length).toBeGreaterThan(1024 * 1024);
    expect(decodeMarks(huge)).toBe('marker too large');
    // Just under the limit it is read.
    const under = `{"v":2,"m":[["${'s'.repeat(1024 * 1024 - 30)}",1,0]]}`;
    expect(under.length).toBeLessThanOrEqual(1024 * 1024);
    expect(decodeMarks(under)).toEqual([{ source: 's'.repeat(1024 * 1024 - 30), watermark: 1, idle: false }]);
  });
});

describe('the source tracker (ingest side): which sources are idle', () => {
  const S = 'sift.raw.okta/0';
  const T = 'sift.raw.okta/1';

  it('a batch ending caught up makes its source idle only once quiet for idle_ms', () => {
    const t = createSourceTracker(1000);
    t.assign(new Set([S]));
    t.begin(S);
    expect(t.end(S, 500, true, 10_000)).toEqual({ source: S, watermark: 500, idle: false });
    expect(t.idle(10_000)).toEqual([]);
    expect(t.idle(10_999)).toEqual([]);
    expect(t.idle(11_000)).toEqual([{ source: S, watermark: 500, idle: true }]);
    // Repeated on every tick while idle.
    expect(t.idle(50_000)).toEqual([{ source: S, watermark: 500, idle: true }]);
  });

  it('a last batch that did not end caught up: never idle, even at a graceful stop', () => {
    const t = createSourceTracker(1000);
    t.assign(new Set([S]));
    t.begin(S);
    t.end(S, 500, true, 10_000);
    t.begin(S);
    t.end(S, 700, false, 10_100);
    expect(t.idle(10_000_000)).toEqual([]);
    expect(t.idle(Infinity)).toEqual([]);
    // The next batch ends caught up: quiet again from its end.
    t.begin(S);
    expect(t.end(S, 650, true, 20_000)).toEqual({ source: S, watermark: 700, idle: false });
    expect(t.idle(20_999)).toEqual([]);
    expect(t.idle(21_000)).toEqual([{ source: S, watermark: 700, idle: true }]);
  });

  it('a batch in flight: not idle', () => {
    const t = createSourceTracker(1000);
    t.assign(new Set([S]));
    t.begin(S);
    t.end(S, 500, true, 10_000);
    t.begin(S);
    expect(t.idle(20_000)).toEqual([]);
    expect(t.idle(Infinity)).toEqual([]);
    t.end(S, 800, true, 20_000);
    expect(t.idle(20_500)).toEqual([]);
    expect(t.idle(21_000)).toEqual([{ source: S, watermark: 800, idle: true }]);
  });

  it('a failed batch: not idle (its records are still to be read) until a batch ends caught up', () => {
    const t = createSourceTracker(1000);
    t.assign(new Set([S]));
    t.begin(S);
    t.end(S, 500, true, 10_000);
    // New records came; their batch failed and will be fetched again.
    t.begin(S);
    t.abort(S);
    expect(t.idle(20_000)).toEqual([]);
    t.begin(S);
    t.end(S, 900, true, 30_000);
    expect(t.idle(31_000)).toEqual([{ source: S, watermark: 900, idle: true }]);
  });

  it('a failed first batch of a source Kafka had called empty: not idle, and asked about again', () => {
    const t = createSourceTracker(1000);
    t.assign(new Set([S]));
    t.markEmpty(S, 0);
    expect(t.idle(1000)).toEqual([{ source: S, watermark: -Infinity, idle: true }]);
    t.begin(S);
    t.abort(S);
    expect(t.idle(60_000)).toEqual([]);
    expect(t.unchecked()).toEqual([S]);
  });

  it('never batched: idle only once Kafka said it is empty (markEmpty) and idle_ms has passed since', () => {
    const t = createSourceTracker(1000);
    t.assign(new Set([S, T]));
    expect(t.idle(1_000_000)).toEqual([]);
    expect(t.idle(Infinity)).toEqual([]);
    expect(t.unchecked()).toEqual([S, T]);
    t.markEmpty(T, 0);
    expect(t.unchecked()).toEqual([S]);
    // Just found empty: not yet quiet for idle_ms (a partition about to be filled at start).
    expect(t.idle(0)).toEqual([]);
    expect(t.idle(999)).toEqual([]);
    // A second check does not restart the quiet time.
    t.markEmpty(T, 500);
    expect(t.idle(1000)).toEqual([{ source: T, watermark: -Infinity, idle: true }]);
    // A source in flight is not asked about.
    t.begin(S);
    expect(t.unchecked()).toEqual([]);
    t.end(S, 100, false, 5);
    // Batched: markEmpty no longer applies (its last batch was not caught up).
    t.markEmpty(S, 5);
    expect(t.idle(Infinity)).toEqual([{ source: T, watermark: -Infinity, idle: true }]);
  });

  it('at a graceful stop (idle(Infinity)) a source whose last batch ended caught up is idle at once', () => {
    const t = createSourceTracker(600_000);
    t.assign(new Set([S]));
    t.begin(S);
    t.end(S, 42, true, 10_000);
    expect(t.idle(10_001)).toEqual([]);
    expect(t.idle(Infinity)).toEqual([{ source: S, watermark: 42, idle: true }]);
  });

  it('assign() drops sources no longer assigned; one assigned again starts over', () => {
    const t = createSourceTracker(1000);
    t.assign(new Set([S, T]));
    for (const s of [S, T]) {
      t.begin(s);
      t.end(s, 300, true, 10_000);
    }
    expect(t.idle(11_000)).toEqual([
      { source: S, watermark: 300, idle: true },
      { source: T, watermark: 300, idle: true },
    ]);
    t.assign(new Set([T]));
    expect(t.idle(11_000)).toEqual([{ source: T, watermark: 300, idle: true }]);
    expect(t.unchecked()).toEqual([]);
    t.assign(new Set([S, T]));
    expect(t.idle(11_000)).toEqual([{ source: T, watermark: 300, idle: true }]);
    expect(t.unchecked()).toEqual([S]);
  });
});

describe('the keyed writer’s marker records', () => {
  it('one record per keyed partition, keyed @mark, after what is already there', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const sent: unknown[] = [];
    const producer: Pick<Producer, 'send'> = {
      send: (record) => {
        sent.push(record);
        return Promise.resolve([]);
      },
    };
    const writer = createKeyedWriter(producer, 'sift.keyed', metrics);
    const into: KeyedMessage[] = [{ key: '["alice"]', value: '{}', dataset: 'okta.system' }];
    writer.mark([{ source: 'sift.raw.okta/0', watermark: 1000, idle: false }], 3, into);
    const value = '{"v":2,"m":[["sift.raw.okta/0",1000,0]]}';
    expect(into).toEqual([
      { key: '["alice"]', value: '{}', dataset: 'okta.system' },
      { key: '@mark', value, dataset: '', partition: 0 },
      { key: '@mark', value, dataset: '', partition: 1 },
      { key: '@mark', value, dataset: '', partition: 2 },
    ]);
    writer.mark([], 3, into);
    expect(into).toHaveLength(4);

    await writer.send(into.slice(1));
    expect(sent).toEqual([
      {
        topic: 'sift.keyed',
        acks: -1,
        compression: expect.anything() as unknown,
        messages: [
          { key: '@mark', value, partition: 0 },
          { key: '@mark', value, partition: 1 },
          { key: '@mark', value, partition: 2 },
        ],
      },
    ]);
    expect((await metrics.keyedMarkers.get()).values[0]?.value).toBe(3);
    expect((await metrics.keyedWritten.get()).values).toEqual([]);
  });
});

describe('readKeyed: a keyed batch as the detect stage reads it', () => {
  const EVENT =
    '{"v":1,"src":"sift.raw.okta/0","o":"7","i":0,"id":"doc-1","ds":"okta.system","t":1772442001000,"w":1772442001000,' +
    '"r":[["k.brute","fp1",1]],"e":{"@timestamp":"2026-03-02T09:00:01.000Z","event":{"kind":"event","dataset":"okta.system","module":"okta"},"user":{"name":"alice"}}}';
  const FUTURE =
    '{"v":1,"src":"sift.raw.okta/1","o":"3","i":1,"id":"doc-2","ds":"okta.system","t":253402300799000,"w":null,"f":1,' +
    '"r":[["k.brute","fp1",1]],"e":{"@timestamp":"9999-12-31T23:59:59.000Z","event":{"kind":"event","dataset":"okta.system","module":"okta"},"user":{"name":"bob"}}}';
  const record = (offset: number, key: string | null, value: string | null): RawBatch['records'][number] => ({
    topic: 'sift.keyed',
    partition: 2,
    offset: String(offset),
    timestamp: '0',
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
  });

  it('events and markers in order with their offsets; garbage counted by reason and logged once', async () => {
    const batch: RawBatch = {
      topic: 'sift.keyed',
      partition: 2,
      records: [
        record(10, '["alice"]', EVENT),
        record(11, '@mark', '{"v":2,"m":[["sift.raw.okta/0",1772442001000,0],["sift.raw.okta/1",null,1]]}'),
        record(12, '["bob"]', 'hello'),
        record(13, '@mark', '{"v":3,"m":[]}'),
        record(14, null, EVENT),
        record(15, '["bob"]', FUTURE),
        record(16, '["alice"]', EVENT.replace('"v":1', '"v":9')),
        record(17, '@mark', null),
        record(18, '@mark', '{"v":2,"m":[]}'),
      ],
    };
    const metrics = createMetrics({ defaultMetrics: false });
    const warned: [unknown, string][] = [];
    const log = { warn: (obj: unknown, msg: string) => warned.push([obj, msg]) } as unknown as Logger;

    const items = readKeyed(batch, metrics, log);
    expect(items).toEqual([
      {
        input: {
          key: '["alice"]',
          dataset: 'okta.system',
          time: 1772442001000,
          watermark: 1772442001000,
          rules: [{ id: 'k.brute', fingerprint: 'fp1', mask: 1 }],
          event: { '@timestamp': '2026-03-02T09:00:01.000Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' }, user: { name: 'alice' } },
          id: 'doc-1',
          source: 'sift.raw.okta/0',
          offset: '7',
          index: 0,
        },
        offset: 10n,
      },
      {
        marks: [
          { source: 'sift.raw.okta/0', watermark: 1772442001000, idle: false },
          { source: 'sift.raw.okta/1', watermark: -Infinity, idle: true },
        ],
        offset: 11n,
      },
      {
        input: {
          key: '["bob"]',
          dataset: 'okta.system',
          time: 253402300799000,
          watermark: -Infinity,
          rules: [{ id: 'k.brute', fingerprint: 'fp1', mask: 1 }],
          event: { '@timestamp': '9999-12-31T23:59:59.000Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' }, user: { name: 'bob' } },
          id: 'doc-2',
          source: 'sift.raw.okta/1',
          offset: '3',
          index: 1,
          future: true,
        },
        offset: 15n,
      },
      { marks: [], offset: 18n },
    ]);

    const invalid = Object.fromEntries((await metrics.keyedInvalid.get()).values.map((v) => [v.labels.reason, v.value]));
    expect(invalid).toEqual({ 'not JSON': 1, 'not a marker': 1, 'no key': 1, 'unknown format version': 1, 'no value': 1 });
    expect(warned).toEqual([[{ topic: 'sift.keyed', partition: 2, count: 5, first: { reason: 'not JSON', offset: '12' } }, 'Skipped keyed-topic records that Sift did not write.']]);
  });

  it('a clean batch logs nothing and counts nothing', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const warned: unknown[] = [];
    const log = { warn: (...args: unknown[]) => warned.push(args) } as unknown as Logger;
    const items = readKeyed({ topic: 'sift.keyed', partition: 0, records: [record(0, '@mark', '{"v":2,"m":[["t/0",5,1]]}')] }, metrics, log);
    expect(items).toEqual([{ marks: [{ source: 't/0', watermark: 5, idle: true }], offset: 0n }]);
    expect(warned).toEqual([]);
    expect((await metrics.keyedInvalid.get()).values).toEqual([]);
  });
});
