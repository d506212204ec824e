// Code-point sets as sorted range lists. Every character class, literal and `.` is
// reduced to one of these before NFA construction, so the matcher only ever asks
// "is this code point in this set".
//
// Representation: a flat readonly array [lo0, hi0, lo1, hi1, ...] with inclusive
// bounds, sorted, non-overlapping and non-adjacent (normalized). Keeping it flat
// and normalized makes equality, negation and binary search trivial.

export type CharSet = readonly number[];

export const MAX_CODE_POINT = 0x10ffff;

/** Merge arbitrary (lo, hi) pairs into normalized form. */
export function normalize(pairs: readonly number[]): CharSet {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    spans.push([pairs[i] ?? 0, pairs[i + 1] ?? 0]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of spans) {
    const last = out.length - 1;
    // hi + 1 so adjacent ranges ([a-c][d-f]) merge too: keeps the form canonical.
    if (out.length > 0 && lo <= (out[last] ?? 0) + 1) {
      out[last] = Math.max(out[last] ?? 0, hi);
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

export function union(a: CharSet, b: CharSet): CharSet {
  return normalize([...a, ...b]);
}

export function negate(set: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i] ?? 0;
    const hi = set[i + 1] ?? 0;
    if (lo > next) out.push(next, lo - 1);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

/** Binary search over the ranges: O(log ranges). */
export function contains(set: CharSet, cp: number): boolean {
  let lo = 0;
  let hi = (set.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < (set[mid * 2] ?? 0)) hi = mid - 1;
    else if (cp > (set[mid * 2 + 1] ?? 0)) lo = mid + 1;
    else return true;
  }
  return false;
}

export function single(cp: number): CharSet {
  return [cp, cp];
}

// Predefined classes. \d and \w are ASCII-only (RE2, JS and PCRE agree on that);
// \s follows JS's Unicode whitespace set, a superset of RE2's [\t\n\f\r ], so a
// no-break space (U+00A0) or ideographic space cannot be used to dodge `\s`.
export const DIGIT: CharSet = [0x30, 0x39];
export const WORD: CharSet = normalize([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
export const SPACE: CharSet = normalize([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a,
  0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]);
export const ANY: CharSet = [0, MAX_CODE_POINT];
/** `.` without (?s): everything but \n, as in RE2 (JS also excludes \r, U+2028/9). */
export const ANY_BUT_NEWLINE: CharSet = [0, 0x09, 0x0b, MAX_CODE_POINT];

/** Word characters for \b / \B: ASCII, independent of case folding. */
export function isWordChar(cp: number): boolean {
  return (
    (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || (cp >= 0x61 && cp <= 0x7a)
  );
}
