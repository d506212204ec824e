/**
 * Event time of an ECS event, in epoch ms. Every event of a dataset that a
 * stateful rule watches is timed (the watermark needs it), so the common
 * shape gets a fast path: Sift's normalizers write `@timestamp` as
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, which is read here by arithmetic; Date.parse
 * costs several times more. Anything else goes to Date.parse (NaN if invalid).
 */
import type { EcsEvent } from '../../ecs/index.js';

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (March-based years, so leap days fall last). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function monthDays(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` → epoch ms, or NaN when `s` is not exactly that shape and valid. */
export function parseCanonicalIso(s: string): number {
  if (s.length !== 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthDays(year, month)) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
}

export function eventTime(event: EcsEvent): number {
  const ts = event['@timestamp'];
  if (typeof ts !== 'string') return NaN;
  const fast = parseCanonicalIso(ts);
  return Number.isNaN(fast) ? Date.parse(ts) : fast;
}
