/**
 * Rule text must never become code. Payloads go into every place a rule
 * author controls (id, selection names, field names, literal values, step
 * names); compilation either refuses them with an issue, or the generated
 * code carries them as data: a global canary is never touched, and the
 * source, once string literals and comments are removed, consists only of
 * tokens the generator itself produces.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { compileRule, formatIssue, parseRuleFile, type FieldTest, type RuleSpec } from '../../../src/rules/index.js';

const PAYLOADS = [
  '"); process.exit(1); //',
  "'); globalThis.__siftCanary = 1; //",
  '`${globalThis.__siftCanary = 1}`',
  '${globalThis.__siftCanary}',
  '*/ globalThis.__siftCanary = 1; /*',
  '\n globalThis.__siftCanary = 1; //',
  '\r\n globalThis.__siftCanary = 1; //',
  '\u2028 globalThis.__siftCanary = 1; //',
  '\u2029 globalThis.__siftCanary = 1; //',
  '\\"); globalThis.__siftCanary = 1; //',
  '</script><script>globalThis.__siftCanary = 1</script>',
  '\u0000\ud800\udfff\ud800',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '}); globalThis.__siftCanary = 1; (function(){',
];

let touched = 0;
beforeAll(() => {
  Object.defineProperty(globalThis, '__siftCanary', {
    configurable: true,
    get: () => {
      touched++;
      return undefined;
    },
    set: () => {
      touched++;
    },
  });
  vi.spyOn(process, 'exit').mockImplementation(() => {
    throw new Error('process.exit called from a rule');
  });
});
afterAll(() => {
  Reflect.deleteProperty(globalThis, '__siftCanary');
  vi.restoreAllMocks();
});

/** Identifiers and property names the generator may emit: anything else in code is an injection. */
const ALLOWED_WORDS = new Set(['const', 'let', 'return', 'function', 'typeof', 'undefined', 'true', 'false', 'c', 'e', 'x', 's', 'n', 'match', 'any', 'has', 'str', 'num', 'time', 'someIncludes', 'someStarts', 'someEnds', 'toLowerCase', 'test', 'includes', 'startsWith', 'endsWith']);
const GENERATED_ID = /^(?:[vgtkr]\d+|match_build|step\d+_build)$/;

/** The source without its string literals (JSON-encoded, so `\\"` never ends one) and comments. */
function codeOnly(source: string): string {
  return source
    .replace(/"(?:[^"\\\n\u2028\u2029]|\\.)*"/g, '""')
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('\n');
}

/** Words of the code that the generator would not produce, and any character it never emits. */
function foreignTokens(source: string): string[] {
  const code = codeOnly(source);
  const words = code.match(/[A-Za-z_$][\w$]*/g) ?? [];
  const odd = code.replace(/[A-Za-z_$][\w$]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?|""|[ \n(){};,.!?:=<>&|[\]-]/g, '');
  return [...words.filter((w) => !ALLOWED_WORDS.has(w) && !GENERATED_ID.test(w)), ...(odd === '' ? [] : [odd])];
}

function assertSafe(source: string): void {
  expect(foreignTokens(source)).toEqual([]);
  for (const line of source.split('\n')) {
    // Comments: to the end of one line, letters, digits and a few marks only.
    const stripped = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const at = stripped.indexOf('//');
    if (at >= 0) expect(stripped.slice(at)).toMatch(/^\/\/ [A-Za-z0-9 ._\-@:|*?/]*$/);
  }
  const code = codeOnly(source);
  for (const p of PAYLOADS.filter((x) => /[^\w]/.test(x))) expect(code).not.toContain(p.trim());
}

function specWith(over: Partial<RuleSpec>, tests: FieldTest[], selectionName = 'sel'): RuleSpec {
  return {
    id: 'inj.rule',
    name: 'n',
    description: 'd',
    version: 1,
    severity: 'low',
    riskScore: 1,
    tags: [],
    datasets: ['okta.system'],
    detection: { selections: [{ name: selectionName, anyOf: [tests] }], condition: { kind: 'ref', name: selectionName }, conditionText: selectionName },
    outputFields: [],
    enabled: true,
    tests: [],
    file: 'inj.yml',
    ...over,
  };
}

const test = (field: string, op: FieldTest['op'], values: FieldTest['values'], cased = false): FieldTest => ({ field, op, values, all: false, cased });

function events(payload: string): EcsEvent[] {
  const base = { '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' } };
  const target = JSON.parse(`{${JSON.stringify(payload)}: ${JSON.stringify(payload)}, "x": ${JSON.stringify(payload)}}`) as unknown;
  return [base, { ...base, user: { name: payload }, okta: { target } }, { ...base, okta: { target: [target, payload] } }] as unknown as EcsEvent[];
}

