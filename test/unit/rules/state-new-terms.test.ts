import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../../src/rules/runtime/index.js';
import { combinations } from '../../../src/rules/state/index.js';
import { MIN, T0, event, inputs, isSuccess, newTerms, rule } from './runtime-helpers.js';

const DAY = 24 * 60 * MIN;
// A user logging in from a country not seen for them in 14 days.
const nt = rule({ id: 'test.country', match: isSuccess, aggregation: newTerms(['source.geo.country_iso_code'], 14 * DAY), output: ['source.ip'] });
const login = (at: number, country: string | string[] | undefined, user = 'alice') =>
  event({ at, outcome: 'success', user, extra: country === undefined ? { source: { ip: '192.0.2.1' } } : { source: { ip: '192.0.2.1', geo: { country_iso_code: country } } } });

describe('new_terms', () => {
  it('fires on the first sighting of a tuple per group, then not while it is remembered', () => {
    const p = createEngine([nt]).partition('t/0');
    const d = p.evaluate(inputs([login(0, 'NL'), login(MIN, 'NL'), login(2 * MIN, 'US'), login(3 * MIN, 'NL', 'bob')]));
    expect(d.map((x) => x.fields)).toEqual([
      { 'user.name': 'alice', 'source.geo.country_iso_code': 'NL', 'source.ip': '192.0.2.1' },
      { 'user.name': 'alice', 'source.geo.country_iso_code': 'US', 'source.ip': '192.0.2.1' },
      { 'user.name': 'bob', 'source.geo.country_iso_code': 'NL', 'source.ip': '192.0.2.1' },
    ]);
    expect(d[0]).toMatchObject({ groupKey: '["alice","NL"]', windowStartMs: T0, count: 1, eventIds: ['e0'] });
  });

  it('fires again after history without a sighting; exactly history apart is still remembered', () => {
    const p = createEngine([nt]).partition('t/0');
    expect(p.evaluate(inputs([login(0, 'NL'), login(14 * DAY, 'NL')]))).toHaveLength(1);
    expect(p.evaluate(inputs([login(28 * DAY + 1, 'NL')], 2))).toHaveLength(1);
  });

  it('does not call an out-of-order event new when the tuple was seen later', () => {
    const p = createEngine([nt]).partition('t/0');
    expect(p.evaluate(inputs([login(3 * MIN, 'NL'), login(MIN, 'NL')]))).toHaveLength(1);
  });

  it('takes every combination of array values, and skips events without the field', () => {
    const p = createEngine([nt]).partition('t/0');
    const d = p.evaluate(inputs([login(0, undefined), login(1, ['NL', 'US']), login(2, ['US', 'DE'])]));
    expect(d.map((x) => x.groupKey)).toEqual(['["alice","NL"]', '["alice","US"]', '["alice","DE"]']);
    expect(combinations(['a', ['b', 'c'], ['d', 'e']])).toEqual([
      ['a', 'b', 'd'],
      ['a', 'b', 'e'],
      ['a', 'c', 'd'],
      ['a', 'c', 'e'],
    ]);
    expect(combinations([Array.from({ length: 10 }, (_, i) => i), Array.from({ length: 10 }, (_, i) => i)])).toHaveLength(32);
  });

  it('drops late events and expires tuples older than history + lateness', () => {
    const onLate = vi.fn();
    const onEvict = vi.fn();
    const p = createEngine([nt], { hooks: { onLate, onEvict } }).partition('t/0');
    p.evaluate(inputs([login(DAY, 'NL'), login(0, 'US')]));
    expect(onLate).toHaveBeenCalledExactlyOnceWith('test.country', 1);
    p.evaluate(inputs([login(15 * DAY + 5 * MIN + 1, 'FR')], 2));
    expect(onEvict).toHaveBeenCalledExactlyOnceWith('test.country', 1, 'ttl');
    expect(p.keys).toBe(1);
  });
});
