// Explicit cases for the linear-time regex engine: syntax, semantics and rejections.
// Every matching case is run three ways (public API with prefilter, lazy DFA, plain
// NFA simulation) so the cache and the prefilter can never change an answer.

import { describe, expect, it } from 'vitest';
import { compileRegex, countSteps, isRegexError, RegexSyntaxError } from '../../../src/rules/regex/index.js';

type Case = readonly [pattern: string, input: string, expected: boolean, caseInsensitive?: boolean];

function run(pattern: string, input: string, caseInsensitive = false): boolean {
  const opts = { caseInsensitive };
  const r = compileRegex(pattern, opts);
  if (isRegexError(r)) throw new Error(r.error);
  const viaApi = r.test(input);
  const viaDfa = countSteps(pattern, input, { ...opts, engine: 'dfa' }).matched;
  const viaNfa = countSteps(pattern, input, { ...opts, engine: 'nfa' }).matched;
  expect([viaDfa, viaNfa]).toEqual([viaApi, viaApi]);
  return viaApi;
}

function table(name: string, cases: readonly Case[]): void {
  describe(name, () => {
    const rows = cases.map(([pattern, input, expected, ci = false]) => ({ pattern, input, expected, ci }));
    it.each(rows)('$pattern on $input → $expected (i=$ci)', ({ pattern, input, expected, ci }) => {
      expect(run(pattern, input, ci)).toBe(expected);
    });
  });
}

table('literals and search semantics', [
  ['abc', 'xxabcxx', true],
  ['abc', 'ab', false],
  ['', 'anything', true],
  ['', '', true],
  ['a|b|', 'zzz', true], // empty branch matches the empty string
  ['password', 'my-password-1', true],
  ['root', 'ROOT', false],
  ['a.c', 'abc', true],
  ['a.c', 'a\nc', false],
  ['a.c', 'a\rc', true], // RE2: only \n is excluded from `.`
]);

table('anchors', [
  ['^abc', 'abcd', true],
  ['^abc', 'xabc', false],
  ['abc$', 'xabc', true],
  ['abc$', 'abc\n', false], // $ is end of input without (?m), not before a final \n
  ['^$', '', true],
  ['^$', 'x', false],
  ['(?m)^b$', 'a\nb\nc', true],
  ['(?m)^b$', 'a\nbc', false],
  ['^b$', 'a\nb\nc', false],
  ['\\Aabc\\z', 'abc', true],
  ['(?m)\\Ab', 'a\nb', false], // \A ignores (?m)
  ['(?m)a\\z', 'a\nb', false],
  ['^arn:aws:iam::\\d{12}:root$', 'arn:aws:iam::123456789012:root', true],
  ['^arn:aws:iam::\\d{12}:root$', 'arn:aws:iam::12345678901:root', false],
  ['x^', 'x', false],
  ['(?:^|,)b', 'a,b', true],
]);

table('word boundaries', [
  ['\\bfoo\\b', 'a foo b', true],
  ['\\bfoo\\b', 'foo', true],
  ['\\bfoo\\b', 'afoo', false],
  ['\\bfoo\\b', 'foo_bar', false],
  ['\\Bfoo', 'afoo', true],
  ['\\Bfoo', ' foo', false],
  ['\\b', '', false],
  ['\\B', '', true],
  ['\\bé', ' é', false], // \b is ASCII: é is not a word character, so there is no boundary
  ['(?i)\\bmimikatz\\b', 'run MimiKatz.exe', true],
]);

table('classes', [
  ['[abc]+', 'xxbcay', true],
  ['^[a-c]+$', 'abcd', false],
  ['[^a-c]', 'abc', false],
  ['[^a-c]', 'abcd', true],
  ['[]a]', ']', true], // leading ] is literal
  ['[a-]', '-', true],
  ['[-a]', '-', true],
  ['[\\d_]', '_', true],
  ['[\\D]', '5', false],
  ['[^\\d\\s]', '5 ', false],
  ['[\\]\\\\]', '\\', true],
  ['[.]', 'a', false],
  ['[\\x41-\\x43]', 'B', true],
  ['\\d+', 'ab12', true],
  ['^\\w+$', 'user_01', true],
  ['^\\w+$', 'usér', false],
  ['\\s', '\u00a0', true], // JS whitespace set, a superset of RE2's
  ['\\s', '\u3000', true],
  ['\\S', ' \t\n', false],
  ['^\\W$', '-', true],
]);

