import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, stateBytesEstimate, type DetectInput, type StateEntry } from '../../../src/rules/runtime/index.js';
import {
  MIN,
  SEC,
  cardinality,
  event,
  inputs,
  isFailure,
  isSuccess,
  newTerms,
  rule,
  sequence,
  threshold,
  travel,
} from './runtime-helpers.js';

const RULES = [
  rule({ id: 'test.threshold', match: isFailure, aggregation: threshold(3, 2 * MIN), output: ['source.ip'] }),
  rule({ id: 'test.cardinality', match: isFailure, aggregation: cardinality('user.name', 2, 2 * MIN) }),
  rule({ id: 'test.sequence', steps: [isFailure, isSuccess], aggregation: sequence([2, 1], 3 * MIN) }),
  rule({ id: 'test.new-terms', match: isSuccess, aggregation: newTerms(['source.ip'], 10 * MIN) }),
  rule({ id: 'test.single', match: isSuccess }),
  // Steps of 60 s between places hundreds of km apart: many hops are impossible, some not.
  rule({ id: 'test.travel', match: isSuccess, aggregation: travel(900, 100, 5 * MIN) }),
];

/** Where each test address signs in from: Paris, London, Brussels (hand-picked so some hops are possible within minutes and some are not). */
const PLACES: Readonly<Record<string, { lat: number; lon: number }>> = {
  '192.0.2.1': { lat: 48.8566, lon: 2.3522 },
  '192.0.2.2': { lat: 51.5074, lon: -0.1278 },
  '192.0.2.3': { lat: 50.8503, lon: 4.3517 },
};

/** A compacted state topic: the latest value per key, tombstones removing it. */
function compact(log: Map<string, StateEntry>, entries: readonly StateEntry[]): void {
  for (const e of entries) {
    if (e.value === null) log.delete(e.key);
    else log.set(e.key, e);
  }
}

const arbEvents = fc.array(
  fc.record({
    step: fc.integer({ min: -90, max: 60 }),
    user: fc.constantFrom('a', 'b', 'c', 'd'),
    ip: fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3'),
    ok: fc.boolean(),
  }),
  { maxLength: 80 },
);

function toInputs(spec: readonly { step: number; user: string; ip: string; ok: boolean }[]): DetectInput[] {
  let clock = 0;
  return inputs(
    spec.map((s) => {
      // Mostly forward, sometimes back (out of order, sometimes late).
      clock += s.step * SEC;
      const e = event({ at: clock, outcome: s.ok ? 'success' : 'failure', user: s.user, ip: s.ip });
      return { ...e, source: { ip: s.ip, geo: { location: PLACES[s.ip] ?? { lat: 0, lon: 0 } } } };
    }),
  );
}

