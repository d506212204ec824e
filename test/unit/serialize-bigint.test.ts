// Integers beyond 2^53 survive decode as digit strings (decode/json.ts); the
// serializer must write them into `long` fields as the exact bare number, not
// round them through a double. Expected texts are the input digits, by hand.
import { describe, expect, it } from 'vitest';
import { createSerializer, fieldsOf, type EcsEvent } from '../../src/ecs/index.js';
import { decodeJson, parseJsonExact, sourceFor } from '../../src/ingest/index.js';

const serialize = createSerializer(fieldsOf('gitlab.audit') ?? []);

function doc(entityId: unknown, userId?: unknown): EcsEvent {
  return {
    '@timestamp': '2024-05-10T17:46:49.058Z',
    event: { kind: 'event', dataset: 'gitlab.audit', module: 'gitlab' },
    gitlab: { audit: { entity_id: entityId, meta: userId === undefined ? undefined : { user_id: userId } } },
  } as unknown as EcsEvent;
}

/** The text of one `long` member, as written (JSON.parse would round it again). */
function member(text: string, key: string): string | undefined {
  return new RegExp(`"${key}":(-?[0-9]+)[,}]`).exec(text)?.[1];
}

describe('decode: which integers are kept as digits', () => {
  it('keeps integers beyond 2^53 exact, and safe ones (16-digit microsecond times included) as numbers', () => {
    // By hand: 2^53 = 9007199254740992 is itself not safe (2^53 + 1 reads as it); 16 digits below 9e15 always are.
    expect(parseJsonExact('{"usec":1717171717123456,"ms":1717171717123}')).toEqual({ usec: 1717171717123456, ms: 1717171717123 });
    expect(parseJsonExact('{"z":9007199254740991,"a":9007199254740992,"b":9007199254740993,"c":-9007199254740993}')).toEqual({ z: 9007199254740991, a: '9007199254740992', b: '9007199254740993', c: '-9007199254740993' });
    expect(parseJsonExact('[ 12345678901234567, 9999999999999999 ]')).toEqual(['12345678901234567', '9999999999999999']);
    expect(parseJsonExact('{"s":"12345678901234567890","f":12345678901234567.5}')).toEqual({ s: '12345678901234567890', f: 12345678901234568 });
  });
});

describe('serializer: exact big integers in long fields', () => {
  it.each([
    ['12345678901234567891', '12345678901234567891'],
    ['9223372036854775807', '9223372036854775807'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['9007199254740993', '9007199254740993'],
    ['0012345678901234567', '12345678901234567'],
    ['-0009007199254740993', '-9007199254740993'],
    ['0', '0'],
  ])('writes the digit string %s as the bare number %s', (digits, want) => {
    const text = serialize(doc(digits));
    expect(member(text, 'entity_id')).toBe(want);
    expect(() => JSON.parse(text) as unknown).not.toThrow();
  });

  it('leaves ordinary numbers as they were', () => {
    expect(member(serialize(doc(42, -7)), 'entity_id')).toBe('42');
    expect(member(serialize(doc(42, -7)), 'user_id')).toBe('-7');
    expect(member(serialize(doc(9007199254740991)), 'entity_id')).toBe('9007199254740991');
  });

  it('still refuses a string that is no integer at all', () => {
    expect(() => serialize(doc('twelve'))).toThrow();
  });

  it('keeps a GitLab id beyond 2^53 exact from the raw record to the document text', () => {
    const raw = '{"created_at":"2024-05-10T17:46:49.058+00:00","entity_id":1234567890123456789,"entity_type":"User","meta.user_id":9007199254740993,"author_id":1}';
    const decoded = decodeJson(Buffer.from(raw), { maxBytes: 1 << 20, maxDepth: 64 });
    if (!decoded.ok) throw new Error('decode failed');
    const source = sourceFor('gitlab');
    const r = source?.normalize(decoded.value, { original: undefined, receivedAt: undefined });
    if (r?.ok !== true) throw new Error('normalize failed');
    const text = serialize(r.event);
    expect(member(text, 'entity_id')).toBe('1234567890123456789');
    expect(member(text, 'user_id')).toBe('9007199254740993');
  });
});