table('quantifiers', [
  ['^a*$', '', true],
  ['^a+$', '', false],
  ['^ab?c$', 'ac', true],
  ['^a{3}$', 'aaa', true],
  ['^a{3}$', 'aaaa', false],
  ['^a{2,}$', 'aaaaa', true],
  ['^a{2,}$', 'a', false],
  ['^a{2,3}$', 'aaaa', false],
  ['^a{0}b$', 'b', true],
  ['^a{0,0}$', '', true],
  ['^a{1000}$', 'a'.repeat(1000), true],
  ['^a{1000}$', 'a'.repeat(999), false],
  ['^(?:ab){2}$', 'abab', true],
  ['^a*?b+?c??$', 'aabb', true],
  ['^a{2,3}?$', 'aaa', true],
  ['a{', 'a{', true], // not a quantifier: literal braces (RE2)
  ['a{x}', 'a{x}', true],
  ['^x{1,}}$', 'xx}', true],
  ['(a*)*b', 'aaab', true],
  ['^(a|)+$', 'aaa', true],
]);

table('groups and alternation', [
  ['^(?:cat|dog)s?$', 'dogs', true],
  ['^(cat|dog)$', 'cow', false],
  ['^(?P<name>ab)+$', 'abab', true],
  ['^(?<host>[a-z]+)\\.example$', 'www.example', true],
  ['^(a|ab)(c|bcd)(d*)$', 'abcd', true],
  ['^(|a)$', '', true],
  ['()', 'x', true],
]);

table('escapes', [
  ['a\\.b', 'a.b', true],
  ['a\\.b', 'axb', false],
  ['\\\\', 'C:\\dir', true],
  ['\\/api\\/', '/api/', true],
  ['\\-\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$', '-*+?()[]{}|^$', true],
  ['\\t\\n\\r\\f\\v', '\t\n\r\f\v', true],
  ['\\x41\\x{42}', 'AB', true],
  ['\\u0041\\u{1F600}', 'A😀', true],
  ['\\uD83D\\uDE00', '😀', true], // a surrogate pair in the pattern is one code point
  ['\\0', 'a\u0000', true],
  ['\\ ', ' ', true],
  ['\\é', 'é', true],
]);

table('code points (surrogate pairs are one character)', [
  ['^.$', '😀', true],
  ['^..$', '😀', false],
  ['^[😀-😂]$', '😁', true],
  ['^[^a]$', '😀', true],
  ['^😀+$', '😀😀', true],
  ['^\\uD83D$', '\uD83D', true], // a lone surrogate is a character too
  ['\\uD83D', '😀', false],
  ['^.$', '\uDE00', true],
]);

table('case-insensitive', [
  ['hello', 'HeLLo', true, true],
  ['HELLO', 'hello', true, true],
  ['(?i)hello', 'HELLO', true],
  ['(?i:he)llo', 'HEllo', true],
  ['(?i:he)llo', 'HELLO', false],
  ['he(?-i:llo)', 'HEllo', true, true],
  ['he(?-i:llo)', 'HELLO', false, true],
  ['a(?i)b|c', 'C', true], // (?i) scopes to the end of the group, across |
  ['(?:a(?i)b)c', 'aBC', false],
  ['[a-c]+', 'ABC', true, true],
  ['[^a]', 'A', false, true],
  ['\\W', 'S', false, true],
  ['k', '\u212a', true, true], // KELVIN SIGN folds with k
  ['s', '\u017f', true, true], // LONG S folds with s
  ['σ', 'Σς', true, true],
  ['^ς$', 'σ', true, true],
  ['é', 'É', true, true],
  ['ß', 'ẞ', true, true],
  ['ß', 'SS', false, true], // simple folding only: no one-to-many expansion
  ['i', '\u0131', false, true], // Turkic dotless i is not folded with i (CaseFolding.txt status T)
  ['\\x41', 'a', true, true],
  ['[\\u0100-\\u017f]', '\u0101', true, true],
  ['😀', '😀', true, true],
]);

table('dot-all and multi-line flags', [
  ['(?s)a.c', 'a\nc', true],
  ['(?s:a.)c', 'a\nc', true],
  ['(?s:a).c', 'a\nc', false],
  ['(?sm)^a.b$', 'x\na\nb', true],
  ['(?m:^b)', 'a\nb', true],
  ['(?U)a+', 'aa', true],
]);

