// Lazy DFA: each DFA state is a (sorted pc set, kind of previous code point) pair,
// built on first use from `advance` and then reused through a transition table, so
// steady-state matching is one typed-array lookup per code point.
//
// Layout: one flat Int32Array, a row of `width` (= alphabet classes) cells per state.
// A cell holds the ROW OFFSET of the next state (so the hot loop never multiplies or
// dereferences an object) or a negative sentinel.
//
// Memory is bounded per regex (DfaLimits). When the cache is full it is dropped and
// rebuilt from the current state (as RE2 does); if that happens repeatedly within one
// input the pattern is thrashing, and the rest of that input runs as plain NFA
// simulation, which needs no cache. Both paths are linear in the input: at most
// m (NFA states) steps per code point, so (L + 1) × m per test, L = code points
// read, which the caller bounds with the input cap (index.ts).

import { type Program } from './nfa.js';
import { Kind, MATCHED, acceptsAtEnd, acceptsBefore, advance, classOf, codePointAt, createMachine, type Machine } from './step.js';

export const DfaLimits = {
  maxStates: 2_000,
  /** Int32 cells (pc lists + transition rows) across all states: ~4 MB. */
  maxCells: 1_000_000,
  maxResetsPerInput: 3,
} as const;

// Cell sentinels; MATCHED (-1) comes from step.ts. FULL is only ever returned by intern.
const UNKNOWN = -2;
const FULL = -3;
/** No thread is alive (anchored pattern that failed): the answer is no. */
const DEAD = -4;

export interface Searcher {
  /**
   * Searches `input[0, limit)` (default: all of it; `limit` must fall between
   * code points). A match must end by `limit`; if `limit` cuts the input,
   * assertions there see the code point that follows, so `$` cannot match
   * at the cut.
   */
  test(input: string, limit?: number): boolean;
  readonly machine: Machine;
}

