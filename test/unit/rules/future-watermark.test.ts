/**
 * One far-future timestamp (a producer's bad clock, `9999-12-31`) must not
 * blind stateful rules: prepare flags such an event (beyond its record's
 * timestamp + rules.max_future_skew), single-event rules still see it, and it
 * never moves the watermark. Expectations written by hand.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type DetectInput } from '../../../src/rules/runtime/index.js';
import { MIN, SEC, event, isFailure, rule, threshold } from './runtime-helpers.js';

const brute = rule({ id: 'f.brute', match: isFailure, aggregation: threshold(3, 5 * MIN) });
const single = rule({ id: 'f.any-failure', match: isFailure });
const fail = (at: number) => event({ at, outcome: 'failure', user: 'alice' });
const farFuture = event({ at: 0, outcome: 'failure', user: 'alice', extra: {} });
farFuture['@timestamp'] = '9999-12-31T23:59:59.000Z';

describe('future-dated events', () => {
  it('do not move the watermark: later on-time events still make windows', () => {
    const p = createEngine([brute, single]).partition('t/0');
    const inputs: DetectInput[] = [
      { event: farFuture, id: 'future', offset: '0', future: true },
      { event: fail(0), id: 'a', offset: '1' },
      { event: fail(SEC), id: 'b', offset: '2' },
      { event: fail(2 * SEC), id: 'c', offset: '3' },
    ];
    const d = p.evaluate(inputs);
    expect(d.map((x) => [x.rule.spec.id, x.count]).sort()).toEqual([
      ['f.any-failure', 1],
      ['f.any-failure', 1],
      ['f.any-failure', 1],
      ['f.any-failure', 1],
      ['f.brute', 3],
    ]);
    expect(d.find((x) => x.rule.spec.id === 'f.brute')?.eventIds).toEqual(['a', 'b', 'c']);
    // The checkpointed watermark is the newest on-time event's.
    const meta = p.checkpoint().find((e) => e.key === '@engine');
    expect(JSON.parse(meta?.value ?? '{}').wm).toBe(Date.parse(fail(2 * SEC)['@timestamp']));
  });
});
