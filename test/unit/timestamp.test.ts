import { describe, expect, it } from 'vitest';
import { isoFromIntegerMs, isoTimestamp, referenceIsoTimestamp } from '../../src/ingest/normalize/timestamp.js';

describe('timestamps: the fast paths equal the reference reader and Date', () => {
  it('isoTimestamp equals referenceIsoTimestamp on fixed-shape texts, valid, invalid and out of range', () => {
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    const samples = [
      '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2021-02-30T01:02:03Z', '2024-06-07T24:00:00Z', '2024-06-07T10:00:60Z',
      '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2022-03-22 14:21:53.225', '2022-03-22T14:21:53', '2022-03-22 14:21:53',
      '2022-03-22t14:21:53Z', '2022-03-22T14:21:53z', '2022-03-22T14:21:53.12Z', '2022-03-22T14:21:53.123456Z', '2022-03-22T14:21:53+02:00',
      '2022-13-22T14:21:53Z', '2022-00-10T14:21:53Z', '2022-1a-10T14:21:53Z', '', 'x'.repeat(20), 'x'.repeat(24),
    ];
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 20000; i++) {
      const base = `${pad(rand(10000), 4)}-${pad(rand(14), 2)}-${pad(rand(33), 2)}${'T T'[rand(3)] ?? 'T'}${pad(rand(26), 2)}:${pad(rand(62), 2)}:${pad(rand(62), 2)}`;
      samples.push(`${base}Z`, `${base}.${pad(rand(1000), 3)}Z`, base, `${base}.${pad(rand(1000), 3)}`);
    }
    for (const v of samples) expect(isoTimestamp(v), v).toBe(referenceIsoTimestamp(v));
  });

  it('isoFromIntegerMs equals Date#toISOString', () => {
    const samples = [0, -0, 1, 86_399_999, 86_400_000, 951_782_400_000, 4_107_542_399_999, 253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001, 8.64e15];
    let seed = 11;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      samples.push(Math.floor((seed / 2147483648) * 253_402_300_800_000), Math.floor((seed / 2147483648) * 4e12));
    }
    for (const ms of samples) expect(isoFromIntegerMs(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('isoTimestamp equals referenceIsoTimestamp on texts with 1–9 fraction digits, any separator and zone', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pad = (x: number, w: number): string => String(x).padStart(w, '0');
    const samples = [
      '2021-04-23T14:47:07.535383Z', '2024-11-19T00:49:55.293368631Z', '2020-10-02T15:00:00Z', '2021-06-08 22:16:15',
      '2022-12-11 12:34:56.123456789', '2020-02-29T00:00:00Z', '2019-02-29T00:00:00Z', '2021-01-01T24:00:00Z',
      '2021-01-01T00:00:00.1234567891Z', '2021-01-01T00:00:00.Z', '2021-01-01t00:00:00z', '2021-01-01T00:00:00+02:00', '', 'Z',
    ];
    for (let i = 0; i < 20_000; i++) {
      let s = `${pad(rand(10000), 4)}-${pad(rand(14), 2)}-${pad(rand(33), 2)}${['T', ' ', 't', 'x'][rand(4)] ?? 'T'}`;
      s += `${pad(rand(26), 2)}:${pad(rand(62), 2)}:${pad(rand(62), 2)}`;
      const digits = rand(12);
      if (digits > 0 && digits < 11) s += `.${pad(rand(1e9), 9).slice(0, digits)}`;
      if (digits === 11) s += '.';
      s += ['Z', '', 'z', '+01:00', '-0530', ' '][rand(6)] ?? '';
      if (rand(20) === 0) s = s.slice(0, rand(s.length));
      samples.push(s);
    }
    for (const s of samples) expect(isoTimestamp(s), s).toBe(referenceIsoTimestamp(s));
  });
});

// Hand-written cases (not the reader's own output): an invalid calendar date
// or time of day is a bad timestamp in every shape the reader accepts. Date.parse
// used to roll them over (2024-02-30 → March 1st).
describe('timestamps: invalid calendar dates and times are refused in every accepted shape', () => {
  const BAD_DATES = ['2024-02-30', '2023-02-29', '1900-02-29', '2100-02-29', '2024-04-31', '2024-06-31', '2024-09-31', '2024-11-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-01-32'];
  const BAD_TIMES = ['24:00:00', '23:60:00', '23:59:60', '25:00:00'];
  const SHAPES: ReadonlyArray<(date: string, time: string) => string> = [
    (d, t) => `${d}T${t}Z`,
    (d, t) => `${d}T${t}.123Z`,
    (d, t) => `${d}T${t}.1Z`,
    (d, t) => `${d}T${t}.123456789Z`,
    (d, t) => `${d}T${t}`,
    (d, t) => `${d} ${t}`,
    (d, t) => `${d} ${t}.5`,
    (d, t) => `${d} ${t}.123`,
    (d, t) => `${d}t${t}z`,
    (d, t) => `${d}T${t}+02:00`,
    (d, t) => `${d}T${t}-0530`,
    (d, t) => `${d}T${t}.123456+00:00`,
    (d, t) => `${d} ${t}-00:00`,
  ];

  it('refuses impossible dates (Feb 30, Feb 29 of common years, Apr 31, month 13, day 0 or 32)', () => {
    for (const shape of SHAPES) {
      for (const d of BAD_DATES) {
        const v = shape(d, '10:00:00');
        expect(isoTimestamp(v), v).toBeUndefined();
        expect(referenceIsoTimestamp(v), v).toBeUndefined();
      }
    }
  });

  it('refuses impossible times of day (RFC 3339 hours are 00-23; 24:00:00 and leap second 60 are refused too)', () => {
    for (const shape of SHAPES) {
      for (const t of BAD_TIMES) {
        const v = shape('2024-06-07', t);
        expect(isoTimestamp(v), v).toBeUndefined();
        expect(referenceIsoTimestamp(v), v).toBeUndefined();
      }
    }
  });

  it('refuses impossible zone offsets', () => {
    for (const v of ['2024-06-07T10:00:00+24:00', '2024-06-07T10:00:00+23:60', '2024-06-07T10:00:00-9900', '2024-06-07T10:00:00.5+02:61']) {
      expect(isoTimestamp(v), v).toBeUndefined();
    }
  });

  it('keeps the valid edges of the calendar, with the instants worked out by hand', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
      ['2000-02-29T12:00:00.5+02:00', '2000-02-29T10:00:00.500Z'],
      ['2024-03-01T01:00:00+02:00', '2024-02-29T23:00:00.000Z'],
      ['2024-12-31T23:59:59.999999999Z', '2024-12-31T23:59:59.999Z'],
      ['2024-04-30 23:59:59', '2024-04-30T23:59:59.000Z'],
      ['2024-01-31T22:00:00-05:00', '2024-02-01T03:00:00.000Z'],
      ['2023-02-28T23:30:00-0100', '2023-03-01T00:30:00.000Z'],
      ['2021-06-08T22:16:15.123+23:59', '2021-06-07T22:17:15.123Z'],
      ['2024-06-30T23:59:59.1234Z', '2024-06-30T23:59:59.123Z'],
      ['2024-11-30t00:00:00z', '2024-11-30T00:00:00.000Z'],
      // Offsets that carry the instant out of the four-digit years, and a zero offset after nine fraction digits.
      ['0000-01-01T00:30:00+01:00', '-000001-12-31T23:30:00.000Z'],
      ['9999-12-31T23:59:59.999-00:01', '+010000-01-01T00:00:59.999Z'],
      ['2024-02-29 23:59:59.999999999+0000', '2024-02-29T23:59:59.999Z'],
      ['2023-02-29 23:59:59.999999999+0000', ''],
    ];
    for (const [v, want] of cases) {
      // '' marks a text both must refuse.
      expect(isoTimestamp(v), v).toBe(want === '' ? undefined : want);
      expect(referenceIsoTimestamp(v), v).toBe(want === '' ? undefined : want);
    }
  });
});
