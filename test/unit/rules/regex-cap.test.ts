// The input cap of regex tests (rules.regex_max_input_bytes, default 64 KiB):
// a regex reads at most that many UTF-8 bytes of a field, so a match must END
// within them, and assertions at the cut see the real next character ($ does
// not match there: the text goes on). Expected answers are worked out by hand
// from those rules; step counts are checked against cap × NFA states.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { compileRule, formatIssue, loadRules, parseRuleFile, type CompiledRule } from '../../../src/rules/index.js';
import { compileRegex, countSteps, DEFAULT_MAX_INPUT_BYTES, isRegexError } from '../../../src/rules/regex/index.js';

const KIB64 = 65_536;

function matches(pattern: string, input: string, maxInputBytes?: number, caseInsensitive = false): boolean {
  const opts = maxInputBytes === undefined ? { caseInsensitive } : { caseInsensitive, maxInputBytes };
  const r = compileRegex(pattern, opts);
  if (isRegexError(r)) throw new Error(r.error);
  const api = r.test(input);
  // The automaton alone (no prefilter), both ways, must give the same answer under the same cap.
  expect(countSteps(pattern, input, { ...opts, engine: 'dfa' }).matched, `${pattern} dfa`).toBe(api);
  expect(countSteps(pattern, input, { ...opts, engine: 'nfa' }).matched, `${pattern} nfa`).toBe(api);
  return api;
}

describe('regex input cap', () => {
  it('defaults to 64 KiB', () => {
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(KIB64);
  });

  it.each(['needle', 'ne+dle', 'n[e]edl(e|x)', '(?i)NEEDLE'])('%s: a match ending at byte 65,536 counts, one ending a byte later does not', (pattern) => {
    expect(matches(pattern, `${'x'.repeat(KIB64 - 6)}needle`)).toBe(true);
    expect(matches(pattern, `${'x'.repeat(KIB64 - 5)}needle`)).toBe(false);
    expect(matches(pattern, `${'x'.repeat(1_000_000)}needle`)).toBe(false);
    expect(matches(pattern, `needle${'x'.repeat(1_000_000)}`)).toBe(true);
  });

  it('counts UTF-8 bytes, never splitting a character', () => {
    // é is 2 bytes, 😀 is 4 (a surrogate pair in JS).
    expect(matches('ab', `${'é'.repeat(32_767)}ab`)).toBe(true); // 65,534 + 2
    expect(matches('ab', `${'é'.repeat(32_768)}ab`)).toBe(false); // 65,536 + 2
    expect(matches('😀', `${'x'.repeat(KIB64 - 4)}😀`)).toBe(true); // ends at 65,536
    expect(matches('😀', `${'x'.repeat(KIB64 - 3)}😀`)).toBe(false); // would end at 65,537
    expect(matches('[^x]', `${'x'.repeat(KIB64 - 2)}😀`)).toBe(false); // the pair is not cut in half: no lone surrogate is read
    expect(matches('x.$', `${'x'.repeat(KIB64 - 3)}😀`)).toBe(false);
  });

  it('does not treat the cut as the end of the text', () => {
    const long = 'x'.repeat(100_000);
    expect(matches('x$', long)).toBe(false);
    expect(matches('x\\z', long)).toBe(false);
    expect(matches('^x', long)).toBe(true);
    expect(matches('^x+$', long)).toBe(false);
    expect(matches('(?m)x$', `${'x'.repeat(KIB64)}\nmore`)).toBe(true); // the newline right after the cut ends a line
    // \b at the cut looks at the character after it: a letter there means no boundary.
    expect(matches('a\\b', `${'x'.repeat(KIB64 - 2)} ab`)).toBe(false);
    expect(matches('a\\b', `${'x'.repeat(KIB64 - 2)} a b`)).toBe(true);
    expect(matches('a\\B', `${'x'.repeat(KIB64 - 2)} ab`)).toBe(true);
  });

  it('is configurable per regex', () => {
    expect(matches('needle', 'xxxxneedle', 10)).toBe(true);
    expect(matches('needle', 'xxxxxneedle', 10)).toBe(false);
    expect(matches('needle', `${'x'.repeat(KIB64)}needle`, 2 * KIB64)).toBe(true);
  });

  // Random a/b text (an LCG in 32-bit integer arithmetic: a float LCG falls into a short cycle,
  // which the DFA cache would learn). Thread sets never repeat, so the DFA cache thrashes and
  // the run ends as plain NFA simulation: the worst case the bound is about.
  function noise(n: number): string {
    let seed = 9;
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      out.push(seed >>> 31 === 1 ? 'a' : 'b');
    }
    return out.join('');
  }
  const MB = noise(1 << 20);

  it.each(['dfa', 'nfa'] as const)('bounds the work by the cap (%s): a 1 MB field costs what its first 64 KiB cost, ≤ (64 Ki + 1) × NFA states', (engine) => {
    const pattern = '(a|b)*a(a|b){14}c';
    const capped = countSteps(pattern, MB, { caseInsensitive: false, engine });
    const prefix = countSteps(pattern, MB.slice(0, KIB64), { caseInsensitive: false, engine });
    expect(capped.matched).toBe(false);
    expect(capped.steps).toBeLessThanOrEqual((KIB64 + 1) * capped.nfaStates);
    // The same positions are read, plus one closure at the cut (at most one step per state).
    expect(capped.steps).toBeGreaterThanOrEqual(prefix.steps);
    expect(capped.steps).toBeLessThanOrEqual(prefix.steps + capped.nfaStates);
    // Far above one step per character: the cache really thrashed, this is the expensive path.
    expect(prefix.steps).toBeGreaterThan(20 * KIB64);
  });

  it('the 4,012-state pattern of issue 9 on a 1 MB field: 114,249,903 steps instead of 1,843,528,320', () => {
    // Figures quoted in docs/rules.md and src/rules/regex/index.ts; uncapped, this field took 13 s.
    const r = countSteps('(a|b)*a(a|b){1000}c', MB, { caseInsensitive: false, engine: 'dfa' });
    expect(r.nfaStates).toBe(4012);
    expect(r.steps).toBe(114_249_903);
    expect(r.steps).toBeLessThanOrEqual((KIB64 + 1) * r.nfaStates);
  }, 60_000); // ~1.5 s of work; the limit only guards against a hung run on a loaded machine
});

