/**
 * Sigma modifiers and values → Sift field tests: the encodings Sigma
 * defines (base64, base64offset, windash), regex flags, wildcards and
 * escapes, and the reasons for what Sift cannot express.
 */
import { describe, expect, it } from 'vitest';
import { base64offset, parseSigmaString, toSiftPattern, windash, WINDASH_CHARS } from '../../../src/rules/sigma/index.js';
import { CLOUDTRAIL, OKTA, reason, selection } from './sigma-helpers.js';

const MSG = 'displayMessage';

describe('base64 and base64offset', () => {
  it('encode as pySigma does (offset variants cut where the neighbours leak in)', () => {
    expect(selection({ [`${MSG}|base64offset|contains`]: 'http://' })).toEqual({
      'okta.display_message|contains': ['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v'],
    });
    expect(selection({ [`${MSG}|base64offset|contains`]: ['abc', 'IEX'] })).toEqual({
      'okta.display_message|contains': ['YWJj', 'FiY', 'hYm', 'SUVY', 'lFW', 'JRV'],
    });
    expect(selection({ [`${MSG}|base64`]: 'abcd' })).toEqual({ 'okta.display_message': 'YWJjZA==' });
  });

  it('finds the value inside any base64 text that encodes it, for every offset', () => {
    const values = ['http://', 'é!', 'IEX (New-Object', 'a', 'ab'];
    for (const value of values) {
      const r = base64offset(parseSigmaString(value));
      if (!r.ok) throw new Error(r.reason);
      const forms = r.values.map(toSiftPattern);
      for (let before = 0; before < 6; before++) {
        for (let after = 0; after < 4; after++) {
          const encoded = Buffer.from(`${'x'.repeat(before)}${value}${'y'.repeat(after)}`, 'utf8').toString('base64');
          expect(forms.some((f) => encoded.includes(f)), `${value} after ${before} bytes`).toBe(true);
        }
      }
    }
  });

  it('refuses wildcards and |all over several expanded values', () => {
    expect(reason({ [`${MSG}|base64offset|contains`]: 'ab*' })).toMatch(/base64 of a value with wildcards/);
    expect(reason({ [`${MSG}|base64offset|contains|all`]: ['abc', 'def'] })).toMatch(/AND of ORs/);
    // One value: |all over its own forms is still their OR.
    expect(selection({ [`${MSG}|base64offset|contains|all`]: 'abc' })).toEqual({ 'okta.display_message|contains': ['YWJj', 'FiY', 'hYm'] });
  });
});

describe('windash', () => {
  it('expands each switch character into the five dash forms', () => {
    const r = windash(parseSigmaString('cmd -a /b'));
    if (!r.ok) throw new Error(r.reason);
    const values = r.values.map(toSiftPattern);
    expect(values).toHaveLength(WINDASH_CHARS.length ** 2);
    expect(values).toContain('cmd -a /b');
    expect(values).toContain('cmd /a -b');
    expect(values).toContain('cmd \u2013a \u2015b');
  });

  it('leaves dashes inside words alone, and works with contains', () => {
    expect(selection({ [`${MSG}|windash|contains`]: 'a-b -c' })).toEqual({
      'okta.display_message|contains': WINDASH_CHARS.map((c) => `a-b ${c}c`),
    });
  });

  it('refuses expansions past 4 switches', () => {
    expect(reason({ [`${MSG}|windash`]: '-a -b -c -d -e' })).toMatch(/5 switches would expand to 3125 values/);
  });
});

describe('regular expressions', () => {
  it('keeps Sigma case-sensitivity and maps re|i', () => {
    expect(selection({ [`${MSG}|re`]: '^a.+b$' })).toEqual({ 'okta.display_message|re': '^a.+b$' });
    expect(selection({ [`${MSG}|re|i`]: 'abc' })).toEqual({ 'okta.display_message|re|i': 'abc' });
    expect(selection({ [`${MSG}|re|ignorecase`]: 'abc' })).toEqual({ 'okta.display_message|re|i': 'abc' });
  });

  it('drops m and s only when the pattern has no token they change', () => {
    expect(selection({ [`${MSG}|re|m`]: 'a\\$b[$^]' })).toEqual({ 'okta.display_message|re': 'a\\$b[$^]' });
    expect(reason({ [`${MSG}|re|m`]: '^abc' })).toMatch(/re\|m \(multi-line \^ and \$\) is not supported/);
    expect(selection({ [`${MSG}|re|s`]: 'a\\.b[.]' })).toEqual({ 'okta.display_message|re': 'a\\.b[.]' });
    expect(reason({ [`${MSG}|re|s`]: 'a.b' })).toMatch(/re\|s \(dot matches newline\)/);
  });

  it('refuses flags without re and modifiers before re', () => {
    expect(reason({ [`${MSG}|i`]: 'abc' })).toMatch(/regex flags \(i\) need the re modifier/);
    expect(reason({ [`${MSG}|base64|re`]: 'abc' })).toMatch(/applies only to an unmodified value/);
  });
});

