/**
 * The keyed topic's record format (keyed mode): Kafka key = the group's
 * canonical JSON; value = one JSON object, version 1:
 *
 *   {"v":1,"src":"<topic>/<partition>","o":"<offset>","i":<index>,
 *    "id":"<event _id>","ds":"<dataset>","t":<epoch ms>|null,"w":<source watermark>|null,"f":1?,
 *    "r":[["<rule id>","<fingerprint>",<mask>],…],"e":{<projected event>}}
 *
 * Source markers (docs/keyed-order.md): key `@mark`, value
 *
 *   {"v":2,"m":[["<topic>/<partition>",<watermark epoch ms>|null,<idle 0|1>],…]}
 *
 * written by the ingest stage to every keyed partition after a batch's
 * events (and for quiet sources on a timer), so the detect stage can release
 * events in event time (reorder.ts). Another version: a reader of version 1
 * counts a marker as a record it does not know and skips it.
 *
 * JSON, not Avro: the projected event is free-form, and an operator can read
 * the topic with kcat. The decoder trusts nothing: the topic is internal, but
 * anyone with write access could put anything there, and one bad record must
 * cost a counter, not the detect stage.
 */
import type { EcsEvent } from '../../ecs/index.js';
import { nestingExceeds } from '../../ingest/decode/index.js';
import type { SourceMark } from './reorder.js';
import type { KeyedInput, KeyedRule } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const KEYED_FORMAT = 1;
export const MARK_FORMAT = 2;
/** Kafka key of a marker record: not a JSON array, so never a group's. */
export const MARK_KEY = '@mark';

export function encodeMarks(marks: readonly SourceMark[]): string {
  return JSON.stringify({ v: MARK_FORMAT, m: marks.map((m) => [m.source, Number.isFinite(m.watermark) ? m.watermark : null, m.idle ? 1 : 0]) });
}

/** The marks of a marker record's value, or the reason it is not one. */
export function decodeMarks(value: string | undefined): SourceMark[] | string {
  if (value === undefined) return 'no value';
  // A marker lists the sources of one ingest instance: short.
  if (value.length > 1024 * 1024) return 'marker too large';
  let wire: unknown;
  try {
    wire = JSON.parse(value);
  } catch {
    return 'not JSON';
  }
  if (!isObject(wire) || wire.v !== MARK_FORMAT || !Array.isArray(wire.m)) return 'not a marker';
  const out: SourceMark[] = [];
  for (const m of wire.m as unknown[]) {
    if (!Array.isArray(m) || m.length !== 3) return 'marker entry is not [source, watermark, idle]';
    const [source, w, idle] = m as unknown[];
    if (typeof source !== 'string' || (w !== null && (typeof w !== 'number' || !Number.isFinite(w))) || (idle !== 0 && idle !== 1)) return 'marker entry is not [source, watermark, idle]';
    out.push({ source, watermark: w ?? -Infinity, idle: idle === 1 });
  }
  return out;
}

interface Wire {
  v: number;
  src: string;
  o?: string;
  i?: number;
  id: string;
  ds: string;
  t: number | null;
  w: number | null;
  f?: 1;
  r: [string, string, number][];
  e: EcsEvent;
}

export function encodeKeyed(input: KeyedInput): string {
  const wire: Wire = {
    v: KEYED_FORMAT,
    src: input.source ?? '',
    ...(input.offset !== undefined ? { o: input.offset } : {}),
    ...(input.index !== undefined ? { i: input.index } : {}),
    id: input.id,
    ds: input.dataset,
    t: Number.isFinite(input.time) ? input.time : null,
    w: Number.isFinite(input.watermark) ? input.watermark : null,
    ...(input.future === true ? { f: 1 as const } : {}),
    r: input.rules.map((r) => [r.id, r.fingerprint, r.mask]),
    e: input.event,
  };
  return JSON.stringify(wire);
}


/**
 * Deepest nesting of a key or value Sift can write: events are at most
 * pipeline.max_depth deep (at most 1000) and the record adds two levels. A
 * deeper record is not Sift's, and it must be refused here: JSON.parse reads
 * any depth, but the detect stage stringifies the group key and the alert
 * stage the projected fields, and at a few thousand levels both overflow the
 * stack (a RangeError that quarantines the rule, or fails every retry of the
 * batch).
 */
const MAX_DEPTH = 1024;

/** Whether the JSON text nests arrays and objects deeper than MAX_DEPTH (the decoder's own scan; brackets in strings do not count). */
function nestsTooDeep(text: string): boolean {
  // Each level takes at least one character: short texts cannot be too deep.
  return text.length > MAX_DEPTH && nestingExceeds(text, MAX_DEPTH);
}

function rulesOf(v: unknown): KeyedRule[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: KeyedRule[] = [];
  for (const r of v) {
    if (!Array.isArray(r) || r.length !== 3) return undefined;
    const [id, fingerprint, mask] = r as unknown[];
    if (typeof id !== 'string' || typeof fingerprint !== 'string' || typeof mask !== 'number' || !Number.isInteger(mask) || mask <= 0) return undefined;
    out.push({ id, fingerprint, mask });
  }
  return out;
}

/** The keyed input of a record, or the reason it is not one. */
export function decodeKeyed(key: string | undefined, value: string | undefined): KeyedInput | string {
  if (key === undefined) return 'no key';
  if (value === undefined) return 'no value';
  if (nestsTooDeep(key) || nestsTooDeep(value)) return 'nests too deep';
  let group: unknown;
  let wire: unknown;
  try {
    group = JSON.parse(key);
    wire = JSON.parse(value);
  } catch {
    return 'not JSON';
  }
  if (!Array.isArray(group)) return 'key is not a JSON array';
  if (!isObject(wire)) return 'value is not an object';
  if (wire.v !== KEYED_FORMAT) return `unknown format version ${JSON.stringify(wire.v)}`;
  const { src, o, i, id, ds, t, w, f, e } = wire;
  if (typeof src !== 'string' || typeof id !== 'string' || typeof ds !== 'string') return 'src, id or ds is not a string';
  if (o !== undefined && (typeof o !== 'string' || !/^\d{1,20}$/.test(o))) return 'o is not a decimal offset';
  if (i !== undefined && (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0)) return 'i is not an event index';
  if (t !== null && (typeof t !== 'number' || !Number.isFinite(t))) return 't is not a time';
  if (w !== null && (typeof w !== 'number' || !Number.isFinite(w))) return 'w is not a time';
  if (!isObject(e) || !isObject(e.event) || e.event.dataset !== ds) return 'e is not an event of dataset ds';
  const rules = rulesOf(wire.r);
  if (rules === undefined) return 'r is not a list of [rule, fingerprint, mask]';
  return {
    key,
    dataset: ds,
    time: t ?? NaN,
    watermark: w ?? -Infinity,
    rules,
    event: e as unknown as EcsEvent,
    id,
    ...(src !== '' ? { source: src } : {}),
    ...(o !== undefined ? { offset: o } : {}),
    ...(i !== undefined ? { index: i } : {}),
    ...(f === 1 ? { future: true } : {}),
  };
}
