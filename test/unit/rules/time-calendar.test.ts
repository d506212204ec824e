// Impossible calendar dates are no time at all on the rules side too: an
// event's @timestamp (windows) and a date in a gt/lt comparison, on either the
// rule's or the event's side. Date.parse used to roll them over (2024-02-30 →
// March 1st). Expected instants come from Date.UTC with the fields written by hand.
import { describe, expect, it } from 'vitest';
import { eventTime } from '../../../src/rules/runtime/time.js';
import { epochOf } from '../../../src/rules/compile/values.js';
import type { EcsEvent } from '../../../src/ecs/index.js';

const at = (ts: string): EcsEvent => ({ '@timestamp': ts, event: { dataset: 'okta.system' } }) as unknown as EcsEvent;

const IMPOSSIBLE = [
  '2024-02-30T00:00:00Z',
  '2023-02-29T10:00:00.000Z',
  '1900-02-29T10:00:00.000Z',
  '2024-04-31T10:00:00+02:00',
  '2024-06-31 10:00:00',
  '2024-13-01T00:00:00Z',
  '2024-06-07T24:00:00Z',
  '2024-06-07T24:00:00.000Z',
  '2024-06-07T23:60:00Z',
  '2024-06-07T23:59:60Z',
  '2024-06-07T10:00:00+24:00',
];

describe('event time (rules runtime)', () => {
  it.each(IMPOSSIBLE)('%s has no event time', (ts) => {
    expect(eventTime(at(ts))).toBeNaN();
  });

  it('reads valid RFC 3339 shapes other than the canonical one', () => {
    expect(eventTime(at('2024-02-29T23:00:00+02:00'))).toBe(Date.UTC(2024, 1, 29, 21, 0, 0));
    expect(eventTime(at('2024-02-29T23:00:00.123456789Z'))).toBe(Date.UTC(2024, 1, 29, 23, 0, 0, 123));
    expect(eventTime(at('2024-03-01T00:30:00-0100'))).toBe(Date.UTC(2024, 2, 1, 1, 30, 0));
    expect(eventTime(at('2024-03-01 00:30:00.5'))).toBe(Date.UTC(2024, 2, 1, 0, 30, 0, 500));
    expect(eventTime(at('2024-03-01t00:30:00z'))).toBe(Date.UTC(2024, 2, 1, 0, 30, 0));
    expect(eventTime(at('2024-12-31T23:59:59.999Z'))).toBe(Date.UTC(2024, 11, 31, 23, 59, 59, 999));
  });
});

describe('dates in comparisons (rule values and event values)', () => {
  it.each([...IMPOSSIBLE, '2024-02-30', '2023-02-29', '2024-04-31', '2024-00-01', '2024-06-07T24:00'])('%s is not a date', (v) => {
    expect(epochOf(v)).toBeUndefined();
  });

  it('reads valid dates and times', () => {
    expect(epochOf('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(epochOf('2000-02-29T12:00')).toBe(Date.UTC(2000, 1, 29, 12, 0));
    expect(epochOf('2024-04-30T23:59:59.999+02:00')).toBe(Date.UTC(2024, 3, 30, 21, 59, 59, 999));
    expect(epochOf('2024-01-31T12:00:00-0530')).toBe(Date.UTC(2024, 0, 31, 17, 30, 0));
  });
});
