// Backslash escapes, shared by the top level and character classes. Everything that
// would need backtracking or more than one code point of context (\1, \k<n>, \p{..},
// \Z, \G) is rejected here with a reason, rather than silently taken as a literal,
// so a Sigma rule written for PCRE fails loudly at load time instead of never firing.

import { Assert, RegexSyntaxError } from './ast.js';
import { DIGIT, SPACE, WORD, negate, type CharSet } from './charset.js';
import { foldClose } from './casefold.js';

export type Escape =
  | { readonly kind: 'char'; readonly cp: number }
  | { readonly kind: 'set'; readonly set: CharSet }
  | { readonly kind: 'assert'; readonly assert: Assert };

export interface Cursor {
  readonly src: string;
  pos: number;
}

const CONTROL: Readonly<Record<string, number>> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d };

/** \d \w \s and negations. Folding happens before negation so (?i)\W excludes K and ſ too. */
function classEscape(letter: string, caseInsensitive: boolean): CharSet | undefined {
  const lower = letter.toLowerCase();
  let base: CharSet | undefined;
  if (lower === 'd') base = DIGIT;
  else if (lower === 's') base = SPACE;
  else if (lower === 'w') base = caseInsensitive ? foldClose(WORD) : WORD;
  if (base === undefined) return undefined;
  return letter === lower ? base : negate(base);
}

function hexRun(cur: Cursor, start: number, count: number): number {
  const digits = cur.src.slice(cur.pos, cur.pos + count);
  if (digits.length !== count || !/^[0-9a-fA-F]+$/.test(digits)) {
    throw new RegexSyntaxError(start, `expected ${count} hex digits`);
  }
  cur.pos += count;
  return parseInt(digits, 16);
}

/** \x{HHHHHH} / \u{HHHHHH}: the brace form used by RE2 and JS's u flag. */
function hexBraced(cur: Cursor, start: number): number {
  const close = cur.src.indexOf('}', cur.pos);
  const digits = close < 0 ? '' : cur.src.slice(cur.pos + 1, close);
  if (!/^[0-9a-fA-F]{1,6}$/.test(digits)) throw new RegexSyntaxError(start, 'invalid braced hex escape');
  const cp = parseInt(digits, 16);
  if (cp > 0x10ffff) throw new RegexSyntaxError(start, `code point ${digits} is beyond U+10FFFF`);
  cur.pos = close + 1;
  return cp;
}

function unicodeEscape(cur: Cursor, start: number): number {
  if (cur.src[cur.pos] === '{') return hexBraced(cur, start);
  const cp = hexRun(cur, start, 4);
  // A \uD83D\uDE00 pair denotes one code point (JS semantics), since we match code points.
  const next = cur.src.slice(cur.pos, cur.pos + 6);
  if (cp >= 0xd800 && cp <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(next)) {
    cur.pos += 6;
    return 0x10000 + ((cp - 0xd800) << 10) + (parseInt(next.slice(2), 16) - 0xdc00);
  }
  return cp;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  k: 'named backreferences (\\k<name>) are not supported',
  p: 'Unicode property classes (\\p{...}) are not supported',
  P: 'Unicode property classes (\\P{...}) are not supported',
  Z: '\\Z is not supported; use \\z or $',
  G: '\\G is not supported',
  Q: '\\Q...\\E quoting is not supported; escape characters individually',
  c: 'control escapes (\\cX) are not supported',
};

/** Parse one escape; cur.pos is just past the backslash at index `start`. */
export function parseEscape(cur: Cursor, start: number, inClass: boolean, caseInsensitive: boolean): Escape {
  const cp = cur.src.codePointAt(cur.pos);
  if (cp === undefined) throw new RegexSyntaxError(start, 'trailing backslash');
  const ch = String.fromCodePoint(cp);
  cur.pos += ch.length;
  if (ch >= '1' && ch <= '9') {
    throw new RegexSyntaxError(start, `backreferences (\\${ch}) are not supported`);
  }
  if (ch === '0') {
    if (/[0-9]/.test(cur.src[cur.pos] ?? '')) throw new RegexSyntaxError(start, 'octal escapes are not supported');
    return { kind: 'char', cp: 0 };
  }
  const control = CONTROL[ch];
  if (control !== undefined) return { kind: 'char', cp: control };
  const set = classEscape(ch, caseInsensitive);
  if (set !== undefined) return { kind: 'set', set };
  if (ch === 'x') {
    return { kind: 'char', cp: cur.src[cur.pos] === '{' ? hexBraced(cur, start) : hexRun(cur, start, 2) };
  }
  if (ch === 'u') return { kind: 'char', cp: unicodeEscape(cur, start) };
  if (ch === 'b' || ch === 'B' || ch === 'A' || ch === 'z') {
    if (inClass) throw new RegexSyntaxError(start, `\\${ch} is an assertion and is not allowed inside [...]`);
    const assert = { b: Assert.WordBoundary, B: Assert.NotWordBoundary, A: Assert.BeginText, z: Assert.EndText }[ch];
    return { kind: 'assert', assert };
  }
  const unsupported = UNSUPPORTED[ch];
  if (unsupported !== undefined) throw new RegexSyntaxError(start, unsupported);
  if (/^[A-Za-z0-9]$/.test(ch)) throw new RegexSyntaxError(start, `unknown escape \\${ch}`);
  // Any other character (\. \\ \/ \- \* \  and non-ASCII) stands for itself.
  return { kind: 'char', cp };
}