/** mode 'nfa' skips the cache entirely: used by tests to check both paths agree. */
export function createSearcher(prog: Program, mode: 'dfa' | 'nfa'): Searcher {
  const m = createMachine(prog);
  const width = m.bounds.length;
  const size = prog.op.length;
  const next = new Int32Array(size);
  const bufA = new Int32Array(size);
  const bufB = new Int32Array(size);
  // Allocated on first use and grown by doubling: most regexes need a handful of rows.
  let table = new Int32Array(0);
  const pcsOf: Int32Array[] = [];
  const prevOf: Kind[] = [];
  /** Per state id: 1/0 = matches / does not match if the input ends here, -1 = not computed. */
  const acceptOf: number[] = [];
  let count = 0;
  let index = new Map<string, number>();
  let cells = 0;
  let startRow = FULL;
  // Outputs of the last `miss`, kept for the cache-full path without allocating.
  let lastN = 0;
  let lastKind: Kind = Kind.Edge;

  function reset(): void {
    count = 0;
    index = new Map();
    cells = 0;
    startRow = FULL;
  }

  /** Row offset of the state for pcs[0..n) after `prev`, DEAD, or FULL. */
  function intern(pcs: Int32Array, n: number, prev: Kind): number {
    if (n === 0) return DEAD;
    const key = `${prev}:${pcs.subarray(0, n).join(',')}`;
    const hit = index.get(key);
    if (hit !== undefined) return hit;
    if (count >= DfaLimits.maxStates || cells + n + width > DfaLimits.maxCells) return FULL;
    const row = count * width;
    if (row + width > table.length) {
      // Doubling, capped by the cell budget (row + width never exceeds it: checked above).
      const cap = Math.min(DfaLimits.maxStates * width, DfaLimits.maxCells);
      const grown = new Int32Array(Math.max(row + width, Math.min(Math.max(table.length * 2, 4 * width), cap)));
      grown.set(table);
      table = grown;
    }
    table.fill(UNKNOWN, row, row + width);
    pcsOf[count] = pcs.slice(0, n);
    prevOf[count] = prev;
    acceptOf[count] = -1;
    count++;
    cells += n + width;
    index.set(key, row);
    return row;
  }

  /** Slow path: compute (and cache) the cell for state `row` on class `cls`. */
  function miss(row: number, cls: number): number {
    const id = row / width;
    const pcs = pcsOf[id] ?? next;
    lastN = advance(m, pcs, pcs.length, prevOf[id] ?? Kind.Edge, cls, next, true);
    lastKind = (m.kindOf[cls] ?? Kind.Other) as Kind;
    const to = lastN === MATCHED ? MATCHED : intern(next, lastN, lastKind);
    if (to !== FULL) table[row + cls] = to;
    return to;
  }

  /** Does a match end at `limit`, given the threads alive there? (End of input, or the cap.) */
  function acceptsAt(input: string, limit: number, pcs: ArrayLike<number>, live: number, prev: Kind): boolean {
    if (limit >= input.length) return acceptsAtEnd(m, pcs, live, prev);
    const next = (m.kindOf[classOf(m, codePointAt(input, limit))] ?? Kind.Other) as Kind;
    return acceptsBefore(m, pcs, live, prev, next);
  }

  /** Plain NFA simulation from position i to `limit` with the given thread set. */
  function simulate(input: string, i: number, pcs: Int32Array, live: number, prev: Kind, limit: number): boolean {
    let cur = bufA;
    let other = bufB;
    cur.set(pcs.subarray(0, live));
    while (i < limit) {
      let cp = input.charCodeAt(i++);
      if (cp >= 0xd800 && cp <= 0xdbff && i < input.length) {
        const low = input.charCodeAt(i);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      const cls = classOf(m, cp);
      const n = advance(m, cur, live, prev, cls, other, false);
      if (n === MATCHED) return true;
      if (n === 0) return false; // no live thread (only possible for anchored patterns)
      [cur, other] = [other, cur];
      live = n;
      prev = (m.kindOf[cls] ?? Kind.Other) as Kind;
    }
    return acceptsAt(input, limit, cur, live, prev);
  }

  function startRowOf(): number {
    if (startRow === FULL) {
      next[0] = prog.start;
      startRow = intern(next, 1, Kind.Edge);
      if (startRow === FULL) {
        reset(); // full from earlier inputs: the start state must exist
        startRow = intern(next, 1, Kind.Edge);
      }
    }
    return startRow;
  }

  function test(input: string, limit = input.length): boolean {
    if (mode === 'nfa') return simulate(input, 0, Int32Array.of(prog.start), 1, Kind.Edge, limit);
    let resets = 0;
    let row = startRowOf();
    let tbl = table;
    const { ascii } = m;
    const len = limit;
    let hits = 0; // cached transitions, added to m.steps once: keeps the hot loop lean
    let result: boolean | undefined;
    for (let i = 0; i < len; ) {
      let cp = input.charCodeAt(i++);
      if (cp >= 0xd800 && cp <= 0xdbff && i < len) {
        const low = input.charCodeAt(i);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      const cls = cp < 128 ? (ascii[cp] ?? 0) : classOf(m, cp);
      let to = tbl[row + cls] ?? UNKNOWN;
      if (to >= 0) {
        hits++;
        row = to;
        continue;
      }
      if (to === UNKNOWN) {
        to = miss(row, cls);
        if (to === FULL) {
          // Cache full: start over from here, or give up on caching for this input.
          if (++resets > DfaLimits.maxResetsPerInput) {
            result = simulate(input, i, next, lastN, lastKind, limit);
            break;
          }
          reset();
          to = intern(next, lastN, lastKind);
          if (to === FULL) {
            result = simulate(input, i, next, lastN, lastKind, limit);
            break;
          }
        }
        tbl = table; // intern may have grown it
      }
      if (to === MATCHED || to === DEAD) {
        result = to === MATCHED;
        break;
      }
      row = to;
    }
    m.steps += hits;
    if (result !== undefined) return result;
    const id = row / width;
    // Cut by the cap: not the end of the text, so the cached end-of-input answer does not apply.
    if (limit < input.length) return acceptsAt(input, limit, pcsOf[id] ?? next, (pcsOf[id] ?? next).length, prevOf[id] ?? Kind.Edge);
    if (acceptOf[id] === -1) {
      const pcs = pcsOf[id] ?? next;
      acceptOf[id] = acceptsAtEnd(m, pcs, pcs.length, prevOf[id] ?? Kind.Edge) ? 1 : 0;
    }
    return acceptOf[id] === 1;
  }

  return { test, machine: m };
}
