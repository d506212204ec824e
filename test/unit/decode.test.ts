import { describe, expect, it } from 'vitest';
import { decodeJson } from '../../src/ingest/index.js';

const limits = { maxBytes: 1024 * 1024, maxDepth: 64 };
const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('decodeJson', () => {
  it('decodes an object', () => {
    expect(decodeJson(bytes('{"a":[1,{"b":"}"}]}'), limits)).toEqual({ ok: true, value: { a: [1, { b: '}' }] } });
  });

  it.each([
    ['empty', Buffer.alloc(0), 'SIFT_DECODE_EMPTY'],
    ['null value (tombstone)', null, 'SIFT_DECODE_EMPTY'],
    ['not JSON', bytes('hello'), 'SIFT_DECODE_NOT_JSON'],
    ['truncated', bytes('{"uuid":"abc'), 'SIFT_DECODE_NOT_JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'SIFT_DECODE_NOT_UTF8'],
    ['too large', Buffer.alloc(2 * 1024 * 1024, 0x20), 'SIFT_DECODE_TOO_LARGE'],
    ['10,000-deep nesting', bytes('['.repeat(10_000) + ']'.repeat(10_000)), 'SIFT_DECODE_TOO_DEEP'],
  ])('refuses %s with a reason code', (_name, input, code) => {
    const r = decodeJson(input, limits);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message.length).toBeGreaterThan(5);
    }
  });

  it('does not count brackets inside strings as nesting', () => {
    const deepInString = `{"s":"${'['.repeat(500)}\\"${'{'.repeat(500)}"}`;
    expect(decodeJson(bytes(deepInString), limits).ok).toBe(true);
  });

  it('accepts nesting up to the limit', () => {
    const ok = '['.repeat(64) + ']'.repeat(64);
    expect(decodeJson(bytes(ok), limits).ok).toBe(true);
    const over = '['.repeat(65) + ']'.repeat(65);
    expect(decodeJson(bytes(over), limits).ok).toBe(false);
  });
});