const byKey = (a: StateEntry, b: StateEntry) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe('checkpoint and restore', () => {
  it('a restored partition continues exactly as the uninterrupted one (property)', () => {
    fc.assert(
      fc.property(arbEvents, fc.array(fc.nat(), { maxLength: 4 }), fc.nat(4), fc.integer({ min: 1, max: 4 }), (spec, cuts, crashAt, maxKeys) => {
        const all = toInputs(spec);
        const bounds = [...new Set([0, ...cuts.map((c) => c % (all.length + 1)), all.length])].sort((a, b) => a - b);
        const batches = bounds.slice(1).map((end, i) => all.slice(bounds[i], end));
        const opts = { maxKeysPerRule: maxKeys, latenessMs: () => MIN };

        const straight = createEngine(RULES, opts).partition('t/0');
        const expected = batches.map((b) => straight.evaluate(b));

        const log = new Map<string, StateEntry>();
        let p = createEngine(RULES, opts).partition('t/0');
        const actual = batches.map((b, i) => {
          if (i === crashAt % batches.length && i > 0) {
            p = createEngine(RULES, opts).partition('t/0');
            p.restore([...log.values()]);
          }
          const d = p.evaluate(b);
          compact(log, p.checkpoint());
          return d;
        });
        expect(actual).toEqual(expected);
        expect(p.snapshot().sort(byKey)).toEqual(straight.snapshot().sort(byKey));
        expect([...log.values()].sort(byKey)).toEqual(p.snapshot().sort(byKey));
      }),
      { numRuns: 300 },
    );
  });

  it('batch boundaries do not change detections (property)', () => {
    fc.assert(
      fc.property(arbEvents, fc.nat(), (spec, cut) => {
        const all = toInputs(spec);
        const k = cut % (all.length + 1);
        const opts = { maxKeysPerRule: 2, latenessMs: () => MIN };
        const one = createEngine(RULES, opts).partition('t/0').evaluate(all);
        const p = createEngine(RULES, opts).partition('t/0');
        expect([...p.evaluate(all.slice(0, k)), ...p.evaluate(all.slice(k))]).toEqual(one);
      }),
      { numRuns: 200 },
    );
  });

  it('a sequence begun before a crash completes exactly once when inputs are replayed', () => {
    const seq = rule({ id: 'test.seq', steps: [isFailure, isSuccess], aggregation: sequence([3, 1], 10 * MIN) });
    const fail = (at: number) => event({ at, outcome: 'failure', user: 'victim' });
    const noise = (at: number) => event({ at, outcome: 'success', user: 'someone-else' });
    const before = inputs([noise(0), fail(MIN), fail(2 * MIN), noise(2 * MIN), fail(3 * MIN)]);
    const first = createEngine([seq]).partition('t/0');
    expect(first.evaluate(before)).toEqual([]);
    const saved = first.checkpoint();
    // Crash before the offsets were committed: Kafka redelivers from offset 0, then the success.
    const second = createEngine([seq]).partition('t/0');
    second.restore(saved);
    const replay = [...before, ...inputs([event({ at: 5 * MIN, outcome: 'success', user: 'victim' })], 5)];
    const d = second.evaluate(replay);
    expect(d.map((x) => x.eventIds)).toEqual([['e1', 'e2', 'e4', 'e5']]);
    expect(second.evaluate(replay)).toEqual([]);
  });

  it('skips replayed inputs per key, but still emits single-event matches', () => {
    const brute = rule({ id: 'test.brute', match: isFailure, aggregation: threshold(3, 10 * MIN) });
    const single = rule({ id: 'test.single', match: isFailure });
    const evs = [0, 1, 2].map((i) => event({ at: i * SEC, outcome: 'failure', user: 'alice' }));
    const first = createEngine([brute, single]).partition('t/0');
    first.evaluate(inputs(evs.slice(0, 2)));
    const second = createEngine([brute, single]).partition('t/0');
    second.restore(first.checkpoint());
    const d = second.evaluate(inputs(evs));
    expect(d.map((x) => `${x.rule.spec.id}:${x.eventIds.join(',')}`)).toEqual(['test.single:e0', 'test.single:e1', 'test.brute:e0,e1,e2', 'test.single:e2']);
  });

  it('writes `<ruleId>/<sha1 of group key>` entries with their position (offset:index), and tombstones what it refuses', () => {
    const brute = rule({ id: 'test.brute', match: isFailure, aggregation: threshold(3, 10 * MIN) });
    const p = createEngine([brute]).partition('t/0');
    p.evaluate(inputs([event({ at: 0, outcome: 'failure', user: 'alice' })], 41));
    const cp = p.checkpoint();
    const key = `test.brute/${createHash('sha1').update('["alice"]').digest('hex')}`;
    expect(cp.find((e) => e.key === key)).toMatchObject({ offset: '41:0' });
    expect(p.checkpoint()).toEqual([]);

    const entry = cp.find((e) => e.key === key) as StateEntry;
    const changed = createEngine([rule({ id: 'test.brute', version: 2, match: isFailure, aggregation: threshold(3, 10 * MIN) })]).partition('t/0');
    changed.restore([entry, { key: 'test.removed/abc', value: '{}' }, { key: 'test.brute/def', value: 'not json' }]);
    expect(changed.keys).toBe(0);
    expect(changed.checkpoint().map((e) => [e.key, e.value])).toEqual([
      [key, null],
      ['test.removed/abc', null],
      ['test.brute/def', null],
    ]);
  });

  it('compares offsets numerically', () => {
    const brute = rule({ id: 'test.brute', match: isFailure, aggregation: threshold(2, 10 * MIN) });
    const first = createEngine([brute]).partition('t/0');
    first.evaluate([{ event: event({ at: 0, outcome: 'failure', user: 'a' }), id: 'x', offset: '9' }]);
    const second = createEngine([brute]).partition('t/0');
    second.restore(first.checkpoint());
    // "10" > "9" as numbers (not as text): applied, fires.
    expect(second.evaluate([{ event: event({ at: 1, outcome: 'failure', user: 'a' }), id: 'y', offset: '10' }])).toHaveLength(1);
  });

  it('estimates the durable state size of a partition', () => {
    const brute = rule({ id: 'test.brute', match: isFailure, aggregation: threshold(100, 10 * MIN) });
    const p = createEngine([brute]).partition('t/0');
    expect(stateBytesEstimate(p)).toBe(0);
    p.evaluate(inputs(Array.from({ length: 1000 }, (_, i) => event({ at: i, outcome: 'failure', user: `user-${i}` }))));
    const perKey = stateBytesEstimate(p) / p.keys;
    expect(perKey).toBeGreaterThan(100);
    expect(perKey).toBeLessThan(1000);
  });
});
