/**
 * The integration and fault workloads' oracle (test/helpers/okta-workload.ts)
 * is itself test code that decides expectations: its answers are checked here
 * against hand-written cases. The `_id`s were computed with openssl, outside
 * Node: printf 'okta.system\n<uuid>' | openssl dgst -sha256 -binary | base64,
 * made URL-safe and cut to 27 characters.
 */
import { describe, expect, it } from 'vitest';
import { generateOkta } from '../../src/generate/index.js';
import { expectedOktaId, outcomesOf, packOkta } from '../helpers/okta-workload.js';

const event = (uuid: string, published = '2026-04-01T00:00:00.000Z') => ({ uuid, published, eventType: 'user.session.start' });

describe('workload oracle', () => {
  it('writes the documented Okta _id formula', () => {
    expect(expectedOktaId('00u1a2b3c4d5e6f7g8h9')).toBe('fo2Jy5x2yfeFvcS3ZPwX6_ore1p');
    expect(expectedOktaId('bd4a8f2e-4c1b-11ef-9a5e-0242ac120002')).toBe('lFBqxwihvvzIWJqG3WsMagCvyJC');
  });

  it('refuses whole records that hold no event', () => {
    expect(outcomesOf('[]')).toEqual({ docs: [], dead: [{ index: undefined, code: 'SIFT_DECODE_NO_EVENTS' }] });
    expect(outcomesOf('')).toEqual({ docs: [], dead: [{ index: undefined, code: 'SIFT_DECODE_EMPTY' }] });
    expect(outcomesOf('this is not json')).toEqual({ docs: [], dead: [{ index: undefined, code: 'SIFT_DECODE_NOT_JSON' }] });
    expect(outcomesOf(Buffer.from([0xff, 0xfe, 0xfd]))).toEqual({ docs: [], dead: [{ index: undefined, code: 'SIFT_DECODE_NOT_UTF8' }] });
  });

  it('a single LogEvent is event 0', () => {
    expect(outcomesOf(JSON.stringify(event('00u1a2b3c4d5e6f7g8h9')))).toEqual({ docs: [{ index: 0, id: 'fo2Jy5x2yfeFvcS3ZPwX6_ore1p' }], dead: [] });
    expect(outcomesOf('{"eventType":"user.session.start","uuid":"no-timestamp-0001"}').dead).toEqual([{ index: 0, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' }]);
  });

  it('an API page: one event per element, bad elements dead alone', () => {
    const page = JSON.stringify([event('00u1a2b3c4d5e6f7g8h9'), 'heartbeat', { eventName: 'ConsoleLogin' }, event('x', 'yesterday'), event('bd4a8f2e-4c1b-11ef-9a5e-0242ac120002')]);
    expect(outcomesOf(page)).toEqual({
      docs: [
        { index: 0, id: 'fo2Jy5x2yfeFvcS3ZPwX6_ore1p' },
        { index: 4, id: 'lFBqxwihvvzIWJqG3WsMagCvyJC' },
      ],
      dead: [
        { index: 1, code: 'SIFT_NORMALIZE_NOT_OBJECT' },
        { index: 2, code: 'SIFT_DECODE_UNKNOWN_SOURCE' },
        { index: 3, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' },
      ],
    });
  });

  it('NDJSON: one event per non-blank line, a broken line dead alone', () => {
    const ndjson = `${JSON.stringify(event('00u1a2b3c4d5e6f7g8h9'))}\n\n{"uuid":"cut-off\n${JSON.stringify(event('bd4a8f2e-4c1b-11ef-9a5e-0242ac120002'))}\n`;
    expect(outcomesOf(ndjson)).toEqual({
      docs: [
        { index: 0, id: 'fo2Jy5x2yfeFvcS3ZPwX6_ore1p' },
        { index: 2, id: 'lFBqxwihvvzIWJqG3WsMagCvyJC' },
      ],
      dead: [{ index: 1, code: 'SIFT_DECODE_NOT_JSON' }],
    });
  });

  it('packing keeps every generated event, in all three shapes, with late and out-of-order ones', () => {
    const values = [...generateOkta({ count: 3000, seed: 5, start: new Date('2026-04-01T00:00:00Z'), badRatio: 0.01 })];
    const { records, figures } = packOkta(values, 6);
    expect(Math.min(figures.singles, figures.pages, figures.ndjson, figures.late, figures.swapped, figures.hostile, figures.empty)).toBeGreaterThan(0);
    // Every generated text comes out as exactly one outcome (an empty text as its own record), plus the hostile events and the empty pages.
    const outcomes = records.reduce((n, r) => {
      const o = outcomesOf(r.value);
      return n + o.docs.length + o.dead.length;
    }, 0);
    expect(outcomes).toBe(values.length + figures.hostile + figures.empty);
    const uuids = values.flatMap((v) => /"uuid":"([0-9a-f-]{36})"/.exec(v)?.[1] ?? []);
    const ids = new Set(records.flatMap((r) => outcomesOf(r.value).docs.map((d) => d.id)));
    expect(uuids.every((u) => ids.has(expectedOktaId(u)))).toBe(true);
  });
});
