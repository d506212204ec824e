import { describe, expect, it, vi } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { createEngine } from '../../../src/rules/runtime/index.js';
import { MIN, SEC, T0, event, inputs, isFailure, isSuccess, rule, sequence } from './runtime-helpers.js';

// Three failed logins, then a success, per user, within 10 minutes.
const seq = rule({ id: 'test.seq', steps: [isFailure, isSuccess], aggregation: sequence([3, 1], 10 * MIN), output: ['source.ip'] });
const fail = (at: number, user = 'alice') => event({ at, outcome: 'failure', user, ip: '198.51.100.7' });
const ok = (at: number, user = 'alice') => event({ at, outcome: 'success', user, ip: '203.0.113.1' });
const other = (at: number, user = 'alice') => event({ at, action: 'user.mfa.factor.activate', user });

describe('sequence windows', () => {
  it('completes when every step has its count, in order, and reports the events used', () => {
    const p = createEngine([seq]).partition('t/0');
    const d = p.evaluate(inputs([fail(0), other(SEC), fail(MIN), ok(90 * SEC), fail(2 * MIN), ok(3 * MIN)]));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      groupKey: '["alice"]',
      windowStartMs: T0,
      lastEventMs: T0 + 3 * MIN,
      count: 4,
      // The early success (e3) came before the third failure: skipped, and left in the buffer.
      eventIds: ['e0', 'e2', 'e4', 'e5'],
      fields: { 'user.name': 'alice', 'source.ip': '203.0.113.1' },
    });
    expect(d[0]?.sample.map((e: EcsEvent) => e.event.outcome)).toEqual(['failure', 'failure', 'failure', 'success']);
    // Consumed events are gone: a new success alone completes nothing.
    expect(p.evaluate(inputs([ok(4 * MIN)], 6))).toHaveLength(0);
  });

  it('holds maxspan inclusive from the first used event', () => {
    const edge = createEngine([seq]).partition('t/0').evaluate(inputs([fail(0), fail(1), fail(2), ok(10 * MIN)]));
    expect(edge).toHaveLength(1);
    const past = createEngine([seq]).partition('t/0').evaluate(inputs([fail(0), fail(1), fail(2), ok(10 * MIN + 1)]));
    expect(past).toHaveLength(0);
  });

  it('starts from a later first step when the earliest is too old', () => {
    const p = createEngine([seq]).partition('t/0');
    const d = p.evaluate(inputs([fail(0), fail(5 * MIN), fail(6 * MIN), fail(7 * MIN), ok(12 * MIN)]));
    expect(d.map((x) => x.eventIds)).toEqual([['e1', 'e2', 'e3', 'e4']]);
  });

  it('uses an event matching several steps for the step being filled', () => {
    const any = rule({ id: 'test.twice', steps: [() => true, () => true], aggregation: sequence([1, 1], MIN) });
    const d = createEngine([any]).partition('t/0').evaluate(inputs([fail(0), fail(1), fail(2), fail(3)]));
    expect(d.map((x) => x.eventIds)).toEqual([
      ['e0', 'e1'],
      ['e2', 'e3'],
    ]);
  });

  it('completes with events that arrive out of order within lateness', () => {
    const p = createEngine([seq]).partition('t/0');
    expect(p.evaluate(inputs([fail(MIN), ok(4 * MIN), fail(2 * MIN)]))).toHaveLength(0);
    const d = p.evaluate(inputs([fail(0)], 3));
    expect(d.map((x) => x.eventIds)).toEqual([['e3', 'e0', 'e2', 'e1']]);
  });

  it('ignores late events and keeps users apart', () => {
    const onLate = vi.fn();
    const p = createEngine([seq], { latenessMs: () => MIN, hooks: { onLate } }).partition('t/0');
    const d = p.evaluate(inputs([fail(5 * MIN), fail(5 * MIN, 'bob'), fail(6 * MIN), fail(7 * MIN, 'bob'), fail(MIN), ok(8 * MIN)]));
    expect(d).toHaveLength(0);
    expect(onLate).toHaveBeenCalledExactlyOnceWith('test.seq', 1);
    const d2 = p.evaluate(inputs([fail(8 * MIN, 'bob'), fail(8 * MIN), ok(9 * MIN, 'bob'), ok(9 * MIN)], 6));
    expect(d2.map((x) => x.group)).toEqual([{ 'user.name': 'bob' }, { 'user.name': 'alice' }]);
  });

  it('buffers only step-matching events, at most 4 × the total step count', () => {
    const p = createEngine([seq]).partition('t/0');
    p.evaluate(inputs(Array.from({ length: 50 }, (_, i) => other(i))));
    expect(p.keys).toBe(0);
    p.evaluate(inputs(Array.from({ length: 50 }, (_, i) => fail(i)), 50));
    const value = JSON.parse(p.checkpoint().find((e) => e.key.startsWith('test.seq/'))?.value ?? '{}') as { s: unknown[] };
    expect(value.s).toHaveLength(16);
  });

  it('drops buffers past maxspan + lateness (TTL)', () => {
    const onEvict = vi.fn();
    const p = createEngine([seq], { hooks: { onEvict } }).partition('t/0');
    p.evaluate(inputs([fail(0), fail(0, 'bob')]));
    p.evaluate(inputs([other(16 * MIN)], 2));
    expect(onEvict).toHaveBeenCalledExactlyOnceWith('test.seq', 2, 'ttl');
  });
});