describe('the cap reaches rules', () => {
  const RULE = `id: t.regex-cap
name: t
description: t
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  sel:
    message|re: 'needle'
  glob:
    message: '*need*le'
  condition: sel or glob
`;
  const event = (message: string): EcsEvent =>
    ({ '@timestamp': '2024-01-01T00:00:00.000Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' }, message }) as unknown as EcsEvent;
  const late = event(`${'x'.repeat(KIB64)}needle`);
  const early = event(`needle${'x'.repeat(KIB64)}`);

  function compiled(options?: { regexMaxInputBytes: number }): CompiledRule {
    const parsed = parseRuleFile(RULE, 't.yml');
    expect(parsed.issues.map(formatIssue)).toEqual([]);
    const c = options === undefined ? compileRule(parsed.rule as NonNullable<typeof parsed.rule>) : compileRule(parsed.rule as NonNullable<typeof parsed.rule>, options);
    expect(c.issues.map(formatIssue)).toEqual([]);
    return c.rule as CompiledRule;
  }

  it('compileRule: default 64 KiB, or the given cap, on both backends (re and wildcard patterns)', () => {
    const byDefault = compiled();
    expect([byDefault.match(late), byDefault.reference(late)]).toEqual([false, false]);
    expect([byDefault.match(early), byDefault.reference(early)]).toEqual([true, true]);
    const wide = compiled({ regexMaxInputBytes: 4 * KIB64 });
    expect([wide.match(late), wide.reference(late)]).toEqual([true, true]);
  });

  it('loadRules passes the cap down', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-regex-cap-'));
    writeFileSync(join(dir, 'r.yml'), RULE);
    const [byDefault] = loadRules([dir]).rules;
    const [wide] = loadRules([dir], { regexMaxInputBytes: 4 * KIB64 }).rules;
    expect(byDefault?.match(late)).toBe(false);
    expect(wide?.match(late)).toBe(true);
  });
});
