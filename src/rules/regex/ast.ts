// The parsed form of a pattern. Case-insensitivity, (?s) and negation are already
// applied by the parser (every character test is a resolved CharSet), so later
// stages never look at flags again.

import type { CharSet } from './charset.js';

/** Zero-width assertions; each is decided from the previous and next code point only. */
export const Assert = {
  BeginText: 0, // \A, or ^ without (?m)
  EndText: 1, // \z, or $ without (?m)
  BeginLine: 2, // ^ with (?m): start of input or after \n
  EndLine: 3, // $ with (?m): end of input or before \n
  WordBoundary: 4, // \b
  NotWordBoundary: 5, // \B
} as const;
export type Assert = (typeof Assert)[keyof typeof Assert];

export type Node =
  | { readonly kind: 'empty' }
  /** `lit` keeps the original code point (for the literal prefilter); `set` is what matches. */
  | { readonly kind: 'lit'; readonly cp: number; readonly caseInsensitive: boolean; readonly set: CharSet }
  | { readonly kind: 'set'; readonly set: CharSet }
  | { readonly kind: 'assert'; readonly assert: Assert }
  | { readonly kind: 'cat'; readonly items: readonly Node[] }
  | { readonly kind: 'alt'; readonly items: readonly Node[] }
  /** max === -1 means unbounded. pos is kept to point size errors at the culprit. */
  | { readonly kind: 'rep'; readonly body: Node; readonly min: number; readonly max: number; readonly pos: number };

/** Hard limits: each one bounds compile time and memory for a hostile rule author. */
export const Limits = {
  maxPatternLength: 10_000,
  maxRepeat: 1_000,
  // Matching costs up to (characters read + 1) × NFA states steps, so this
  // bounds the constant: at 10,000 states about 2.8e8 steps (3-5 s) on a
  // 64 KiB field, the default input cap (index.ts); real detection patterns
  // stay under a few hundred states.
  maxNfaStates: 10_000,
} as const;

/** A rejected pattern: index is a 0-based UTF-16 offset into the pattern. */
export class RegexSyntaxError extends Error {
  readonly index: number;
  readonly reason: string;
  constructor(index: number, reason: string) {
    super(`invalid regex at index ${index}: ${reason}`);
    this.name = 'RegexSyntaxError';
    this.index = index;
    this.reason = reason;
  }
}
