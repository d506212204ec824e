// Recursive-descent parser: pattern text → Node (see ast.ts). The grammar is RE2's
// minus anything that needs backtracking; see index.ts for the user-facing summary.
//
// Flags follow RE2/Perl scoping: (?i) changes the flags of the enclosing group from
// that point on (across later | branches too), (?i:...) only inside its own group.

import { Assert, Limits, RegexSyntaxError, type Node } from './ast.js';
import { ANY, ANY_BUT_NEWLINE, normalize, single, type CharSet } from './charset.js';
import { caseVariants } from './casefold.js';
import { parseClass } from './parse-class.js';
import { parseEscape, type Cursor } from './escape.js';

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
}

/** Deep nesting would overflow the JS stack in this and every later recursive pass. */
const MAX_DEPTH = 200;

export function parsePattern(src: string, caseInsensitive: boolean): Node {
  if (src.length > Limits.maxPatternLength) {
    throw new RegexSyntaxError(Limits.maxPatternLength, `pattern is longer than ${Limits.maxPatternLength} characters`);
  }
  const cur: Cursor = { src, pos: 0 };
  const node = parseAlt(cur, { i: caseInsensitive, s: false, m: false }, 0);
  if (cur.pos < src.length) throw new RegexSyntaxError(cur.pos, 'unmatched )');
  return node;
}

function parseAlt(cur: Cursor, flags: Flags, depth: number): Node {
  const items = [parseCat(cur, flags, depth)];
  while (cur.src[cur.pos] === '|') {
    cur.pos++;
    items.push(parseCat(cur, flags, depth));
  }
  return items.length === 1 ? (items[0] ?? { kind: 'empty' }) : { kind: 'alt', items };
}

function parseCat(cur: Cursor, flags: Flags, depth: number): Node {
  const items: Node[] = [];
  for (;;) {
    const c = cur.src[cur.pos];
    if (c === undefined || c === '|' || c === ')') break;
    const start = cur.pos;
    if (c === '*' || c === '+' || c === '?' || (c === '{' && parseBraces(cur, start, false))) {
      throw new RegexSyntaxError(start, `nothing to repeat before '${c}'`);
    }
    const atom = parseAtom(cur, flags, depth);
    if (atom === undefined) continue; // a (?flags) group: changes flags, matches nothing
    items.push(parseQuantifiers(cur, atom, start));
  }
  if (items.length === 0) return { kind: 'empty' };
  return items.length === 1 ? (items[0] ?? { kind: 'empty' }) : { kind: 'cat', items };
}

// Sticky, so it reads only at cur.pos; no nested quantifiers, so it is linear itself.
const BRACES = /\{(\d*)(,(\d*))?\}/y;

/** {n}, {n,}, {n,m}; anything else starting with '{' is a literal brace (as in RE2). */
function parseBraces(cur: Cursor, start: number, consume: boolean): { min: number; max: number } | undefined {
  BRACES.lastIndex = cur.pos;
  const m = BRACES.exec(cur.src);
  if (!m) return undefined;
  const [whole, lo = '', comma, hi = ''] = m;
  if (lo === '') {
    if (comma !== undefined && hi !== '') throw new RegexSyntaxError(start, `{,${hi}} is ambiguous; write {0,${hi}}`);
    return undefined;
  }
  const min = Number(lo);
  const max = comma === undefined ? min : hi === '' ? -1 : Number(hi);
  for (const n of [min, max]) {
    if (n > Limits.maxRepeat) throw new RegexSyntaxError(start, `repetition count ${n} exceeds ${Limits.maxRepeat}`);
  }
  if (max !== -1 && max < min) throw new RegexSyntaxError(start, `invalid repetition {${min},${max}}: max < min`);
  if (consume) cur.pos += whole.length;
  return { min, max };
}

function parseQuantifiers(cur: Cursor, atom: Node, atomStart: number): Node {
  const start = cur.pos;
  const c = cur.src[cur.pos];
  let range: { min: number; max: number } | undefined;
  if (c === '*') range = { min: 0, max: -1 };
  else if (c === '+') range = { min: 1, max: -1 };
  else if (c === '?') range = { min: 0, max: 1 };
  else if (c === '{') range = parseBraces(cur, start, true);
  if (range === undefined) return atom;
  if (c !== '{') cur.pos++;
  // Laziness only changes which match is reported, never whether one exists.
  if (cur.src[cur.pos] === '?') cur.pos++;
  else if (cur.src[cur.pos] === '+') {
    throw new RegexSyntaxError(cur.pos, 'possessive quantifiers (*+, ++, ?+, {n}+) are not supported');
  }
  const next = cur.src[cur.pos];
  if (next === '*' || next === '+' || next === '?' || (next === '{' && parseBraces(cur, cur.pos, false))) {
    throw new RegexSyntaxError(cur.pos, 'a quantifier cannot follow another quantifier; wrap the atom in (?:...)');
  }
  return { kind: 'rep', body: atom, min: range.min, max: range.max, pos: atomStart };
}