describe('rejections', () => {
  const rejected: ReadonlyArray<readonly [pattern: string, index: number, reason: string]> = [
    ['(a)\\1', 3, 'backreferences (\\1) are not supported'],
    ['(?P<x>a)(?P=x)', 8, 'named backreferences (?P=name)'],
    ['\\k<x>', 0, 'named backreferences (\\k<name>)'],
    ['a(?=b)', 1, 'lookahead (?=...)'],
    ['a(?!b)', 1, 'negative lookahead (?!...)'],
    ['(?<=a)b', 0, 'lookbehind (?<=...)'],
    ['(?<!a)b', 0, 'negative lookbehind (?<!...)'],
    ['(?>a+)b', 0, 'atomic groups'],
    ['a++', 2, 'possessive quantifiers'],
    ['a*+', 2, 'possessive quantifiers'],
    ['a{2}+', 4, 'possessive quantifiers'],
    ['a**', 2, 'cannot follow another quantifier'],
    ['a{2}{3}', 4, 'cannot follow another quantifier'],
    ['*a', 0, 'nothing to repeat'],
    ['a|+', 2, 'nothing to repeat'],
    ['({2}a)', 1, 'nothing to repeat'],
    ['a{1001}', 1, 'repetition count 1001 exceeds 1000'],
    ['a{1,5000}', 1, 'repetition count 5000 exceeds 1000'],
    ['a{3,2}', 1, 'max < min'],
    ['a{,3}', 1, '{,3} is ambiguous; write {0,3}'],
    ['(?:a{1000}){11}', 0, 'NFA states (limit 10000)'],
    ['(', 0, 'missing ) for this group'],
    ['(a|b', 0, 'missing )'],
    ['a)', 1, 'unmatched )'],
    ['[abc', 0, 'missing ] for this character class'],
    ['[z-a]', 1, 'range out of order'],
    ['[\\d-z]', 1, 'cannot be a range endpoint'],
    ['[[:alpha:]]', 1, 'POSIX classes'],
    ['[\\b]', 1, 'not allowed inside [...]'],
    ['\\p{L}', 0, 'Unicode property classes'],
    ['\\Qa.b\\E', 0, '\\Q...\\E quoting is not supported'],
    ['a\\Z', 1, '\\Z is not supported; use \\z or $'],
    ['\\q', 0, 'unknown escape \\q'],
    ['\\x4', 0, 'expected 2 hex digits'],
    ['\\u{110000}', 0, 'beyond U+10FFFF'],
    ['\\012', 0, 'octal escapes'],
    ['ab\\', 2, 'trailing backslash'],
    ['(?x)a', 2, "unknown group syntax or flag 'x'"],
    ['(?)', 0, 'empty flag group'],
    ['(?P<1x>a)', 0, 'invalid group name'],
    ['(?#note)a', 0, 'comments'],
    ['('.repeat(300) + ')'.repeat(300), 200, 'nested deeper than 200'],
    ['a'.repeat(10_001), 10_000, 'longer than 10000 characters'],
  ];
  it.each(rejected)('%j → index %i: %s', (pattern, index, reason) => {
    const r = compileRegex(pattern, { caseInsensitive: false });
    expect(isRegexError(r)).toBe(true);
    const message = isRegexError(r) ? r.error : '';
    expect(message).toContain(`invalid regex at index ${index}: `);
    expect(message).toContain(reason);
  });

  it('accepts the limits themselves', () => {
    expect(isRegexError(compileRegex('a'.repeat(9_000), { caseInsensitive: false }))).toBe(false);
    expect(isRegexError(compileRegex('(?:a{1000}){9}', { caseInsensitive: false }))).toBe(false);
    expect(isRegexError(compileRegex('('.repeat(200) + ')'.repeat(200), { caseInsensitive: false }))).toBe(false);
  });

  it('countSteps throws a typed error for an invalid pattern', () => {
    expect(() => countSteps('(?=x)', 'x', { caseInsensitive: false })).toThrow(RegexSyntaxError);
  });
});

describe('API', () => {
  it('keeps the source and can be reused across inputs', () => {
    const r = compileRegex('^a+b$', { caseInsensitive: false });
    if (isRegexError(r)) throw new Error(r.error);
    expect(r.source).toBe('^a+b$');
    expect(['ab', 'aab', 'b', 'aabx', 'ab'].map((s) => r.test(s))).toEqual([true, true, false, false, true]);
  });

  it('stays correct when the DFA cache overflows and falls back to NFA simulation', () => {
    // (a|b)*a(a|b){14} needs ~2^15 DFA states: far above the 2,000-state cache.
    const pattern = '(a|b)*a(a|b){14}$';
    let seed = 7;
    const input = Array.from({ length: 20_000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed >>> 16) % 2 === 0 ? 'a' : 'b';
    }).join('');
    const expected = input.at(-15) === 'a';
    const r = compileRegex(pattern, { caseInsensitive: false });
    if (isRegexError(r)) throw new Error(r.error);
    for (const s of [input, input.slice(0, 19_999), input]) {
      const want = s.at(-15) === 'a';
      expect(r.test(s)).toBe(want);
      expect(countSteps(pattern, s, { caseInsensitive: false, engine: 'nfa' }).matched).toBe(want);
    }
    expect(r.test(input)).toBe(expected);
  });
});
