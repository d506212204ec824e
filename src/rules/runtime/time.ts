/**
 * Event time of an ECS event, in epoch ms. Every event of a dataset that a
 * stateful rule watches is timed (the watermark needs it), so the common
 * shape gets a fast path: Sift's normalizers write `@timestamp` as
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, which is read here by arithmetic; Date.parse
 * costs several times more. Other RFC 3339 shapes (any fraction, an offset,
 * a space for T, no zone = UTC: what the ingest timestamp reader accepts, for
 * rule tests' hand-written `ecs:` events) take a second arithmetic path.
 * Nothing goes to Date.parse: it rolls impossible dates over (2024-02-30 is
 * March 1st, 24:00:00 the next day), and a wrong time silently lands an event
 * in the wrong window; here it is NaN, an event with no usable time.
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

/** Epoch ms of `YYYY-MM-DD?HH:mm:ss` at the start of `s`, or NaN when a field is not a real date or time of day. */
function fieldsToMs(s: string): number {
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthDays(year, month)) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` → epoch ms, or NaN when `s` is not exactly that shape and valid. */
export function parseCanonicalIso(s: string): number {
  if (s.length !== 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return NaN;
  const ms = digits(s, 20, 3);
  // NaN from an impossible date or time carries through the sum.
  return ms < 0 ? NaN : fieldsToMs(s) + ms;
}

/**
 * `YYYY-MM-DD[Tt ]HH:mm:ss[.f{1,9}][Z|z|±HH:mm|±HHmm]` → epoch ms (fraction
 * truncated to ms, no zone = UTC), or NaN. The same grammar as the ingest
 * timestamp reader, so what a normalizer accepts is what windows can place.
 */
export function parseRfc3339(s: string): number {
  const n = s.length;
  if (n < 19 || n > 40) return NaN;
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 116 && sep !== 32)) return NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  let ms = fieldsToMs(s);
  if (Number.isNaN(ms)) return NaN;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 9) return NaN;
    const frac = s.slice(start, Math.min(i, start + 3)).padEnd(3, '0');
    ms += Number(frac);
  }
  if (i === n) return ms;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) return i === n - 1 ? ms : NaN;
  if (z !== 43 && z !== 45) return NaN;
  const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
  if (n !== i + 5 + colon) return NaN;
  const oh = digits(s, i + 1, 2);
  const om = digits(s, i + 3 + colon, 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  const offset = (oh * 60 + om) * 60_000;
  return z === 43 ? ms - offset : ms + offset;
}

export function eventTime(event: EcsEvent): number {
  const ts = event['@timestamp'];
  if (typeof ts !== 'string') return NaN;
  const fast = parseCanonicalIso(ts);
  return Number.isNaN(fast) ? parseRfc3339(ts) : fast;
}