describe('injection: compile refuses or treats as data', () => {
  it.each(PAYLOADS)('payload %j', (payload) => {
    const specs: RuleSpec[] = [
      specWith({ id: payload, name: payload, description: payload }, [test('user.name', 'equals', [payload])]),
      specWith({}, [test('user.name', 'equals', [payload, 'b', payload.toUpperCase()]), test('user.name', 'contains', [payload]), test('user.name', 'startswith', [payload, 'x'], true), test('user.name', 'endswith', [`*${payload}?`])]),
      specWith({}, [test(`okta.target.${payload}`, 'equals', [payload]), test(`okta.target.x${payload}`, 'exists', [true])]),
      specWith({}, [test('user.name', 're', [payload]), test('source.ip', 'cidr', [payload]), test('okta.target.n', 'gt', [payload])]),
      specWith({}, [test('user.name', 'equals', [payload])], payload),
      specWith({ outputFields: [`okta.target.${payload}`], aggregation: { type: 'threshold', count: 2, groupBy: [`okta.target.${payload}`], windowMs: 1000 } }, [test('user.name', 'exists', [true])]),
      specWith({ aggregation: { type: 'sequence', by: [], maxspanMs: 1000, steps: [{ name: payload, condition: { kind: 'ref', name: 'sel' }, conditionText: payload, count: 1 }, { name: 'b', condition: { kind: 'not', arg: { kind: 'ref', name: 'sel' } }, conditionText: 'x', count: 1 }] } }, [test('user.name', 'equals', [payload])]),
    ];
    let compiled = 0;
    for (const spec of specs) {
      const r = compileRule(spec);
      if (r.rule === undefined) {
        // Refused: the issue says why, and naming the payload does no harm.
        expect(r.issues.length).toBeGreaterThan(0);
        continue;
      }
      compiled++;
      assertSafe(r.rule.source);
      for (const e of events(payload)) {
        expect(r.rule.match(e)).toBe(r.rule.reference(e));
        for (const [i, step] of r.rule.steps.entries()) expect(step(e)).toBe(r.rule.referenceSteps[i]?.(e));
        r.rule.groupBy.forEach((g) => g(e));
        r.rule.output.forEach((g) => g(e));
      }
    }
    expect(compiled).toBeGreaterThan(0);
    expect(touched).toBe(0);
  });

  it('literal values match as data, exactly', () => {
    for (const payload of PAYLOADS) {
      const r = compileRule(specWith({}, [test('user.name', 'equals', [payload], true)]));
      if (r.rule === undefined) throw new Error(r.issues.map(formatIssue).join('\n'));
      const [absent, present] = events(payload);
      expect(r.rule.match(present as EcsEvent)).toBe(true);
      expect(r.rule.match(absent as EcsEvent)).toBe(false);
    }
    expect(touched).toBe(0);
  });

  it('the parser refuses payloads as ids and selection names, and keeps them as data in values', () => {
    for (const payload of PAYLOADS) {
      const q = JSON.stringify(payload);
      const asId = parseRuleFile(`id: ${q}\nname: n\ndescription: d\nversion: 1\nseverity: low\nscope: {datasets: [okta.system]}\ndetection:\n  sel: {user.name: a}\n  condition: sel\n`, 'p.yml');
      const asName = parseRuleFile(`id: p.rule\nname: n\ndescription: d\nversion: 1\nseverity: low\nscope: {datasets: [okta.system]}\ndetection:\n  ${q}: {user.name: a}\n  condition: ${q}\n`, 'p.yml');
      if (/^\w+$/.test(payload)) {
        // A plain word is a fine id or selection name (`constructor` included): it stays data.
        for (const parsed of [asId, asName]) {
          if (parsed.rule === undefined) continue; // e.g. uppercase in an id
          const compiled = compileRule(parsed.rule);
          expect(compiled.issues).toEqual([]);
          assertSafe(compiled.rule?.source ?? '');
        }
        expect(asName.rule?.detection.selections[0]?.name).toBe(payload);
        continue;
      }
      expect(asId.rule).toBeUndefined();
      expect(asName.rule).toBeUndefined();
      const asValue = parseRuleFile(`id: p.rule\nname: ${q}\ndescription: d\nversion: 1\nseverity: low\nscope: {datasets: [okta.system]}\ndetection:\n  sel: {user.name: ${q}, ${JSON.stringify(`okta.target.${payload}`)}: ${q}}\n  condition: sel\n`, 'p.yml');
      if (asValue.rule === undefined) continue; // e.g. a key with `|` in it: refused with an issue
      const r = compileRule(asValue.rule);
      if (r.rule !== undefined) assertSafe(r.rule.source);
    }
    expect(touched).toBe(0);
  });
});
