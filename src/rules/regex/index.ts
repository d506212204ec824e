// Sift's linear-time regular expressions, used for every `re` test in a rule.
//
// Why not JS RegExp: it backtracks, so one rule like `(a+)+$` against one hostile
// event can stall the Kafka consumer for minutes (ReDoS). This engine parses the
// pattern itself, builds a Thompson NFA and runs it as a set simulation with a lazy,
// bounded DFA cache: usually one table lookup per character. Memory per regex is
// bounded (dfa.ts).
//
// Cost, stated as it really is: linear is not cheap. A step is one NFA state visited
// (or one cached DFA transition). Per character the DFA takes 1 step when cached, up
// to m (NFA states, ≤ Limits.maxNfaStates = 10,000) when it builds a state; once its
// 2,000-state cache has been rebuilt 3 times within one input, the rest runs as NFA
// simulation at up to m steps per character. Worst case per test: (L + 1) × m steps,
// L = code points read. At 10-20 ns per step, the 4,012-state (a|b)*a(a|b){1000}c on
// 1 MB of random a/b took 1,843,528,320 steps (13 s and more); that is why a test reads
// at most maxInputBytes (rules.regex_max_input_bytes, default 64 KiB): 114,249,903
// steps, about 1.5 s, for the same field (test/unit/rules/regex-cap.test.ts).
//
// Input cap semantics: only the first maxInputBytes UTF-8 bytes are read (never half
// a character); a match must END within them. The cut is not the end of the text:
// $ and \z fail there, \b \B and (?m)$ see the code point that follows.
//
// Semantics: `test` SEARCHES (the pattern may match anywhere) unless it is anchored
// with ^ / $ / \A / \z. Input and pattern are read as Unicode CODE POINTS: a surrogate
// pair is one character for `.`, classes and quantifiers (a lone surrogate is one
// character too), as with JS's `u` flag.
//
// Supported syntax (an RE2 / Sigma-compatible subset):
//   literals; escapes \. \\ \/ \- \* etc. (any non-alphanumeric ASCII), \t \n \r \f \v \0,
//     \xHH \x{H..} \uHHHH \u{H..}
//   .             any code point except \n; with (?s) also \n
//   [abc] [a-z] [^...]   classes with ranges and negation; ']' first is literal; may hold \d \w \s \D \W \S
//   \d \w         ASCII [0-9] and [0-9A-Za-z_];  \s = JS whitespace (incl. U+00A0, U+3000 ...)
//   ^ $           start / end of input; with (?m) start / end of line (after / before \n)
//   \A \z         start / end of input always;  \b \B  ASCII word boundary / not
//   ( ) (?: ) (?P<n> ) (?<n> )   groups; none capture (the engine answers yes/no only)
//   |  * + ? {n} {n,} {n,m}       and the lazy forms *? +? ?? {n,m}? (same yes/no answer)
//   (?i) (?s) (?m) (?-i) (?i:...) (?is-m:...)  inline flags, scoped to the enclosing group
//   case-insensitive (`re|i` or (?i)): simple Unicode case folding (k = K = KELVIN SIGN,
//     s = S = LONG S, σ = ς = Σ; not ß = SS or Turkic dotless ı)
// Rejected with "invalid regex at index N: reason": backreferences \1 \k<n> (?P=n),
// lookaround (?= (?! (?<= (?<!, atomic (?> and possessive *+ ++ ?+, \p{..}, \Q..\E,
// \Z, \G, POSIX [:alpha:], {,n}, stacked quantifiers (a**), counts above 1000,
// patterns over 10,000 characters, and patterns expanding to over 10,000 NFA states.

import { Limits, RegexSyntaxError, type Node } from './ast.js';
import { createSearcher } from './dfa.js';
import { compileProgram, type Program } from './nfa.js';
import { parsePattern } from './parse.js';
import { createPrefilter } from './prefilter.js';

export interface LinearRegex {
  test(input: string): boolean;
  readonly source: string;
}

export interface RegexOptions {
  readonly caseInsensitive: boolean;
  /** UTF-8 bytes of the input a test reads (rules.regex_max_input_bytes); DEFAULT_MAX_INPUT_BYTES if absent. */
  readonly maxInputBytes?: number;
}

export const RegexLimits = Limits;

/** 64 KiB: the default of rules.regex_max_input_bytes. */
export const DEFAULT_MAX_INPUT_BYTES = 65_536;

/**
 * How many UTF-16 code units of `input` a test reads: the longest prefix
 * whose UTF-8 encoding fits in `maxBytes`, never ending inside a surrogate
 * pair (a lone surrogate counts 3 bytes, as U+FFFD). Bytes rather than code
 * units, because the cap is a cost bound stated in what operators measure
 * (record and field sizes); most fields are short enough to skip the scan.
 */
export function inputLimit(input: string, maxBytes: number): number {
  const n = input.length;
  // A code unit is at most 3 UTF-8 bytes (a pair is 4 for 2 units).
  if (n * 3 <= maxBytes) return n;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    let size = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    let pair = false;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const low = input.charCodeAt(i + 1);
      pair = low >= 0xdc00 && low <= 0xdfff;
      if (pair) size = 4;
    }
    if (bytes + size > maxBytes) return i;
    bytes += size;
    if (pair) i++;
  }
  return n;
}

function build(pattern: string, opts: RegexOptions): { node: Node; prog: Program } {
  const node = parsePattern(pattern, opts.caseInsensitive);
  return { node, prog: compileProgram(node) };
}

/** Compile once at rule load; never throws. `error` reads "invalid regex at index N: reason". */
export function compileRegex(pattern: string, opts: RegexOptions): LinearRegex | { error: string } {
  let built: { node: Node; prog: Program };
  try {
    built = build(pattern, opts);
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { error: e.message };
    throw e;
  }
  const searcher = createSearcher(built.prog, 'dfa');
  const { required, wholeLiteral } = createPrefilter(built.node);
  const maxBytes = opts.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  return {
    source: pattern,
    test(input: string): boolean {
      const limit = inputLimit(input, maxBytes);
      if (required !== '') {
        // Every match contains `required`; if its first occurrence ends past the cap, so does every match.
        const at = input.indexOf(required);
        if (at < 0 || at + required.length > limit) return false;
      }
      return wholeLiteral || searcher.test(input, limit);
    },
  };
}

export function isRegexError(r: LinearRegex | { error: string }): r is { error: string } {
  return 'error' in r;
}

/**
 * Test hook: run one search on a fresh matcher and report the work done. A step is
 * one NFA state visited while building a transition, or one cached DFA transition
 * taken. The literal prefilter is bypassed so the automaton itself is measured.
 * Throws RegexSyntaxError for an invalid pattern.
 */
export function countSteps(
  pattern: string,
  input: string,
  opts: RegexOptions & { readonly engine?: 'dfa' | 'nfa' },
): { matched: boolean; steps: number; nfaStates: number } {
  const { prog } = build(pattern, opts);
  const searcher = createSearcher(prog, opts.engine ?? 'dfa');
  const matched = searcher.test(input, inputLimit(input, opts.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES));
  return { matched, steps: searcher.machine.steps, nfaStates: prog.op.length };
}

export { RegexSyntaxError };
