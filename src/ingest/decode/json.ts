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

/**
 * Deepest object/array nesting in a JSON text, ignoring brackets inside
 * strings. Runs before JSON.parse so that a hostile record (10,000 nested
 * arrays) is refused before anything recursive can see it. Stops early once
 * the limit is exceeded.
 */
export function nestingExceeds(bytes: Uint8Array, limit: number): boolean {
  // Cheap bound first: nesting can't exceed the number of opening brackets,
  // and counting those is a native memchr per hit. Typical audit events have
  // a few dozen, so the byte-by-byte scan below runs only on suspects.
  if (countOpenings(bytes, limit) <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
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

/** Count of `{` and `[` in `bytes`, stopping once it passes `limit`. */
function countOpenings(bytes: Uint8Array, limit: number): number {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (const ch of [OPEN_BRACE, OPEN_BRACKET]) {
    let at = buf.indexOf(ch);
    while (at !== -1) {
      if (++n > limit) return n;
      at = buf.indexOf(ch, at + 1);
    }
  }
  return n;
}

/**
 * Bytes → JSON value. Pure: never throws, never logs. Every refusal carries a
 * stable code so the DLQ record says exactly why.
 */
export function decodeJson(bytes: Uint8Array | null, limits: DecodeLimits): DecodeResult {
  if (bytes === null || bytes.length === 0) return failure(ErrorCode.DecodeEmpty, 'record has no value');
  if (bytes.length > limits.maxBytes) {
    return failure(ErrorCode.DecodeTooLarge, `record is ${bytes.length} bytes, over pipeline.max_record_bytes (${limits.maxBytes})`);
  }
  if (!isUtf8(bytes)) return failure(ErrorCode.DecodeNotUtf8, 'record is not valid UTF-8');
  if (nestingExceeds(bytes, limits.maxDepth)) {
    return failure(ErrorCode.DecodeTooDeep, `record nests deeper than pipeline.max_depth (${limits.maxDepth})`);
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return failure(ErrorCode.DecodeNotJson, `record is not JSON: ${detail}`);
  }
}