function literal(cp: number, flags: Flags): Node {
  const set: CharSet = flags.i ? normalize(caseVariants(cp).flatMap((v) => [v, v])) : single(cp);
  return { kind: 'lit', cp, caseInsensitive: flags.i && set.length > 2, set };
}

function parseAtom(cur: Cursor, flags: Flags, depth: number): Node | undefined {
  const start = cur.pos;
  const cp = cur.src.codePointAt(start) ?? 0;
  const ch = String.fromCodePoint(cp);
  cur.pos += ch.length;
  switch (ch) {
    case '(':
      return parseGroup(cur, flags, start, depth + 1);
    case '[':
      return { kind: 'set', set: parseClass(cur, start, flags.i) };
    case '.':
      return { kind: 'set', set: flags.s ? ANY : ANY_BUT_NEWLINE };
    case '^':
      return { kind: 'assert', assert: flags.m ? Assert.BeginLine : Assert.BeginText };
    case '$':
      return { kind: 'assert', assert: flags.m ? Assert.EndLine : Assert.EndText };
    case '\\': {
      const e = parseEscape(cur, start, false, flags.i);
      if (e.kind === 'char') return literal(e.cp, flags);
      return e.kind === 'set' ? { kind: 'set', set: e.set } : { kind: 'assert', assert: e.assert };
    }
    default:
      return literal(cp, flags);
  }
}

const GROUP_ERRORS: ReadonlyArray<readonly [string, string]> = [
  ['?=', 'lookahead (?=...) is not supported'],
  ['?!', 'negative lookahead (?!...) is not supported'],
  ['?<=', 'lookbehind (?<=...) is not supported'],
  ['?<!', 'negative lookbehind (?<!...) is not supported'],
  ['?>', 'atomic groups (?>...) are not supported'],
  ['?P=', 'named backreferences (?P=name) are not supported'],
  ['?P>', 'recursion (?P>name) is not supported'],
  ['?#', 'comments (?#...) are not supported'],
  ['?R', 'recursion (?R) is not supported'],
];

/** cur.pos is just past '('. Returns undefined for a bare (?flags) group. */
function parseGroup(cur: Cursor, outer: Flags, start: number, depth: number): Node | undefined {
  if (depth > MAX_DEPTH) throw new RegexSyntaxError(start, `groups nested deeper than ${MAX_DEPTH}`);
  const rest = cur.src.slice(cur.pos, cur.pos + 3);
  for (const [prefix, reason] of GROUP_ERRORS) {
    if (rest.startsWith(prefix)) throw new RegexSyntaxError(start, reason);
  }
  let flags: Flags = { ...outer };
  if (rest.startsWith('?')) {
    const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(cur.src.slice(cur.pos, cur.pos + 260));
    if (named) {
      cur.pos += named[0].length; // names are accepted and ignored: the engine only answers yes/no
    } else if (rest.startsWith('?P<') || rest.startsWith('?<')) {
      throw new RegexSyntaxError(start, 'invalid group name');
    } else {
      flags = parseFlags(cur, start, outer);
      if (cur.src[cur.pos] === ')') {
        cur.pos++;
        Object.assign(outer, flags); // (?i) alone: applies to the rest of the enclosing group
        return undefined;
      }
      cur.pos++; // the ':' of (?flags:...)
    }
  }
  const body = parseAlt(cur, flags, depth);
  if (cur.src[cur.pos] !== ')') throw new RegexSyntaxError(start, 'missing ) for this group');
  cur.pos++;
  return body;
}

/** cur.pos is at '?'. Accepts i, s, m, U (U = ungreedy, a no-op for yes/no matching), '-' negates. */
function parseFlags(cur: Cursor, start: number, outer: Flags): Flags {
  const flags = { ...outer };
  let on = true;
  let seen = false;
  for (cur.pos++; cur.pos < cur.src.length; cur.pos++) {
    const c = cur.src[cur.pos];
    if (c === ')' || c === ':') {
      if (!seen && (c === ')' || !on)) throw new RegexSyntaxError(start, 'empty flag group');
      if (!on && cur.src[cur.pos - 1] === '-') throw new RegexSyntaxError(start, 'dangling - in flag group');
      return flags;
    }
    if (c === '-' && on) on = false;
    else if (c === 'i' || c === 's' || c === 'm') {
      flags[c] = on;
      seen = true;
    } else if (c === 'U') seen = true;
    else throw new RegexSyntaxError(cur.pos, `unknown group syntax or flag '${c ?? ''}' after (?`);
  }
  throw new RegexSyntaxError(start, 'missing ) for this group');
}
