// Sift's linear-time regular expressions, used for every `re` test in a rule.
//
// Why not JS RegExp: it backtracks, so one rule like `(a+)+$` against one hostile
// event can stall the Kafka consumer for minutes (ReDoS). This engine parses the
// pattern itself, builds a Thompson NFA and runs it as a set simulation with a lazy,
// bounded DFA cache: time is O(input length × pattern size) in the worst case, and
// usually one table lookup per character. Memory per regex is bounded (dfa.ts).
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
// patterns over 10,000 characters, and patterns expanding to over 100,000 NFA states.

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
}

export const RegexLimits = Limits;

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
  return {
    source: pattern,
    test(input: string): boolean {
      if (required !== '' && !input.includes(required)) return false;
      return wholeLiteral || searcher.test(input);
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
  const matched = searcher.test(input);
  return { matched, steps: searcher.machine.steps, nfaStates: prog.op.length };
}

export { RegexSyntaxError };
