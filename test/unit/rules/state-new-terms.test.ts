import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../../src/rules/runtime/index.js';
import { combinations } from '../../../src/rules/state/index.js';
import { MIN, T0, event, inputs, isSuccess, newTerms, rule } from './runtime-helpers.js';

const DAY = 24 * 60 * MIN;
// A user logging in from a country not seen for them in 14 days.
const nt = rule({ id: 'test.country', match: isSuccess, aggregation: newTerms(['source.geo.country_iso_code'], 14 * DAY), output: ['source.ip'] });
// The same without group_by: one history for everybody.
const global = rule({ id: 'test.global', match: isSuccess, aggregation: newTerms(['source.geo.country_iso_code'], 14 * DAY, []), output: ['user.name'] });
const login = (at: number, country: string | string[] | undefined, user = 'alice') =>
  event({ at, outcome: 'success', user, extra: country === undefined ? { source: { ip: '192.0.2.1' } } : { source: { ip: '192.0.2.1', geo: { country_iso_code: country } } } });
const keysOf = (d: readonly { groupKey: string }[]) => d.map((x) => x.groupKey);

describe('new_terms', () => {
  it('only learns on the first sighting of a group: a fresh start pages for nobody', () => {
    const p = createEngine([nt]).partition('t/0');
    expect(p.evaluate(inputs([login(0, 'NL'), login(MIN, 'US', 'bob'), login(2 * MIN, 'DE', 'carol')]))).toEqual([]);
    // Each group holds its baseline marker beside its tuple.
    expect(p.keys).toBe(6);
  });

  it('alerts on a tuple new to a known group, then not while it is remembered', () => {
    const p = createEngine([nt]).partition('t/0');
    const d = p.evaluate(inputs([login(0, 'NL'), login(MIN, 'NL'), login(2 * MIN, 'US'), login(3 * MIN, 'US'), login(4 * MIN, 'NL', 'bob'), login(5 * MIN, 'DE', 'bob')]));
    expect(d.map((x) => x.fields)).toEqual([
      { 'user.name': 'alice', 'source.geo.country_iso_code': 'US', 'source.ip': '192.0.2.1' },
      { 'user.name': 'bob', 'source.geo.country_iso_code': 'DE', 'source.ip': '192.0.2.1' },
    ]);
    expect(d[0]).toMatchObject({ groupKey: '["alice","US"]', windowStartMs: T0 + 2 * MIN, count: 1, eventIds: ['e2'] });
    expect(d[1]).toMatchObject({ groupKey: '["bob","DE"]', eventIds: ['e5'] });
  });

  it('fires again after history without a sighting; exactly history apart is still remembered', () => {
    const p = createEngine([nt]).partition('t/0');
    // US: the group was seen exactly history earlier, so it is still known. NL: seen exactly history earlier, not new.
    expect(keysOf(p.evaluate(inputs([login(0, 'NL'), login(14 * DAY, 'US'), login(14 * DAY, 'NL')])))).toEqual(['["alice","US"]']);
    // The group stays known through US; NL was last seen more than history ago.
    expect(keysOf(p.evaluate(inputs([login(20 * DAY, 'US'), login(28 * DAY + 1, 'NL')], 3)))).toEqual(['["alice","NL"]']);
  });

  it('re-learns a group whose marker is older than history', () => {
    const p = createEngine([nt]).partition('t/0');
    // US would be new, but alice was last seen more than history ago: her terms are learned again.
    expect(p.evaluate(inputs([login(0, 'NL'), login(14 * DAY + 1, 'US')]))).toEqual([]);
    // Known again from the re-learning event on: DE is new, US is not.
    expect(keysOf(p.evaluate(inputs([login(14 * DAY + 2, 'US'), login(14 * DAY + 3, 'DE')], 2)))).toEqual(['["alice","DE"]']);
  });

  it('without group_by, the first event learns and later new tuples alert whoever brings them', () => {
    const p = createEngine([global]).partition('t/0');
    const d = p.evaluate(inputs([login(0, 'NL'), login(MIN, 'NL', 'bob'), login(2 * MIN, 'US', 'bob'), login(3 * MIN, 'US', 'carol')]));
    expect(d.map((x) => x.fields)).toEqual([{ 'source.geo.country_iso_code': 'US', 'user.name': 'bob' }]);
    expect(d[0]).toMatchObject({ groupKey: '["US"]', eventIds: ['e2'] });
  });

  it('does not call an out-of-order event new when the tuple was seen later', () => {
    const p = createEngine([nt]).partition('t/0');
    const d = p.evaluate(inputs([login(0, 'DE'), login(3 * MIN, 'NL'), login(MIN, 'NL')]));
    expect(d.map((x) => x.eventIds)).toEqual([['e1']]);
  });

  it('takes every combination of array values, learns them all, and skips events without the field', () => {
    const p = createEngine([nt]).partition('t/0');
    // The event without the field is no baseline: FR, the first with it, only learns.
    const d = p.evaluate(inputs([login(0, undefined), login(1, 'FR'), login(2, ['NL', 'US']), login(3, ['US', 'DE']), login(4, ['NL', 'US'], 'bob'), login(5, ['US', 'BE'], 'bob')]));
    expect(keysOf(d)).toEqual(['["alice","NL"]', '["alice","US"]', '["alice","DE"]', '["bob","BE"]']);
    expect(combinations(['a', ['b', 'c'], ['d', 'e']])).toEqual([
      ['a', 'b', 'd'],
      ['a', 'b', 'e'],
      ['a', 'c', 'd'],
      ['a', 'c', 'e'],
    ]);
    expect(combinations([Array.from({ length: 10 }, (_, i) => i), Array.from({ length: 10 }, (_, i) => i)])).toHaveLength(32);
  });

  it('drops late events and expires tuples and markers older than history + lateness', () => {
    const onLate = vi.fn();
    const onEvict = vi.fn();
    const p = createEngine([nt], { hooks: { onLate, onEvict } }).partition('t/0');
    p.evaluate(inputs([login(DAY, 'NL'), login(0, 'US')]));
    expect(onLate).toHaveBeenCalledExactlyOnceWith('test.country', 1);
    expect(p.keys).toBe(2);
    // NL and alice's marker expire: FR only learns again.
    expect(p.evaluate(inputs([login(15 * DAY + 5 * MIN + 1, 'FR')], 2))).toEqual([]);
    expect(onEvict).toHaveBeenCalledExactlyOnceWith('test.country', 2, 'ttl');
    expect(p.keys).toBe(2);
  });

  it('counts markers toward the key cap; a group whose marker was evicted learns again', () => {
    const onEvict = vi.fn();
    const evs = inputs([login(0, 'NL'), login(1, 'NL', 'bob'), login(2, 'US')]);
    expect(keysOf(createEngine([nt]).partition('t/0').evaluate(evs))).toEqual(['["alice","US"]']);
    const p = createEngine([nt], { maxKeysPerRule: 3, hooks: { onEvict } }).partition('t/0');
    expect(p.evaluate(evs)).toEqual([]);
    expect(p.keys).toBe(3);
    expect(onEvict).toHaveBeenCalledExactlyOnceWith('test.country', 3, 'cap');
  });

  it('keeps the baseline across checkpoint and restore, and skips replayed inputs', () => {
    const first = createEngine([nt]).partition('t/0');
    const before = inputs([login(0, 'NL'), login(MIN, 'NL', 'bob')]);
    expect(first.evaluate(before)).toEqual([]);
    const saved = first.checkpoint();
    // Two groups × (marker + tuple), and the meta entry.
    expect(saved).toHaveLength(5);
    // Crash before the offsets were committed: Kafka redelivers from offset 0, then alice from a new country.
    const after = inputs([login(2 * MIN, 'US')], 2);
    const replay = [...before, ...after];
    const second = createEngine([nt]).partition('t/0');
    second.restore(saved);
    // The replayed inputs touch neither the markers nor the tuples: nothing to write.
    expect(second.evaluate(before)).toEqual([]);
    expect(second.checkpoint()).toEqual([]);
    const d = second.evaluate(replay);
    expect(d.map((x) => [x.groupKey, x.eventIds])).toEqual([['["alice","US"]', ['e2']]]);
    // Without the restored baseline, alice's US sign-in would only be learned.
    expect(createEngine([nt]).partition('t/0').evaluate(after)).toEqual([]);
  });

  // A checkpoint is several Kafka records, sent in more than one request when it is large or spans
  // partitions: a crash between two requests leaves some of a batch's entries written and not others
  // (seen in the rebalance fault scenario: one extra "new country" alert after the survivor restored).
  describe('restores a checkpoint cut between its entries', () => {
    /** The entries whose slot is not the group `lost` (entry keys are hashes; the slot's group is in the value). */
    const without = (saved: ReturnType<ReturnType<ReturnType<typeof createEngine>['partition']>['checkpoint']>, lost: string) =>
      saved.filter((e) => e.value === null || !e.value.includes(`"g":${JSON.stringify(lost)}`));

    it('learns a tuple whose entry was lost, though the marker entry holds its event: no alert for the first sighting', () => {
      const first = createEngine([nt]).partition('t/0');
      // alice's first sign-in (NL) only learns; the batch's checkpoint kept her marker and lost her NL tuple.
      expect(first.evaluate(inputs([login(0, 'NL')]))).toEqual([]);
      const saved = first.checkpoint();
      const second = createEngine([nt]).partition('t/0');
      const cut = without(saved, '["alice","NL"]');
      expect(cut).toHaveLength(saved.length - 1);
      second.restore(cut);
      // Redelivered from offset 0 (nothing committed), then NL again: NL was never new to alice.
      expect(second.evaluate(inputs([login(0, 'NL'), login(MIN, 'NL')]))).toEqual([]);
      // And a country really new to her still alerts.
      expect(keysOf(second.evaluate(inputs([login(2 * MIN, 'US')], 2)))).toEqual(['["alice","US"]']);
    });

    it('still alerts on a tuple new to a known group when the batch that brought it lost only the tuple entry', () => {
      const first = createEngine([nt]).partition('t/0');
      expect(first.evaluate(inputs([login(0, 'NL')]))).toEqual([]);
      const base = first.checkpoint();
      // The next batch: US is new to alice (one alert); its checkpoint kept the marker, lost the US tuple.
      const batch = inputs([login(MIN, 'US')], 1);
      expect(keysOf(first.evaluate(batch))).toEqual(['["alice","US"]']);
      const next = first.checkpoint();
      const saved = [...base, ...without(next, '["alice","US"]')];
      expect(saved).toHaveLength(base.length + next.length - 1);
      const second = createEngine([nt]).partition('t/0');
      second.restore(saved);
      // The redelivered batch raises the same detection again (same event, same group: the same alert id), as before the cut.
      const again = second.evaluate(batch);
      expect(again.map((x) => [x.groupKey, x.eventIds])).toEqual([['["alice","US"]', ['e1']]]);
    });
  });
});
