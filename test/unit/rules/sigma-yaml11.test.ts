/**
 * Sigma values are read as PyYAML's safe loader reads them (issue 13: `1e3`
 * in a Sigma value is the string `1e3` for SigmaHQ tooling, not 1000). The
 * table is written by hand from PyYAML 6's resolver regexes for YAML 1.1
 * (yaml/resolver.py):
 *   int:   [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
 *          | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
 *   float: [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)? | \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
 *          | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
 * and its constructors (underscores dropped; 0b binary, 0x hex, a leading 0
 * octal; `a:b:c` base 60; a float's sign applied after reading the rest).
 */
import { describe, expect, it } from 'vitest';
import { convertSigma } from '../../../src/rules/sigma/index.js';
import { parseSigmaYaml } from '../../../src/rules/sigma/yaml11.js';

const read = (plain: string): unknown => parseSigmaYaml(`v: ${plain}\n`)[0]?.toJS().v as unknown;

describe('Sigma numbers as PyYAML reads them', () => {
  it.each([
    // Exponents: a float needs a dot, and its exponent a sign.
    ['1e3', '1e3'],
    ['1E3', '1E3'],
    ['1e+3', '1e+3'],
    ['1.0e3', '1.0e3'],
    ['1.0e+3', 1000],
    ['1.0E-2', 0.01],
    ['1.e+3', 1000],
    ['.5e-3', 0.0005],
    // Dots: a leading dot only without a sign.
    ['.5', 0.5],
    ['-.5', '-.5'],
    ['+.5', '+.5'],
    ['1.', 1],
    ['-1.5', -1.5],
    ['1_000.5', 1000.5],
    ['1.5_', 1.5],
    ['.', '.'],
    ['._5', '._5'],
    // Decimal ints: no leading zero; underscores anywhere after the first digit.
    ['0', 0],
    ['-0', 0],
    ['+12', 12],
    ['1_000', 1000],
    ['1__0', 10],
    ['1_', 1],
    ['_1', '_1'],
    ['09', '09'],
    // Octal (a leading 0), binary, hex; 0o is YAML 1.2 only.
    ['017', 15],
    ['00', 0],
    ['-0_7', -7],
    ['0o17', '0o17'],
    ['0b1010', 10],
    ['-0b11', -3],
    ['0x1A', 26],
    ['0x_1a', 26],
    ['0x', '0x'],
    ['0b', '0b'],
    // Base 60: the first part has no leading zero, the others are 0-59.
    ['1:30', 90],
    ['190:20:30', 685230],
    ['09:30', '09:30'],
    ['1:60', '1:60'],
    ['1:30.5', 90.5],
    ['190:20:30.15', 685230.15],
    // Beyond 2^53 an int keeps its exact decimal text.
    ['9007199254740991', 9007199254740991],
    ['12345678901234567890', '12345678901234567890'],
    ['0x1_0000_0000_0000_0000', '18446744073709551616'],
  ])('%s → %j', (plain, expected) => {
    expect(read(plain)).toStrictEqual(expected);
  });

  it('reads the special floats as PyYAML does', () => {
    expect(read('.inf')).toBe(Infinity);
    expect(read('-.Inf')).toBe(-Infinity);
    expect(read('+.INF')).toBe(Infinity);
    expect(read('.NaN')).toBeNaN();
    expect(read('-.nan')).toBe('-.nan');
    expect(read('inf')).toBe('inf');
  });

  it('carries the string through to the Sift rule, quoted', () => {
    const text = 'title: t\nlogsource: {product: okta}\ndetection:\n  selection:\n    displayMessage: [1e3, 1.0e+3, 017]\n  condition: selection\n';
    const r = convertSigma(text, 'numbers.yml');
    if (!r.ok) throw new Error(r.reason);
    expect(r.rule.doc.detection['selection']).toEqual({ 'okta.display_message': ['1e3', 1000, 15] });
    expect(r.yaml).toContain('- "1e3"\n');
  });
});
