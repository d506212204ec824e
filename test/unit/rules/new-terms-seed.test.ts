/**
 * new_terms seeded from history (engine.seed): a read-only overlay beside
 * the windows, so what history knows and what the state topic restored both
 * count, and neither replaces the other.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/rules/runtime/index.js';
import { seenInSeed, type NewTermsSeed } from '../../../src/rules/state/index.js';
import { MIN, T0, event, inputs, isSuccess, newTerms, rule } from './runtime-helpers.js';

const DAY = 24 * 60 * MIN;
const nt = rule({ id: 'test.country', match: isSuccess, aggregation: newTerms(['source.geo.country_iso_code'], 14 * DAY) });
const login = (at: number, country: string, user = 'alice') => event({ at, outcome: 'success', user, extra: { source: { ip: '192.0.2.1', geo: { country_iso_code: country } } } });
const keysOf = (d: readonly { groupKey: string }[]) => d.map((x) => x.groupKey);

/** History, as the seeder reads it from Elasticsearch: alice from NL 3 and 1 days before T0, bob from US 2 days before. */
const seed: NewTermsSeed = {
  tuples: new Map([
    ['["alice","NL"]', [T0 - 3 * DAY, T0 - DAY]],
    ['["bob","US"]', [T0 - 2 * DAY, T0 - 2 * DAY]],
  ]),
  groups: new Map([
    ['["alice"]', [T0 - 3 * DAY, T0 - DAY]],
    ['["bob"]', [T0 - 2 * DAY, T0 - 2 * DAY]],
  ]),
};

describe('new_terms seeded from history', () => {
  it('without a seed, a fresh start learns each group first; with it, groups history knows alert on new terms at once', () => {
    // alice from DE (never in her history), then NL (her usual country); bob from US (his); carol has no history.
    const events = () => inputs([login(0, 'DE'), login(MIN, 'US', 'bob'), login(2 * MIN, 'FR', 'carol'), login(3 * MIN, 'NL')]);
    // Bare: DE only teaches alice's baseline, so NL looks new.
    expect(keysOf(createEngine([nt]).partition('t/0').evaluate(events()))).toEqual(['["alice","NL"]']);

    const engine = createEngine([nt]);
    engine.seed(nt, seed);
    const p = engine.partition('t/0');
    expect(keysOf(p.evaluate(events()))).toEqual(['["alice","DE"]']);
    // The seed wrote no window: the slots hold what the events taught (3 markers, 4 tuples), nothing more.
    expect(p.snapshot().filter((e) => e.key !== '@engine')).toHaveLength(7);
  });

  it('merges with state restored from the state topic: both count, neither is dropped', () => {
    const first = createEngine([nt]).partition('t/0');
    // Before the restart, alice was seen from SE (a term not in the seed) and is known.
    first.evaluate(inputs([login(-2 * MIN, 'SE'), login(-MIN, 'SE')]));
    const saved = first.checkpoint();

    const engine = createEngine([nt]);
    const p = engine.partition('t/0');
    p.restore(saved);
    engine.seed(nt, seed);
    // SE (restored) and NL (seeded) are both known; JP is new.
    expect(keysOf(p.evaluate(inputs([login(0, 'SE'), login(MIN, 'NL'), login(2 * MIN, 'JP')], 10)))).toEqual(['["alice","JP"]']);
  });

  it('a seed is for one version of the rule: a changed rule ignores it; undefined forgets it', () => {
    const engine = createEngine([nt]);
    engine.seed(nt, seed);
    const changed = { ...nt, spec: { ...nt.spec, version: nt.spec.version + 1 } };
    engine.update([changed]);
    expect(engine.partition('t/0').evaluate(inputs([login(0, 'DE')]))).toEqual([]);
    engine.update([nt]);
    engine.seed(nt, undefined);
    expect(engine.partition('t/1').evaluate(inputs([login(0, 'DE')]))).toEqual([]);
  });

  it('a sighting counts only strictly before the event and within history', () => {
    const h = 14 * DAY;
    expect(seenInSeed(undefined, T0, h)).toBe(false);
    expect(seenInSeed([T0 - DAY, T0 - DAY], T0, h)).toBe(true);
    expect(seenInSeed([T0 - h, T0 - h], T0, h)).toBe(true);
    expect(seenInSeed([T0 - h - 1, T0 - h - 1], T0, h)).toBe(false);
    // The event itself, indexed before a crash and replayed: its own sighting does not hide it...
    expect(seenInSeed([T0, T0], T0, h)).toBe(false);
    // ...but an earlier one within history does.
    expect(seenInSeed([T0 - DAY, T0], T0, h)).toBe(true);
  });
});
