// Simple case folding for (?i) / `re|i`, derived from the runtime's own
// toLowerCase/toUpperCase so there is no hand-maintained Unicode table to drift.
//
// fold(c) = lower(upper(c)) when both mappings are single code points. That puts
// k, K and KELVIN SIGN (U+212A) in one orbit, s, S and LONG S (U+017F) in one,
// σ/ς/Σ in one, which is what Unicode's simple case folding (CaseFolding.txt,
// statuses C+S) and therefore JS /iu and RE2 do. Characters whose mappings expand
// (ß → SS, İ → i̇) stay on their own, again as in simple folding.
//
// The orbit table is built once, lazily, on the first case-insensitive compile
// (~130k code points scanned, a few ms), so case-sensitive users never pay for it.

import { contains, normalize, type CharSet } from './charset.js';

/** Cased scripts all live below U+20000 (Adlam at U+1E900 is the last); nothing above folds. */
const SCAN_LIMIT = 0x20000;

/** U+0131 DOTLESS I: toUpperCase gives 'I', but only Turkic (T) folding maps it to i. */
const TURKIC_ONLY = 0x131;

let orbits: ReadonlyArray<readonly number[]> | undefined;
let orbitOf: ReadonlyMap<number, readonly number[]> | undefined;

function singleCodePoint(s: string): number | undefined {
  const cp = s.codePointAt(0);
  if (cp === undefined) return undefined;
  return s.length === (cp > 0xffff ? 2 : 1) ? cp : undefined;
}

function foldOf(cp: number): number {
  const ch = String.fromCodePoint(cp);
  const upper = singleCodePoint(ch.toUpperCase()) ?? cp;
  return singleCodePoint(String.fromCodePoint(upper).toLowerCase()) ?? upper;
}

function build(): void {
  const groups = new Map<number, number[]>();
  for (let cp = 0; cp < SCAN_LIMIT; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // lone surrogates have no case
    if (cp === TURKIC_ONLY) continue;
    const f = foldOf(cp);
    if (f === cp) continue;
    const g = groups.get(f);
    if (g) g.push(cp);
    else groups.set(f, [f, cp]);
  }
  const all: number[][] = [];
  const index = new Map<number, readonly number[]>();
  for (const members of groups.values()) {
    all.push(members);
    for (const m of members) index.set(m, members);
  }
  orbits = all;
  orbitOf = index;
}

/** Every code point that folds together with cp (including cp itself). */
export function caseVariants(cp: number): readonly number[] {
  if (!orbitOf) build();
  return orbitOf?.get(cp) ?? [cp];
}

/**
 * Close a set under case folding: if any member of an orbit is in the set, all are.
 * Applied BEFORE negation so that (?i)[^k] rejects K and KELVIN SIGN as well.
 */
export function foldClose(set: CharSet): CharSet {
  if (!orbits) build();
  const extra: number[] = [];
  for (const orbit of orbits ?? []) {
    if (orbit.some((m) => contains(set, m))) {
      for (const m of orbit) extra.push(m, m);
    }
  }
  return extra.length === 0 ? set : normalize([...set, ...extra]);
}
