/**
 * Vendor timestamps → ISO 8601 UTC with milliseconds, the form ES and Kibana
 * expect. `referenceIsoTimestamp` defines the semantics (RFC 3339; a
 * timestamp with no zone is read as UTC, as Panther and several vendor
 * exports write them; anything else, including an impossible calendar date
 * or time of day, is undefined, and the caller reports it: never a fall back
 * to the clock, never a date rolled over into the next month). `isoTimestamp` gives exactly the same
 * results, with two allocation-light paths in front for the shapes vendors
 * actually send: a Date plus toISOString() costs about a microsecond, more
 * than the rest of a small event's normalization. Tests check the fast paths
 * against the reference on tens of thousands of valid and invalid texts.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):?(\d{2}))?$/i;

/**
 * An RFC 3339 timestamp → ISO 8601 UTC (what ES and Kibana expect). A
 * timestamp with no zone is read as UTC: that is how Panther and several
 * vendor exports write them ("2022-03-22 14:21:53.225"). Anything else is
 * undefined: the caller reports it, it never falls back to the clock.
 *
 * Every field is range-checked against the calendar first: Date.parse rolls
 * an impossible date over (2024-02-30 becomes March 1st, 24:00:00 the next
 * day), which would index a wrong time instead of dead-lettering a bad one.
 * RFC 3339 hours are 00-23, so 24:00:00 is refused; so is a leap second
 * (:60), which a JS Date cannot hold.
 */
export function referenceIsoTimestamp(v: string): string | undefined {
  const m = TIMESTAMP.exec(v);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone, zoneHour, zoneMinute] = m;
  const mo = Number(month);
  if (mo < 1 || mo > 12 || Number(day) < 1 || Number(day) > daysInMonth(Number(year), mo)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (zoneHour !== undefined && (Number(zoneHour) > 23 || Number(zoneMinute) > 59)) return undefined;
  // Every field is valid now, so Date.parse only does the arithmetic.
  const offset = zone === undefined || zoneHour === undefined ? 'Z' : `${zone.charAt(0)}${zoneHour}:${zoneMinute ?? '00'}`;
  const ms = Date.parse(`${year ?? ''}-${month ?? ''}-${day ?? ''}T${hour ?? ''}:${minute ?? ''}:${second ?? ''}${fraction ?? ''}${offset}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const TWO = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${String(i)}` : String(i)));