describe('strings, wildcards and escapes', () => {
  it('keeps plain contains/startswith/endswith as Sift operators', () => {
    expect(selection({ [`${MSG}|contains`]: 'x', [`${MSG}|startswith`]: 'y', [`${MSG}|endswith`]: 'z' })).toEqual({
      'okta.display_message|contains': 'x',
      'okta.display_message|startswith': 'y',
      'okta.display_message|endswith': 'z',
    });
  });

  it('turns wildcards and escapes into Sift equals patterns', () => {
    expect(selection({ [`${MSG}|contains`]: ['a*b', 'c'] })).toEqual({ 'okta.display_message': ['*a*b*', '*c*'] });
    expect(selection({ [`${MSG}|contains`]: '*' })).toEqual({ 'okta.display_message': '*' });
    expect(selection({ [`${MSG}|startswith`]: 'lit\\*eral' })).toEqual({ 'okta.display_message': 'lit\\*eral*' });
    expect(selection({ [`${MSG}|endswith`]: 'C:\\Windows' })).toEqual({ 'okta.display_message': '*C:\\\\Windows' });
    expect(selection({ [MSG]: ['a?c', 'x\\?', 'plain'] })).toEqual({ 'okta.display_message': ['a?c', 'x\\?', 'plain'] });
  });

  it('maps all, cased, null, numbers and booleans', () => {
    expect(selection({ [`${MSG}|contains|all`]: ['a', 'b'] })).toEqual({ 'okta.display_message|contains|all': ['a', 'b'] });
    expect(selection({ [`${MSG}|contains|all`]: 'a' })).toEqual({ 'okta.display_message|contains': 'a' });
    expect(selection({ [`${MSG}|cased`]: 'Abc' })).toEqual({ 'okta.display_message|cased': 'Abc' });
    expect(selection({ [MSG]: null })).toEqual({ 'okta.display_message': null });
    expect(selection({ 'securityContext.isProxy': 'TRUE', 'securityContext.asNumber': 13335 })).toEqual({
      'okta.security_context.is_proxy': true,
      'okta.security_context.as.number': 13335,
    });
    expect(reason({ [`${MSG}|contains`]: null })).toMatch(/null takes no modifier/);
  });

  it('maps exists, comparisons and cidr', () => {
    expect(selection({ [`${MSG}|exists`]: false })).toEqual({ 'okta.display_message|exists': false });
    expect(selection({ 'securityContext.asNumber|gte': '64512' })).toEqual({ 'okta.security_context.as.number|gte': 64512 });
    expect(reason({ 'securityContext.asNumber|gt': 'many' })).toMatch(/gt takes numbers/);
    // CloudTrail's sourceIPAddress may be a host name: cidr reads the ip copy.
    expect(selection({ 'sourceIPAddress|cidr': ['10.0.0.0/8', 'fd00::/8'] }, CLOUDTRAIL)).toEqual({ 'source.ip|cidr': ['10.0.0.0/8', 'fd00::/8'] });
    expect(selection({ sourceIPAddress: 'AWS Internal' }, CLOUDTRAIL)).toEqual({ 'source.address': 'AWS Internal' });
  });
});

describe('what Sift cannot express', () => {
  it.each([
    ['expand', { [`${MSG}|expand`]: '%x%' }, /modifier expand expands %placeholders%/],
    ['fieldref', { [`${MSG}|fieldref`]: 'actor.id' }, /modifier fieldref compares two fields/],
    ['wide', { [`${MSG}|wide|base64offset|contains`]: 'x' }, /modifier wide encodes the value as UTF-16/],
    ['utf16le', { [`${MSG}|utf16le|base64`]: 'x' }, /modifier utf16le encodes/],
    ['time part', { [`${MSG}|hour`]: 3 }, /modifier hour compares a part of a timestamp/],
    ['neq', { [`${MSG}|neq`]: 3 }, /modifier neq is a not-equal test/],
    ['unknown', { [`${MSG}|sorted`]: 'x' }, /unknown modifier sorted/],
    ['two operators', { [`${MSG}|contains|endswith`]: 'x' }, /modifiers contains and endswith both set the operator/],
    ['keyword list', ['evil', 'bad'], /keyword search, which has no field/],
    ['keyword key', { '|contains': 'evil' }, /keyword search \(\|contains\) has no field/],
    ['unknown field', { nosuchfield: 'x' }, /field nosuchfield has no ECS mapping/],
    ['object value', { [MSG]: { a: 1 } }, /not a string, number, boolean or null/],
    ['empty list', { [MSG]: [] }, /empty value list/],
  ])('%s', (_name, items, expected) => {
    expect(reason(items, OKTA)).toMatch(expected);
  });
});
