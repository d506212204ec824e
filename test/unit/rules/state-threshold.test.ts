import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../../src/rules/runtime/index.js';
import { drain, KeyedTopic } from '../../helpers/keyed-sim.js';
import { MIN, SEC, T0, event, inputs, isFailure, rule, threshold } from './runtime-helpers.js';

const brute = rule({ id: 'test.brute', match: isFailure, aggregation: threshold(3, 5 * MIN), output: ['source.ip'] });
const fail = (at: number, user = 'alice', ip = '198.51.100.7') => event({ at, outcome: 'failure', user, ip });

function engineWith(opts: Parameters<typeof createEngine>[1] = {}) {
  return createEngine([brute], opts);
}

describe('threshold windows', () => {
  it('fires on the count-th event within the window, with the window’s events', () => {
    const p = engineWith().partition('t/0');
    const d = p.evaluate(inputs([fail(0), fail(MIN), event({ at: 90 * SEC, outcome: 'success', user: 'alice' }), fail(2 * MIN)]));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      groupKey: '["alice"]',
      group: { 'user.name': 'alice' },
      windowStartMs: T0,
      firstEventMs: T0,
      lastEventMs: T0 + 2 * MIN,
      count: 3,
      eventIds: ['e0', 'e1', 'e3'],
      fields: { 'user.name': 'alice', 'source.ip': '198.51.100.7' },
    });
    expect(d[0]?.sample.map((e) => e['@timestamp'])).toEqual([0, MIN, 2 * MIN].map((t) => new Date(T0 + t).toISOString()));
    expect(d[0]?.sample[2]).toMatchObject({ user: { name: 'alice' }, source: { ip: '198.51.100.7' }, event: { dataset: 'okta.system', outcome: 'failure' } });
  });

  it('carries event.* output fields beyond the event block kept in every projection (event.provider, event.type), locally and keyed', () => {
    const withProvider = rule({ id: 'test.provider', match: isFailure, aggregation: threshold(2, 5 * MIN), output: ['event.provider', 'event.type', 'event.action'] });
    const evs = [0, MIN].map((t) => {
      const e = event({ at: t, outcome: 'failure', user: 'alice' });
      return { ...e, event: { ...e.event, provider: 'guardduty.amazonaws.com', type: ['change'] } };
    });
    const want = { 'user.name': 'alice', 'event.provider': 'guardduty.amazonaws.com', 'event.type': ['change'], 'event.action': 'user.session.start' };
    expect(createEngine([withProvider]).partition('t/0').evaluate(inputs(evs))[0]?.fields).toEqual(want);
    // Keyed: the ingest engine routes a projection of each event, the detect engine alerts from it.
    const topic = new KeyedTopic(3);
    const ingest = createEngine([withProvider]);
    const detect = createEngine([withProvider]);
    const keyed = inputs(evs).flatMap((i) => {
      topic.write(ingest.route('t/0', [i]).keyed);
      return drain(detect, topic);
    });
    expect(keyed[0]?.fields).toEqual(want);
  });

  it('counts events exactly one window apart, but not one millisecond more', () => {
    const edge = engineWith().partition('t/0').evaluate(inputs([fail(0), fail(MIN), fail(5 * MIN)]));
    expect(edge).toHaveLength(1);
    const past = engineWith().partition('t/0').evaluate(inputs([fail(0), fail(MIN), fail(5 * MIN + 1)]));
    expect(past).toHaveLength(0);
  });

  it('resets the group after firing: the next alert needs count new events', () => {
    const p = engineWith().partition('t/0');
    const d = p.evaluate(inputs([0, 1, 2, 3, 4, 5, 6].map((s) => fail(s * SEC))));
    expect(d.map((x) => x.eventIds)).toEqual([
      ['e0', 'e1', 'e2'],
      ['e3', 'e4', 'e5'],
    ]);
  });

  it('keeps groups apart and skips events without the group field', () => {
    const p = engineWith().partition('t/0');
    const noUser = event({ at: 0, outcome: 'failure', ip: '198.51.100.7' });
    const d = p.evaluate(inputs([fail(0, 'alice'), fail(1, 'bob'), noUser, fail(2, 'alice'), fail(3, 'bob'), noUser]));
    expect(d).toHaveLength(0);
    expect(p.keys).toBe(2);
    expect(p.evaluate(inputs([fail(4, 'bob')], 10)).map((x) => x.group)).toEqual([{ 'user.name': 'bob' }]);
  });

  it('places out-of-order events in time order, and a late one can complete a past window', () => {
    const p = engineWith({ latenessMs: () => 10 * MIN }).partition('t/0');
    // 0 and 10 min are two windows apart; 1 min and 4 min arrive out of order and join 0.
    expect(p.evaluate(inputs([fail(0), fail(10 * MIN), fail(MIN)]))).toHaveLength(0);
    const d = p.evaluate(inputs([fail(4 * MIN)], 3));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ windowStartMs: T0, lastEventMs: T0 + 4 * MIN, eventIds: ['e0', 'e2', 'e3'], count: 3 });
    // The window's events and older ones are gone; 10 min stays and needs two more.
    expect(p.evaluate(inputs([fail(11 * MIN)], 4))).toHaveLength(0);
    expect(p.evaluate(inputs([fail(12 * MIN)], 5))).toHaveLength(1);
  });

  it('drops events older than watermark − lateness and reports them once per batch', () => {
    const onLate = vi.fn();
    const p = engineWith({ hooks: { onLate }, latenessMs: () => MIN }).partition('t/0');
    const d = p.evaluate(inputs([fail(10 * MIN), fail(8 * MIN), fail(9 * MIN - 1), fail(9 * MIN)]));
    // 8 min and 9 min − 1 ms are more than 1 min behind the watermark: 10 min, 9 min count.
    expect(d).toHaveLength(0);
    expect(onLate).toHaveBeenCalledExactlyOnceWith('test.brute', 2);
    expect(p.evaluate(inputs([fail(10 * MIN)], 4))).toHaveLength(1);
  });

  it('evicts the least recently used group beyond maxKeysPerRule and tombstones it', () => {
    const onEvict = vi.fn();
    const p = engineWith({ maxKeysPerRule: 2, hooks: { onEvict } }).partition('t/0');
    p.evaluate(inputs([fail(0, 'a'), fail(1, 'b'), fail(2, 'a'), fail(3, 'c')]));
    expect(onEvict).toHaveBeenCalledExactlyOnceWith('test.brute', 1, 'cap');
    expect(p.keys).toBe(2);
    const cp = p.checkpoint();
    expect(cp.filter((e) => e.value === null)).toHaveLength(1);
    // 'a' kept both of its events: one more fires. 'b' starts over.
    expect(p.evaluate(inputs([fail(4, 'a')], 10)).map((x) => x.groupKey)).toEqual(['["a"]']);
    expect(p.evaluate(inputs([fail(5, 'b'), fail(6, 'b')], 11))).toHaveLength(0);
  });

  it('expires groups that can no longer fire (TTL) and tombstones them', () => {
    const onEvict = vi.fn();
    const p = engineWith({ hooks: { onEvict }, latenessMs: () => MIN }).partition('t/0');
    p.evaluate(inputs([fail(0, 'a'), fail(0, 'b')]));
    p.checkpoint();
    // Watermark 6 min + 1 ms: a and b are older than watermark − window − lateness only after 6 min.
    p.evaluate(inputs([fail(6 * MIN, 'c')], 2));
    expect(p.keys).toBe(3);
    p.evaluate(inputs([fail(7 * MIN + 1, 'c')], 3));
    expect(onEvict).toHaveBeenCalledWith('test.brute', 2, 'ttl');
    expect(p.keys).toBe(1);
    expect(p.checkpoint().filter((e) => e.value === null)).toHaveLength(2);
  });

  it('bounds eventIds to 100 and the sample to 10, oldest first, newest events sampled', () => {
    const big = rule({ id: 'test.big', match: isFailure, aggregation: threshold(150, 10 * MIN) });
    const p = createEngine([big]).partition('t/0');
    const d = p.evaluate(inputs(Array.from({ length: 150 }, (_, i) => fail(i * 100))));
    expect(d).toHaveLength(1);
    expect(d[0]?.count).toBe(150);
    expect(d[0]?.eventIds).toHaveLength(100);
    expect(d[0]?.eventIds[0]).toBe('e0');
    expect(d[0]?.sample).toHaveLength(10);
    expect(d[0]?.sample[9]?.['@timestamp']).toBe(new Date(T0 + 149 * 100).toISOString());
  });
});