/** The 2-digit number at `i`, or -1 when those are not two ASCII digits. */
function two(v: string, i: number): number {
  const a = v.charCodeAt(i) - 48;
  const b = v.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DD?hh:mm:ss` at the start of `v`, "T" (or also " " when `space`) at 10, every field in range. */
function validDateTime(v: string, space: boolean): boolean {
  const sep = v.charCodeAt(10);
  if (sep !== 0x54 && !(space && sep === 0x20)) return false;
  const century = two(v, 0);
  const yy = two(v, 2);
  const month = two(v, 5);
  const day = two(v, 8);
  const hour = two(v, 11);
  const minute = two(v, 14);
  const second = two(v, 17);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (v.charCodeAt(4) !== 0x2d || v.charCodeAt(7) !== 0x2d || v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a) return false;
  return day <= daysInMonth(century * 100 + yy, month);
}

function threeDigits(v: string, i: number): boolean {
  for (let k = i; k < i + 3; k++) {
    const c = v.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Fast path 1, exact for every valid date: `2024-06-07T10:00:00Z`,
 * `2024-06-07T10:00:00.123Z` and the zone-less (UTC) `2024-06-07 10:00:00`
 * and `2024-06-07 10:00:00.123` (also with "T").
 */
function fixedShapes(v: string): string | undefined {
  switch (v.length) {
    case 20:
      if (v.charCodeAt(19) === 0x5a && validDateTime(v, false)) return `${v.slice(0, 19)}.000Z`;
      break;
    case 24:
      if (v.charCodeAt(23) === 0x5a && v.charCodeAt(19) === 0x2e && threeDigits(v, 20) && validDateTime(v, false)) return v;
      break;
    case 19:
      if (validDateTime(v, true)) return `${v.slice(0, 10)}T${v.slice(11)}.000Z`;
      break;
    case 23:
      if (v.charCodeAt(19) === 0x2e && threeDigits(v, 20) && validDateTime(v, true)) return `${v.slice(0, 10)}T${v.slice(11)}Z`;
      break;
    default:
      break;
  }
  return undefined;
}

/** The last epoch millisecond of year 9999: beyond it toISOString() writes six-digit years. */
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const DAY_MS = 86_400_000;

/**
 * `new Date(ms).toISOString()` for an integer `ms` (callers truncate or
 * floor first). Years 1970–9999 are formatted by hand (civil-from-days,
 * proleptic Gregorian); anything else goes to Date.
 */
export function isoFromIntegerMs(ms: number): string {
  if (!(ms >= 0 && ms <= MAX_FOUR_DIGIT_YEAR_MS)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  const y = TWO[Math.floor(year / 100)] as string;
  const yy = TWO[year % 100] as string;
  const mmm = milli < 10 ? `00${String(milli)}` : milli < 100 ? `0${String(milli)}` : String(milli);
  return `${y}${yy}-${TWO[month] as string}-${TWO[day] as string}T${TWO[hour] as string}:${TWO[minute] as string}:${TWO[second] as string}.${mmm}Z`;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (civil-to-days, the inverse of isoFromIntegerMs's). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Where the zone starts in `v`: at its `Z`, at the sign of a `±hh:mm` or
 * `±hhmm` offset, or `v.length` when there is none (UTC). A number, not an
 * object: this runs for most events.
 */
function zoneStart(v: string): number {
  const n = v.length;
  if (v.charCodeAt(n - 1) === 0x5a /* Z */) return n - 1;
  const at = v.charCodeAt(n - 3) === 0x3a ? n - 6 : n - 5;
  const sign = v.charCodeAt(at);
  // Past the seconds (index 19) only: a "-" before that is the date's.
  return at >= 19 && (sign === 0x2b /* + */ || sign === 0x2d) /* - */ ? at : n;
}

/** The offset starting at `at` (a sign, see zoneStart) in minutes east of UTC, or undefined when out of range. */
function offsetMinutes(v: string, at: number): number | undefined {
  const hours = two(v, at + 1);
  const minutes = two(v, v.length - at === 6 ? at + 4 : at + 3);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  return (v.charCodeAt(at) === 0x2d ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Fast path 2: `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±hh:mm|±hhmm]` with every
 * field valid (the calendar included), else undefined. Without an offset
 * the text is rearranged; with one, the instant is worked out in integers.
 */
function fastUtc(v: string): string | undefined {
  const end = zoneStart(v);
  if (end !== 19 && (end < 21 || end > 29 || v.charCodeAt(19) !== 0x2e /* . */)) return undefined;
  const sep = v.charCodeAt(10);
  if (v.charCodeAt(4) !== 0x2d || v.charCodeAt(7) !== 0x2d || (sep !== 0x54 /* T */ && sep !== 0x20) || v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a) {
    return undefined;
  }
  const century = two(v, 0);
  const yy = two(v, 2);
  if (century < 0 || yy < 0) return undefined;
  const month = two(v, 5);
  const day = two(v, 8);
  const hour = two(v, 11);
  const minute = two(v, 14);
  const second = two(v, 17);
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const year = century * 100 + yy;
  if (day > daysInMonth(year, month)) return undefined;
  for (let i = 20; i < end; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  // Date.parse keeps the first three fraction digits: so does this.
  const fraction = end === 19 ? '000' : v.slice(20, Math.min(end, 23)).padEnd(3, '0');
  const offset = end < v.length - 1 ? offsetMinutes(v, end) : 0;
  if (offset === undefined) return undefined;
  if (offset === 0) return `${v.slice(0, 10)}T${v.slice(11, 19)}.${fraction}Z`;
  const local = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + Number(fraction);
  return isoFromIntegerMs(local - offset * 60_000);
}

/** An RFC 3339 timestamp as ISO 8601 UTC with milliseconds, or undefined. */
export function isoTimestamp(v: string): string | undefined {
  return fixedShapes(v) ?? fastUtc(v) ?? referenceIsoTimestamp(v);
}
