/**
 * A Kafka record may hold many events (CloudTrail Records, an Okta page,
 * NDJSON, a JSON array, a Pub/Sub batch): they share one offset and differ by
 * their index in the record. Stateful rules must count every one of them, and
 * the replay guard must skip exactly the events a checkpoint already reflects.
 * Expectations here are written by hand.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type DetectInput } from '../../../src/rules/runtime/index.js';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { MIN, SEC, cardinality, event, isFailure, isSuccess, newTerms, rule, sequence, threshold } from './runtime-helpers.js';

/** Events packed in one record at `offset`: one offset, indexes 0..n-1. */
function packed(events: readonly EcsEvent[], offset: number, firstId = 0): DetectInput[] {
  return events.map((e, i) => ({ event: e, id: `r${offset}e${firstId + i}`, offset: String(offset), index: i }));
}

const fail = (at: number, user = 'alice', ip = '198.51.100.7') => event({ at, outcome: 'failure', user, ip });

describe('events packed in one record', () => {
  it('threshold: five failures in one record make one alert of count 5', () => {
    const r = rule({ id: 'p.threshold', match: isFailure, aggregation: threshold(5, 5 * MIN) });
    const d = createEngine([r]).partition('t/0').evaluate(packed([0, 1, 2, 3, 4].map((s) => fail(s * SEC)), 12));
    expect(d.map((x) => [x.rule.spec.id, x.groupKey, x.count])).toEqual([['p.threshold', '["alice"]', 5]]);
    expect(d[0]?.eventIds).toEqual(['r12e0', 'r12e1', 'r12e2', 'r12e3', 'r12e4']);
  });

  it('cardinality: four users from one address in one record', () => {
    const r = rule({ id: 'p.spray', match: isFailure, aggregation: cardinality('user.name', 4, 10 * MIN) });
    const users = ['a', 'b', 'c', 'd'];
    const d = createEngine([r]).partition('t/0').evaluate(packed(users.map((u, i) => fail(i * SEC, u)), 3));
    expect(d.map((x) => [x.groupKey, x.count])).toEqual([['["198.51.100.7"]', 4]]);
  });

  it('sequence: three failures then a success, all in one record', () => {
    const r = rule({ id: 'p.seq', steps: [isFailure, isSuccess], aggregation: sequence([3, 1], 10 * MIN) });
    const evs = [fail(0), fail(SEC), fail(2 * SEC), event({ at: 3 * SEC, outcome: 'success', user: 'alice' })];
    const d = createEngine([r]).partition('t/0').evaluate(packed(evs, 0));
    expect(d.map((x) => [x.groupKey, x.count])).toEqual([['["alice"]', 4]]);
  });

  it('new_terms: a learned baseline then a new country in the same record', () => {
    const r = rule({ id: 'p.new', aggregation: newTerms(['source.geo.country_iso_code'], 60 * MIN) });
    const at = (t: number, c: string) => event({ at: t, user: 'alice', extra: { source: { geo: { country_iso_code: c } } } });
    const d = createEngine([r]).partition('t/0').evaluate(packed([at(0, 'DE'), at(SEC, 'DE'), at(2 * SEC, 'BR')], 0));
    expect(d.map((x) => x.groupKey)).toEqual(['["alice","BR"]']);
  });

  it('a restored window skips the events it reflects and applies the rest of the same record', () => {
    const r = rule({ id: 'p.threshold', match: isFailure, aggregation: threshold(4, 5 * MIN) });
    const first = createEngine([r]).partition('t/0');
    const evs = [0, 1, 2, 3].map((s) => fail(s * SEC));
    // The first two events of record 7 were applied and checkpointed before a crash.
    expect(first.evaluate(packed(evs, 7).slice(0, 2))).toHaveLength(0);
    const saved = first.checkpoint();
    const second = createEngine([r]).partition('t/0');
    second.restore(saved);
    // Kafka redelivers the whole record: events 0 and 1 are replays, 2 and 3 are new.
    const d = second.evaluate(packed(evs, 7));
    expect(d.map((x) => [x.count, x.eventIds])).toEqual([[4, ['r7e0', 'r7e1', 'r7e2', 'r7e3']]]);
  });

  it('a checkpoint written before positions (offset only) still skips that whole record', () => {
    const r = rule({ id: 'p.threshold', match: isFailure, aggregation: threshold(3, 5 * MIN) });
    const first = createEngine([r]).partition('t/0');
    first.evaluate(packed([fail(0), fail(SEC)], 7));
    const legacy = first.checkpoint().map((e) => (e.offset === undefined ? e : { ...e, offset: '7' }));
    const second = createEngine([r]).partition('t/0');
    second.restore(legacy);
    expect(second.evaluate(packed([fail(0), fail(SEC)], 7))).toHaveLength(0);
    expect(second.evaluate(packed([fail(2 * SEC)], 8)).map((x) => x.count)).toEqual([3]);
  });
});
