/**
 * The keyed topic's record format (src/rules/runtime/keyed-record.ts): what
 * the ingest stage writes reads back identically, and a record Sift did not
 * write (anyone with write access to the topic can put one there) is refused
 * with a reason: never an exception, and never a record the detect stage then
 * chokes on. Reasons are the fixed texts the detect stage counts by.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, decodeKeyed, encodeKeyed, type KeyedInput } from '../../src/rules/index.js';
import { at, compile, ruleText, sourceBatch } from '../helpers/keyed-sim.js';

const rule = compile(
  ruleText('k.brute', ['okta.system'], 'detection:\n  failed:\n    event.outcome: failure\n  condition: failed\nthreshold: {count: 2, group_by: [user.name], window: 10m}\noutput:\n  fields: [source.ip]\n'),
);

/** A real keyed input: an Okta page of two failures through prepare and route. */
function routed(): KeyedInput[] {
  const page = [0, 1].map((i) => ({
    uuid: `u${i}`,
    published: at(1, i),
    eventType: 'user.session.start',
    version: '0',
    displayMessage: 'User login to Okta',
    actor: { id: '00ualice', type: 'User', alternateId: 'alice@example.com', displayName: 'Alice' },
    client: { ipAddress: '198.51.100.7' },
    outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
  }));
  const b = sourceBatch('okta', 'sift.raw.okta/4', [{ offset: 77, value: JSON.stringify(page) }]);
  return createEngine([rule]).route(b.scope, b.inputs).keyed;
}

const [first] = routed();
if (first === undefined) throw new Error('no keyed input');
const KEY = first.key;
const wire = JSON.parse(encodeKeyed(first)) as Record<string, unknown>;
/** The valid record with some fields replaced (undefined removes one). */
function variant(changes: Record<string, unknown>): string {
  const o: Record<string, unknown> = { ...wire };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete o[k];
    else o[k] = v;
  }
  return JSON.stringify(o);
}

describe('the keyed record format', () => {
  it('reads back what it wrote, field for field', () => {
    expect(KEY).toBe('["alice@example.com"]');
    expect(wire).toMatchObject({ v: 1, src: 'sift.raw.okta/4', o: '77', i: 0, ds: 'okta.system', t: Date.parse(at(1)), w: Date.parse(at(1)), r: [['k.brute', first.rules[0]?.fingerprint, 1]] });
    for (const input of routed()) expect(decodeKeyed(input.key, encodeKeyed(input))).toEqual(input);
  });

  it('keeps a future flag, and an absent time as NaN / -Infinity', () => {
    const odd: KeyedInput = { ...first, time: NaN, watermark: -Infinity, future: true };
    const back = decodeKeyed(odd.key, encodeKeyed(odd));
    expect(back).toMatchObject({ future: true, watermark: -Infinity });
    expect(typeof back === 'string' ? undefined : back.time).toBeNaN();
  });
});

