import { isUtf8 } from 'node:buffer';
import { ErrorCode, failure, type Failure } from '../../shared/index.js';

export interface Decoded {
  readonly ok: true;
  readonly value: unknown;
}
export type DecodeResult = Decoded | Failure;

export interface DecodeLimits {
  maxBytes: number;
  maxDepth: number;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Deepest object/array nesting in a JSON text, ignoring brackets inside
 * strings. A raw newline always ends a string (JSON strings cannot hold one):
 * otherwise one invalid NDJSON line with a lone `"` would hide every later
 * line of the record from this check. Runs before JSON.parse so that a hostile record (10,000 nested
 * arrays) is refused before anything recursive can see it. Stops early once
 * the limit is exceeded. Takes the bytes or the text itself: the brackets,
 * quote, backslash and newline are one byte in UTF-8 and one code unit in a
 * string alike, so a caller holding text never copies it into a Buffer.
 */
export function nestingExceeds(input: Uint8Array | string, limit: number): boolean {
  // Cheap bound first: nesting can't exceed the number of opening brackets,
  // and counting those is a native search per hit. Typical audit events have
  // a few dozen, so the unit-by-unit scan below runs only on suspects.
  if (countOpenings(input, limit) <= limit) return false;
  const at = typeof input === 'string' ? (i: number) => input.charCodeAt(i) : (i: number) => input[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE || c === NEWLINE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Count of `{` and `[` in the input, stopping once it passes `limit`. */
function countOpenings(input: Uint8Array | string, limit: number): number {
  const buf = typeof input === 'string' ? undefined : Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let n = 0;
  for (const ch of [OPEN_BRACE, OPEN_BRACKET]) {
    const find = (from: number): number => (buf ? buf.indexOf(ch, from) : (input as string).indexOf(String.fromCharCode(ch), from));
    for (let at = find(0); at !== -1; at = find(at + 1)) if (++n > limit) return n;
  }
  return n;
}

// Only 17+ digits, or 16 starting with 9 (2^53 = 9007199254740992), can lie beyond 2^53: a 16-digit
// microsecond timestamp (Workspace's timestamp_usec, Slack's action_timestamp) is safe and skips the reviver.
const UNSAFE_INTEGER = /[:[,]\s*-?(?:\d{17,}|9\d{15})/;

interface SourceContext {
  source?: string;
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact: they become strings of
 * their digits (ES indexes those into long or keyword fields unchanged)
 * instead of silently rounded numbers. The reviver, which is slow, only runs
 * on texts that contain a 16+ digit number at all.
 */
export function parseJsonExact(text: string): unknown {
  if (!UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  const reviver = (_key: string, value: unknown, context?: SourceContext): unknown =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)
      ? context.source
      : value;
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/** One JSON value found in a record, with the text it came from. */
export interface DecodedValue {
  readonly ok: true;
  readonly value: unknown;
  readonly text: string;
}

/**
 * Bytes → JSON value. Pure: never throws, never logs. Every refusal carries a
 * stable code so the DLQ record says exactly why.
 */
export function decodeJson(bytes: Uint8Array | null, limits: DecodeLimits): DecodeResult {
  const checked = checkBytes(bytes, limits);
  if (!checked.ok) return checked;
  try {
    return { ok: true, value: parseJsonExact(checked.text) };
  } catch (err) {
    return notJson(err);
  }
}

function checkBytes(bytes: Uint8Array | null, limits: DecodeLimits): { ok: true; text: string } | Failure {
  if (bytes === null || bytes.length === 0) return failure(ErrorCode.DecodeEmpty, 'record has no value');
  if (bytes.length > limits.maxBytes) {
    return failure(ErrorCode.DecodeTooLarge, `record is ${bytes.length} bytes, over pipeline.max_record_bytes (${limits.maxBytes})`);
  }
  if (!isUtf8(bytes)) return failure(ErrorCode.DecodeNotUtf8, 'record is not valid UTF-8');
  if (nestingExceeds(bytes, limits.maxDepth)) {
    return failure(ErrorCode.DecodeTooDeep, `record nests deeper than pipeline.max_depth (${limits.maxDepth})`);
  }
  return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
}

function notJson(err: unknown): Failure {
  const detail = err instanceof Error ? err.message : String(err);
  return failure(ErrorCode.DecodeNotJson, `record is not JSON: ${detail}`);
}

/**
 * Bytes → the JSON values in a record: one JSON document, or NDJSON (one
 * value per non-blank line, as batch exports deliver them). A bad line fails
 * alone; its neighbours are still decoded. Whole-record problems (empty, too
 * large, not UTF-8, too deep) fail the record.
 */
export function decodeRecord(bytes: Uint8Array | null, limits: DecodeLimits): readonly (DecodedValue | Failure)[] | Failure {
  const checked = checkBytes(bytes, limits);
  if (!checked.ok) return checked;
  const text = checked.text;
  try {
    return [{ ok: true, value: parseJsonExact(text), text }];
  } catch (err) {
    if (!text.includes('\n')) return notJson(err);
  }
  const out: (DecodedValue | Failure)[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      out.push({ ok: true, value: parseJsonExact(trimmed), text: trimmed });
    } catch (err) {
      out.push(notJson(err));
    }
  }
  return out.length > 0 ? out : failure(ErrorCode.DecodeEmpty, 'record holds only blank lines');
}
