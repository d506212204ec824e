import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCanonicalIso } from '../../../src/rules/runtime/time.js';

describe('event time', () => {
  it('reads canonical ISO timestamps exactly as Date.parse does (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(0, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseCanonicalIso(iso)).toBe(ms);
      }),
      { numRuns: 5000 },
    );
  });

  it('answers NaN for anything else, so the caller falls back to Date.parse', () => {
    for (const s of [
      '2026-02-29T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T00:60:00.000Z',
      '2026-01-01 00:00:00.000Z',
      '2026-01-01T00:00:00.000+',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.0a0Z',
      '',
    ]) {
      expect(parseCanonicalIso(s), s).toBeNaN();
    }
    expect(parseCanonicalIso('2024-02-29T23:59:59.999Z')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
    expect(parseCanonicalIso('2000-02-29T00:00:00.000Z')).toBe(Date.parse('2000-02-29T00:00:00.000Z'));
    expect(parseCanonicalIso('1900-02-29T00:00:00.000Z')).toBeNaN();
  });
});
