// Linearity, by counting work instead of timing it (timings flake on shared CI).
// For patterns that make backtracking engines explode, the engine's step count must
// be bounded by (n + 1) · m (m = NFA size: each position visits each NFA state at
// most once) and must grow linearly: doubling the input at most ~doubles the work.

import { describe, expect, it } from 'vitest';
import { countSteps } from '../../../src/rules/regex/index.js';

const SIZES = [1_000, 2_000, 4_000, 8_000, 16_000] as const;

/** Deterministic pseudo-random text, so every size is a prefix of the next. */
function noise(n: number, alphabet: string): string {
  let seed = 12345;
  let out = '';
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out += alphabet[(seed >>> 16) % alphabet.length] ?? '';
  }
  return out;
}

// [pattern, input of length ~n (every one fails to match, so the whole input is scanned), case-insensitive]
const CATASTROPHIC: ReadonlyArray<readonly [string, (n: number) => string, boolean?]> = [
  ['(a+)+$', (n) => 'a'.repeat(n) + '!'],
  ['^(a+)+$', (n) => 'a'.repeat(n) + '!'],
  ['(a|aa)*b', (n) => 'a'.repeat(n)],
  ['(a*)*b', (n) => 'a'.repeat(n)],
  ['(a|a?)+b', (n) => 'a'.repeat(n)],
  ['(.*a){20}', (n) => 'a'.repeat(19) + 'x'.repeat(n - 19)],
  ['(x+x+)+y', (n) => 'x'.repeat(n)],
  ['^(\\w+\\s?)*$', (n) => 'ab '.repeat(n / 3) + '!'],
  ['(\\w+\\s?)*!$', (n) => 'ab '.repeat(n / 3) + '?'],
  ['^(\\d+)*\\.\\d+x$', (n) => '1'.repeat(n) + '.5'],
  ['(\\b\\w+\\b\\s*)+$', (n) => 'word '.repeat(n / 5) + '!'],
  ['(?i)(A+)+$', (n) => 'aA'.repeat(n / 2) + '!'],
  ['(a+)+$', (n) => 'Aa'.repeat(n / 2) + '!', true],
  ['^(([a-z])+.)+[A-Z]([a-z])+$', (n) => 'a'.repeat(n) + '!'],
  ['(?s)(.*){1,100}[bc]', (n) => 'a'.repeat(n)],
  ['^(a|b|ab)*c$', (n) => noise(n, 'ab')],
  ['(?:a?){30}a{30}', (n) => 'b'.repeat(n)],
  // Blows the 2,000-state DFA cache repeatedly: exercises reset + NFA fallback.
  ['(a|b)*a(a|b){14}c', (n) => noise(n, 'ab')],
];

describe.each(['dfa', 'nfa'] as const)('step counts (%s)', (engine) => {
  const rows = CATASTROPHIC.map(([pattern, input, caseInsensitive = false]) => ({ pattern, input, caseInsensitive }));
  it.each(rows)('$pattern is linear (i=$caseInsensitive)', ({ pattern, input, caseInsensitive }) => {
    const runs = SIZES.map((n) => {
      const text = input(n);
      const r = countSteps(pattern, text, { caseInsensitive, engine });
      return { n: text.length, ...r };
    });
    for (const r of runs) {
      expect(r.matched).toBe(false);
      expect(r.steps).toBeLessThanOrEqual((r.n + 1) * r.nfaStates);
    }
    for (let i = 1; i < runs.length; i++) {
      const [prev, cur] = [runs[i - 1], runs[i]];
      if (!prev || !cur) continue;
      expect(cur.steps / prev.steps).toBeLessThanOrEqual(2.2);
    }
  });
});

describe('the DFA cache does its job', () => {
  it('costs about one step per character once warm on ordinary patterns', () => {
    for (const [pattern, input] of CATASTROPHIC.slice(0, 12)) {
      const text = input(16_000);
      const { steps, nfaStates } = countSteps(pattern, text, { caseInsensitive: false, engine: 'dfa' });
      // n cached lookups plus building a handful of states, each at most m steps.
      expect(steps).toBeLessThanOrEqual(text.length + 200 * nfaStates);
    }
  });

  it('reports (a+)+$ step counts that double with the input', () => {
    const steps = SIZES.map((n) => countSteps('(a+)+$', 'a'.repeat(n) + '!', { caseInsensitive: false }).steps);
    expect(steps).toEqual(SIZES.map((n) => n + 19));
  });
});
