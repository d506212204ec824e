// NFA simulation core (Thompson/Pike without captures): advance a SET of program
// counters over one code point. Each pc is visited at most once per position, so
// one position costs O(program size) whatever the pattern: this is the linear-time
// guarantee. The lazy DFA (dfa.ts) only caches the results of `advance`.
//
// Code points are grouped into equivalence classes ("character classes" of the
// alphabet partition): two code points in the same class are in exactly the same
// sets, and have the same kind for assertions (edge/newline/word/other), so the
// DFA can key its transitions by class instead of by code point.

import { Assert } from './ast.js';
import { MAX_CODE_POINT, WORD, contains, isWordChar } from './charset.js';
import { Op, type Program } from './nfa.js';

/** What sits on one side of a position, for ^ $ \b \B. Edge = before start / after end. */
export const Kind = { Edge: 0, Newline: 1, Word: 2, Other: 3 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const MATCHED = -1;

export interface Machine {
  readonly prog: Program;
  /** Sorted starts of the alphabet classes; class c = [bounds[c], bounds[c+1]). */
  readonly bounds: Int32Array;
  readonly ascii: Int32Array;
  readonly kindOf: Uint8Array;
  /** member[set * width + class] = 1 if the class is in the set; absent when too large to precompute. */
  readonly member: Uint8Array | undefined;
  // Scratch buffers, reused across calls so a position allocates nothing.
  readonly stack: Int32Array;
  readonly chars: Int32Array;
  readonly seen: Uint32Array;
  gen: number;
  /** Work counter for the linearity tests: one per pc visited. */
  steps: number;
}

export function createMachine(prog: Program): Machine {
  const points = new Set<number>([0, 0x0a, 0x0b]);
  for (let i = 0; i < WORD.length; i += 2) points.add(WORD[i] ?? 0).add((WORD[i + 1] ?? 0) + 1);
  for (const set of prog.sets) {
    for (let i = 0; i < set.length; i += 2) points.add(set[i] ?? 0).add((set[i + 1] ?? 0) + 1);
  }
  const bounds = Int32Array.from([...points].filter((p) => p <= MAX_CODE_POINT).sort((a, b) => a - b));
  const kindOf = Uint8Array.from(bounds, (cp) => (cp === 0x0a ? Kind.Newline : isWordChar(cp) ? Kind.Word : Kind.Other));
  const n = prog.op.length;
  const m: Machine = {
    prog,
    bounds,
    ascii: new Int32Array(128),
    kindOf,
    member: membership(prog.sets, bounds),
    stack: new Int32Array(3 * n + 4),
    chars: new Int32Array(n),
    seen: new Uint32Array(n),
    gen: 0,
    steps: 0,
  };
  for (let cp = 0; cp < 128; cp++) m.ascii[cp] = searchClass(bounds, cp);
  return m;
}

/** A set × class bit table makes the per-thread class test one load (≤ 4 MB, else binary search). */
function membership(sets: Program['sets'], bounds: Int32Array): Uint8Array | undefined {
  const width = bounds.length;
  if (sets.length * width > 1 << 22) return undefined;
  const table = new Uint8Array(sets.length * width);
  sets.forEach((set, s) => {
    for (let c = 0; c < width; c++) table[s * width + c] = contains(set, bounds[c] ?? 0) ? 1 : 0;
  });
  return table;
}

function searchClass(bounds: Int32Array, cp: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((bounds[mid] ?? 0) <= cp) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function classOf(m: Machine, cp: number): number {
  return cp < 128 ? (m.ascii[cp] ?? 0) : searchClass(m.bounds, cp);
}

function holds(assert: number, prev: Kind, next: Kind): boolean {
  switch (assert) {
    case Assert.BeginText:
      return prev === Kind.Edge;
    case Assert.EndText:
      return next === Kind.Edge;
    case Assert.BeginLine:
      return prev === Kind.Edge || prev === Kind.Newline;
    case Assert.EndLine:
      return next === Kind.Edge || next === Kind.Newline;
    case Assert.WordBoundary:
      return (prev === Kind.Word) !== (next === Kind.Word);
    default:
      return (prev === Kind.Word) === (next === Kind.Word);
  }
}

function nextGen(m: Machine): number {
  if (m.gen === 0xffffffff) {
    m.seen.fill(0);
    m.gen = 0;
  }
  return ++m.gen;
}

/**
 * Epsilon closure of pcs at a position between `prev` and `next`. Leaves the
 * reached Char pcs in m.chars[0..return) or returns MATCHED if Match is reachable
 * (a match ends here, and a yes/no search needs nothing more).
 */
function close(m: Machine, pcs: ArrayLike<number>, count: number, prev: Kind, next: Kind): number {
  const { op, x, y } = m.prog;
  const { stack, seen, chars } = m;
  const gen = nextGen(m);
  let sp = 0;
  for (let i = count - 1; i >= 0; i--) stack[sp++] = pcs[i] ?? 0;
  let nChars = 0;
  let visited = 0; // local, added to m.steps on exit: cheaper than a field write per pc
  while (sp > 0) {
    const pc = stack[--sp] ?? 0;
    if (seen[pc] === gen) continue;
    seen[pc] = gen;
    visited++;
    switch (op[pc]) {
      case Op.Char:
        chars[nChars++] = pc;
        break;
      case Op.Match:
        m.steps += visited;
        return MATCHED;
      case Op.Jmp:
        stack[sp++] = x[pc] ?? 0;
        break;
      case Op.Split:
        stack[sp++] = y[pc] ?? 0;
        stack[sp++] = x[pc] ?? 0;
        break;
      case Op.Assert:
        if (holds(x[pc] ?? 0, prev, next)) stack[sp++] = pc + 1;
        break;
    }
  }
  m.steps += visited;
  return nChars;
}

/**
 * One position: close pcs (which were reached after a `prev` code point), then
 * consume a code point of class `cls`. Writes the next pcs (distinct) into
 * `out` and returns their count, or MATCHED. `out` must not alias `pcs`.
 */
export function advance(
  m: Machine,
  pcs: ArrayLike<number>,
  count: number,
  prev: Kind,
  cls: number,
  out: Int32Array,
  sorted: boolean,
): number {
  const nChars = close(m, pcs, count, prev, (m.kindOf[cls] ?? Kind.Other) as Kind);
  if (nChars === MATCHED) return MATCHED;
  const { chars, member } = m;
  const { sets, x } = m.prog;
  const width = m.bounds.length;
  const rep = m.bounds[cls] ?? 0; // any member of the class answers for all of them
  let n = 0;
  // Char pcs are distinct, so their targets (pc + 1) are too: no dedupe needed.
  for (let i = 0; i < nChars; i++) {
    const pc = chars[i] ?? 0;
    const set = x[pc] ?? 0;
    if (member ? member[set * width + cls] === 1 : contains(sets[set] ?? [], rep)) out[n++] = pc + 1;
  }
  // The DFA needs equal sets to produce equal keys; plain NFA simulation does not care.
  if (sorted) out.subarray(0, n).sort();
  return n;
}

/** At end of input: does some thread reach Match? */
export function acceptsAtEnd(m: Machine, pcs: ArrayLike<number>, count: number, prev: Kind): boolean {
  return close(m, pcs, count, prev, Kind.Edge) === MATCHED;
}

/**
 * Where reading stops before the end (the input cap): does a match end here,
 * with assertions judged against the code point that really follows
 * (`next`)? `$` and `\z` then fail, as the text goes on.
 */
export function acceptsBefore(m: Machine, pcs: ArrayLike<number>, count: number, prev: Kind, next: Kind): boolean {
  return close(m, pcs, count, prev, next) === MATCHED;
}

/** The code point at `i` of `s` (a surrogate pair is one; a lone surrogate is itself). */
export function codePointAt(s: string, i: number): number {
  const cp = s.charCodeAt(i);
  if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
    const low = s.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
  }
  return cp;
}