describe('records Sift did not write are refused with a reason', () => {
  const cases: [string, string | undefined, string | undefined, string][] = [
    ['no key', undefined, variant({}), 'no key'],
    ['no value', KEY, undefined, 'no value'],
    ['value not JSON', KEY, '{"v":1,', 'not JSON'],
    ['key not JSON', 'alice', variant({}), 'not JSON'],
    ['key an object', '{"user.name":"alice"}', variant({}), 'key is not a JSON array'],
    ['key a string', '"alice"', variant({}), 'key is not a JSON array'],
    ['value an array', KEY, '[1]', 'value is not an object'],
    ['value null', KEY, 'null', 'value is not an object'],
    ['version 2', KEY, variant({ v: 2 }), 'unknown format version 2'],
    ['version as text', KEY, variant({ v: '1' }), 'unknown format version "1"'],
    ['no version', KEY, variant({ v: undefined }), 'unknown format version undefined'],
    ['src a number', KEY, variant({ src: 4 }), 'src, id or ds is not a string'],
    ['no id', KEY, variant({ id: undefined }), 'src, id or ds is not a string'],
    ['ds null', KEY, variant({ ds: null }), 'src, id or ds is not a string'],
    ['offset a number', KEY, variant({ o: 77 }), 'o is not a decimal offset'],
    ['offset negative', KEY, variant({ o: '-1' }), 'o is not a decimal offset'],
    ['offset hex', KEY, variant({ o: '0x4d' }), 'o is not a decimal offset'],
    ['offset empty', KEY, variant({ o: '' }), 'o is not a decimal offset'],
    ['offset of 21 digits', KEY, variant({ o: '123456789012345678901' }), 'o is not a decimal offset'],
    ['index negative', KEY, variant({ i: -1 }), 'i is not an event index'],
    ['index fractional', KEY, variant({ i: 1.5 }), 'i is not an event index'],
    ['index as text', KEY, variant({ i: '0' }), 'i is not an event index'],
    ['index beyond 2^53', KEY, variant({ i: 2 ** 60 }), 'i is not an event index'],
    ['time as text', KEY, variant({ t: at(1) }), 't is not a time'],
    ['time absent', KEY, variant({ t: undefined }), 't is not a time'],
    ['watermark as text', KEY, variant({ w: 'now' }), 'w is not a time'],
    ['event missing', KEY, variant({ e: undefined }), 'e is not an event of dataset ds'],
    ['event an array', KEY, variant({ e: [] }), 'e is not an event of dataset ds'],
    ['event block missing', KEY, variant({ e: { '@timestamp': at(1) } }), 'e is not an event of dataset ds'],
    ['event of another dataset', KEY, variant({ e: { ...(wire['e'] as object), event: { kind: 'event', dataset: 'aws.cloudtrail', module: 'aws' } } }), 'e is not an event of dataset ds'],
    ['rules empty', KEY, variant({ r: [] }), 'r is not a list of [rule, fingerprint, mask]'],
    ['rules an object', KEY, variant({ r: { 'k.brute': 1 } }), 'r is not a list of [rule, fingerprint, mask]'],
    ['rule of two items', KEY, variant({ r: [['k.brute', 'f']] }), 'r is not a list of [rule, fingerprint, mask]'],
    ['mask 0', KEY, variant({ r: [['k.brute', 'f', 0]] }), 'r is not a list of [rule, fingerprint, mask]'],
    ['mask negative', KEY, variant({ r: [['k.brute', 'f', -1]] }), 'r is not a list of [rule, fingerprint, mask]'],
    ['mask fractional', KEY, variant({ r: [['k.brute', 'f', 0.5]] }), 'r is not a list of [rule, fingerprint, mask]'],
    ['rule id a number', KEY, variant({ r: [[7, 'f', 1]] }), 'r is not a list of [rule, fingerprint, mask]'],
  ];

  it.each(cases)('%s', (_name, key, value, reason) => {
    expect(decodeKeyed(key, value)).toBe(reason);
  });

  it('__proto__ keys are own data, never a prototype: a record that only has its fields under __proto__ is refused', () => {
    expect(decodeKeyed(KEY, `{"__proto__":${variant({})}}`)).toBe('unknown format version undefined');
    const hidden = variant({ e: undefined }).replace(/}$/, `,"e":{"__proto__":{"event":{"dataset":"okta.system"}}}}`);
    expect(decodeKeyed(KEY, hidden)).toBe('e is not an event of dataset ds');
    // A __proto__ key beside real fields is carried as data and does not change any object's prototype.
    const extra = variant({ e: { ...(wire['e'] as object), ['__proto__']: { polluted: true } } }).replace('"e":{', '"e":{"__proto__":{"polluted":true},');
    const back = decodeKeyed(KEY, extra);
    expect(typeof back).toBe('object');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    if (typeof back !== 'string') expect(Object.getPrototypeOf(back.event)).toBe(Object.prototype);
  });
});

describe('deep nesting', () => {
  const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

  it.each([
    ['a key of 100,000 nested arrays', `[${deep(100_000)}]`, variant({})],
    ['a value with 100,000 nested arrays in the event', KEY, variant({}).replace('"e":{', `"e":{"x":${deep(100_000)},`)],
    ['a value with 100,000 nested arrays in a field the rule reads', KEY, variant({}).replace('"e":{', `"e":{"source":{"ip":${deep(100_000)}},`).replace(/"source":\{"ip":"198\.51\.100\.7"\},?/, '')],
  ])('%s is refused with a reason, not thrown', (_name, key, value) => {
    let result: unknown;
    expect(() => (result = decodeKeyed(key, value))).not.toThrow();
    expect(result).toBe('nests too deep');
  });

  it('what Sift can write is accepted: events up to pipeline.max_depth (at most 1000) deep, in the key or the event', () => {
    // A flattened field holding a 1,000-level value: the value nests 1,002 deep, the key 1,001.
    const back = decodeKeyed(`[${deep(1000)}]`, variant({}).replace('"e":{', `"e":{"x":${deep(1000)},`));
    expect(typeof back).toBe('object');
    // Brackets inside strings are text, not nesting.
    expect(typeof decodeKeyed(`["${'['.repeat(5000)}"]`, variant({}))).toBe('object');
    expect(decodeKeyed(`[${deep(1024)}]`, variant({}))).toBe('nests too deep');
  });

  it('a record the decoder accepts never quarantines the rule it names, and its detections can be written as JSON', () => {
    const quarantined: string[] = [];
    const engine = createEngine([rule], { hooks: { onQuarantine: (id) => quarantined.push(id) } });
    const deepIp = variant({}).replace('"source":{"ip":"198.51.100.7"}', `"source":{"ip":${deep(100_000)}}`);
    const hostile = [
      decodeKeyed(`[${deep(100_000)}]`, variant({})),
      decodeKeyed(`[${deep(5_000)}]`, variant({ o: '78' })),
      // Two records of one group (threshold 2): the detection's output field source.ip is the deep value.
      decodeKeyed(KEY, deepIp),
      decodeKeyed(KEY, deepIp.replace('"o":"77"', '"o":"79"')),
    ];
    const accepted = hostile.filter((d): d is KeyedInput => typeof d !== 'string');
    const p = engine.partition('k/0');
    const detections = p.evaluateKeyed(accepted);
    expect(quarantined).toEqual([]);
    expect(() => p.checkpoint()).not.toThrow();
    // The alert stage serializes each detection's fields and sample.
    for (const d of detections) expect(() => JSON.stringify([d.fields, d.sample, d.group])).not.toThrow();
  });
});
