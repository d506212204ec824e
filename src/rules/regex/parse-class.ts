// Bracket expressions [...] and [^...]. A leading ']' is a literal (RE2/POSIX), '-'
// is literal at either end, and \d \w \s (and negations) may appear inside.
// Case folding is applied to the union before negation: (?i)[^a] must reject 'A'.

import { RegexSyntaxError } from './ast.js';
import { negate, normalize, type CharSet } from './charset.js';
import { foldClose } from './casefold.js';
import { parseEscape, type Cursor } from './escape.js';

type ClassAtom = { readonly kind: 'char'; readonly cp: number } | { readonly kind: 'set'; readonly set: CharSet };

function readAtom(cur: Cursor, caseInsensitive: boolean): ClassAtom {
  const start = cur.pos;
  const cp = cur.src.codePointAt(start);
  if (cp === undefined) throw new RegexSyntaxError(start, 'missing ] at end of pattern');
  if (cp === 0x5c /* \ */) {
    cur.pos++;
    const e = parseEscape(cur, start, true, caseInsensitive);
    if (e.kind === 'assert') throw new RegexSyntaxError(start, 'assertion inside [...]');
    return e;
  }
  if (cp === 0x5b /* [ */ && cur.src[start + 1] === ':') {
    throw new RegexSyntaxError(start, 'POSIX classes like [:alpha:] are not supported; use \\d, \\w, \\s or ranges');
  }
  cur.pos += cp > 0xffff ? 2 : 1;
  return { kind: 'char', cp };
}

/** cur.pos is just past '[' (at index `start`); returns the resolved set. */
export function parseClass(cur: Cursor, start: number, caseInsensitive: boolean): CharSet {
  const negated = cur.src[cur.pos] === '^';
  if (negated) cur.pos++;
  const pairs: number[] = [];
  let first = true;
  for (;;) {
    const c = cur.src[cur.pos];
    if (c === undefined) throw new RegexSyntaxError(start, 'missing ] for this character class');
    if (c === ']' && !first) {
      cur.pos++;
      break;
    }
    first = false;
    const atomStart = cur.pos;
    const lo = readAtom(cur, caseInsensitive);
    const isRange = cur.src[cur.pos] === '-' && cur.src[cur.pos + 1] !== ']' && cur.pos + 1 < cur.src.length;
    if (!isRange) {
      if (lo.kind === 'set') pairs.push(...lo.set);
      else pairs.push(lo.cp, lo.cp);
      continue;
    }
    cur.pos++; // the '-'
    const hi = readAtom(cur, caseInsensitive);
    if (lo.kind === 'set' || hi.kind === 'set') {
      throw new RegexSyntaxError(atomStart, 'a class escape (\\d, \\w, \\s) cannot be a range endpoint');
    }
    if (hi.cp < lo.cp) throw new RegexSyntaxError(atomStart, 'range out of order (end is below start)');
    pairs.push(lo.cp, hi.cp);
  }
  let set = normalize(pairs);
  if (caseInsensitive) set = foldClose(set);
  return negated ? negate(set) : set;
}
