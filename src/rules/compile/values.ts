/**
 * Value semantics shared by both backends: how an event value is read as
 * text, as a number, as a time. The generated code receives these functions
 * as constants (it never re-implements them), and every one of them answers
 * `undefined` or `false` instead of throwing on odd input.
 */

/** Numeric strings carry at most this many digits: beyond it a double loses integer precision, and ids that differ in the last digit would compare equal. */
const MAX_NUMERIC_DIGITS = 15;

/**
 * `"-12"`, `"3.5"` → number; anything else (exponents, hex, spaces, `+`,
 * a leading or trailing dot, more than 15 digits) → undefined.
 */
export function numericString(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > MAX_NUMERIC_DIGITS + 2) return undefined;
  let i = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
  let digits = 0;
  let dot = false;
  let lastWasDigit = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      lastWasDigit = true;
    } else if (c === 46 && !dot && lastWasDigit) {
      dot = true;
      lastWasDigit = false;
    } else {
      return undefined;
    }
  }
  return lastWasDigit && digits <= MAX_NUMERIC_DIGITS ? Number(s) : undefined;
}

/** A number, or a numeric string read as one; NaN and everything else → undefined. */
export function num(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isNaN(x) ? undefined : x;
  return typeof x === 'string' ? numericString(x) : undefined;
}

/** The text string operators look at: strings, and numbers and booleans in their JSON form. */
export function str(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  return undefined;
}

// Fixed pattern (not rule-supplied), no nested quantifiers: linear on any input.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-](\d{2}):?(\d{2}))?)?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * An ISO-8601 date or date-time → epoch ms. A date alone, or a time without
 * an offset, is UTC (never the machine's zone, so results do not depend on
 * where Sift runs). Fields are range-checked before Date.parse sees them:
 * it rolls impossible dates over (2024-02-30 is March 1st, 24:00 the next
 * day), and such a value must be a load error in a rule and no date in an
 * event, not a different instant.
 */
export function epochOf(s: string): number | undefined {
  if (s.length > 40) return undefined;
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const [, year = '', month = '', day = '', hour, minute, second = '00', fraction = '', zone, zoneHour, zoneMinute] = m;
  const mo = Number(month);
  if (mo < 1 || mo > 12 || Number(day) < 1 || Number(day) > daysIn(Number(year), mo)) return undefined;
  if (Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second) > 59) return undefined;
  if (zoneHour !== undefined && (Number(zoneHour) > 23 || Number(zoneMinute ?? 0) > 59)) return undefined;
  const offset = zone === undefined || zoneHour === undefined ? 'Z' : `${zone.charAt(0)}${zoneHour}:${zoneMinute ?? '00'}`;
  const time = hour === undefined ? '00:00:00' : `${hour}:${minute ?? '00'}:${second}${fraction}`;
  const ms = Date.parse(`${year}-${month}-${day}T${time}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Event time of a value for date comparisons: ISO strings only. */
export function time(x: unknown): number | undefined {
  return typeof x === 'string' ? epochOf(x) : undefined;
}

/** The field has a value: not absent, not null, and (for arrays) some element is not null. */
export function has(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (!Array.isArray(v)) return true;
  for (const x of v) if (x !== null && x !== undefined) return true;
  return false;
}

/** ECS arrays: a test holds for an array when it holds for any element. */
export function any(v: unknown, test: (x: unknown) => boolean): boolean {
  if (!Array.isArray(v)) return test(v);
  for (const x of v) if (test(x)) return true;
  return false;
}

export function someIncludes(s: string, needles: readonly string[]): boolean {
  for (const n of needles) if (s.includes(n)) return true;
  return false;
}

export function someStarts(s: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (s.startsWith(p)) return true;
  return false;
}

export function someEnds(s: string, suffixes: readonly string[]): boolean {
  for (const p of suffixes) if (s.endsWith(p)) return true;
  return false;
}

/** An e-mail's domain: the text after the last `@`; undefined without one or when nothing follows it. */
export function domainOf(s: string): string | undefined {
  const at = s.lastIndexOf('@');
  return at < 0 || at === s.length - 1 ? undefined : s.slice(at + 1);
}

/**
 * A field value under `|domain`: each element's domain (elements without one
 * dropped; an array with none left is no value), a scalar's, or undefined.
 */
export function domains(v: unknown): unknown {
  if (!Array.isArray(v)) {
    const s = str(v);
    return s === undefined ? undefined : domainOf(s);
  }
  let out: string[] | undefined;
  for (const x of v) {
    const s = str(x);
    const d = s === undefined ? undefined : domainOf(s);
    if (d !== undefined) (out ??= []).push(d);
  }
  return out;
}

const sizeOf = (v: unknown): number => (Array.isArray(v) ? v.length : 1);

function textAt(v: unknown, i: number, cased: boolean): string | undefined {
  const s = str(Array.isArray(v) ? (v as unknown[])[i] : v);
  return s === undefined || cased ? s : s.toLowerCase();
}

/**
 * A field-to-field test without allocating arrays (generated code's helper;
 * the interpreter has its own plain version): `pair(x, y)` over the texts of
 * `a` and `b`. Not negated: some pair holds. Negated (neq): `b` has a text and
 * some text of `a` holds with none of them.
 */
export function compareFields(a: unknown, b: unknown, cased: boolean, pair: (x: string, y: string) => boolean, negate: boolean): boolean {
  const na = sizeOf(a);
  const nb = sizeOf(b);
  for (let i = 0; i < na; i++) {
    const x = textAt(a, i, cased);
    if (x === undefined) continue;
    let hit = false;
    let other = false;
    for (let j = 0; j < nb && !hit; j++) {
      const y = textAt(b, j, cased);
      if (y === undefined) continue;
      other = true;
      hit = pair(x, y);
    }
    if (negate ? other && !hit : hit) return true;
  }
  return false;
}

/** A plain object (an element `|any` may look into). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** `field|any`: `test` holds for the object, or for one object element of the list. */
export function anyObject<R>(v: unknown, test: (x: Record<string, unknown>, root: R) => boolean, root: R): boolean {
  if (!Array.isArray(v)) return isRecord(v) && test(v, root);
  for (const x of v) if (isRecord(x) && test(x, root)) return true;
  return false;
}
