import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../../src/rules/runtime/index.js';
import { MIN, T0, cardinality, event, inputs, isFailure, rule } from './runtime-helpers.js';

// Password spraying: one IP failing as 3 distinct users within 10 minutes.
const spray = rule({ id: 'test.spray', match: isFailure, aggregation: cardinality('user.name', 3, 10 * MIN), output: ['user.name'] });
const fail = (at: number, user: string, ip = '203.0.113.9') => event({ at, outcome: 'failure', user, ip });

describe('cardinality windows', () => {
  it('fires when the distinct values reach count; repeats do not count', () => {
    const p = createEngine([spray]).partition('t/0');
    const d = p.evaluate(inputs([fail(0, 'a'), fail(MIN, 'a'), fail(2 * MIN, 'b'), fail(3 * MIN, 'b'), fail(4 * MIN, 'c')]));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      groupKey: '["203.0.113.9"]',
      group: { 'source.ip': '203.0.113.9' },
      count: 3,
      // Each value's newest occurrence.
      eventIds: ['e1', 'e3', 'e4'],
      windowStartMs: T0 + MIN,
      lastEventMs: T0 + 4 * MIN,
      fields: { 'source.ip': '203.0.113.9', 'user.name': 'c' },
    });
    expect(d[0]?.sample).toHaveLength(3);
  });

  it('counts a value at exactly the window edge, not one millisecond older', () => {
    const edge = createEngine([spray]).partition('t/0').evaluate(inputs([fail(0, 'a'), fail(MIN, 'b'), fail(10 * MIN, 'c')]));
    expect(edge).toHaveLength(1);
    const past = createEngine([spray]).partition('t/0').evaluate(inputs([fail(0, 'a'), fail(MIN, 'b'), fail(10 * MIN + 1, 'c')]));
    expect(past).toHaveLength(0);
  });

  it('resets after firing and keeps groups (IPs) apart', () => {
    const p = createEngine([spray]).partition('t/0');
    const d = p.evaluate(
      inputs([fail(0, 'a'), fail(1, 'b', '192.0.2.1'), fail(2, 'b'), fail(3, 'c', '192.0.2.1'), fail(4, 'c'), fail(5, 'd'), fail(6, 'e')]),
    );
    expect(d.map((x) => x.eventIds)).toEqual([['e0', 'e2', 'e4']]);
    expect(p.evaluate(inputs([fail(8, 'f')], 7)).map((x) => x.eventIds)).toEqual([['e5', 'e6', 'e7']]);
    expect(p.evaluate(inputs([fail(9, 'a', '192.0.2.1')], 9)).map((x) => x.group)).toEqual([{ 'source.ip': '192.0.2.1' }]);
  });

  it('counts an out-of-order value inside the window ending at the group’s newest event', () => {
    const p = createEngine([spray], { latenessMs: () => 15 * MIN }).partition('t/0');
    expect(p.evaluate(inputs([fail(12 * MIN, 'a'), fail(14 * MIN, 'b'), fail(MIN, 'c')]))).toHaveLength(0);
    const d = p.evaluate(inputs([fail(5 * MIN, 'd')], 3));
    expect(d).toHaveLength(1);
    expect(d[0]?.eventIds).toEqual(['e3', 'e0', 'e1']);
    expect(d[0]?.windowStartMs).toBe(T0 + 5 * MIN);
  });

  it('drops late events', () => {
    const onLate = vi.fn();
    const p = createEngine([spray], { hooks: { onLate } }).partition('t/0');
    expect(p.evaluate(inputs([fail(20 * MIN, 'a'), fail(21 * MIN, 'b'), fail(15 * MIN - 1, 'c'), fail(16 * MIN, 'd')]))).toHaveLength(1);
    expect(onLate).toHaveBeenCalledExactlyOnceWith('test.spray', 1);
  });

  it('treats each element of an array field as a value, and skips events without the field', () => {
    const r = rule({ id: 'test.ips', aggregation: cardinality('related.ip', 3, MIN, ['user.name']) });
    const p = createEngine([r]).partition('t/0');
    const d = p.evaluate(
      inputs([
        event({ at: 0, user: 'a' }),
        event({ at: 1, user: 'a', extra: { related: { ip: ['192.0.2.1', '192.0.2.2'] } } }),
        event({ at: 2, user: 'a', extra: { related: { ip: ['192.0.2.2', '192.0.2.3'] } } }),
      ]),
    );
    expect(d).toHaveLength(1);
    expect(d[0]?.count).toBe(3);
  });

  it('evicts by LRU cap and by TTL', () => {
    const onEvict = vi.fn();
    const p = createEngine([spray], { maxKeysPerRule: 1, latenessMs: () => 0, hooks: { onEvict } }).partition('t/0');
    p.evaluate(inputs([fail(0, 'a', '192.0.2.1'), fail(1, 'a', '192.0.2.2')]));
    expect(onEvict).toHaveBeenCalledWith('test.spray', 1, 'cap');
    p.evaluate(inputs([event({ at: 20 * MIN, outcome: 'success', user: 'x' })], 2));
    expect(onEvict).toHaveBeenCalledWith('test.spray', 1, 'ttl');
    expect(p.keys).toBe(0);
  });
});
