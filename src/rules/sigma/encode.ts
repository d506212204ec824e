/**
 * Sigma's value-transforming modifiers, which turn one value into one or
 * more literal values before the operator applies: base64, base64offset and
 * windash (Sigma specification, appendix_modifier.md; the exact expansions
 * are pySigma's, the reference implementation).
 */
import { hasWildcards, plainText, type Piece, type SigmaString } from './sigma-string.js';

export type Expansion = { readonly ok: true; readonly values: readonly SigmaString[] } | { readonly ok: false; readonly reason: string };

const NO_WILDCARDS = 'base64 of a value with wildcards is undefined (Sigma refuses it too)';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const literal = (s: string): SigmaString => [{ kind: 'text', text: s }];

export function base64(value: SigmaString): Expansion {
  if (hasWildcards(value)) return { ok: false, reason: NO_WILDCARDS };
  return { ok: true, values: [literal(b64(utf8(plainText(value))))] };
}

/**
 * The three forms a value takes inside a longer base64 text, one per byte
 * offset (0, 1, 2) of the value in the encoded data: encode it behind 0–2
 * filler bytes, then cut the characters that depend on the unknown
 * neighbours (the leading ones the filler touched, and a trailing partial
 * group). Start cuts are 0, 2, 3 characters; the end cut depends on how the
 * value's length plus the offset falls on a 3-byte group: none, 3 or 2.
 * The length is in bytes (pySigma counts characters, which differs only for
 * non-ASCII values, where the byte count is the one that decides).
 */
const START_CUT = [0, 2, 3] as const;
const END_CUT = [0, 3, 2] as const;

export function base64offset(value: SigmaString): Expansion {
  if (hasWildcards(value)) return { ok: false, reason: NO_WILDCARDS };
  const bytes = utf8(plainText(value));
  const values: SigmaString[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.fill(0x20, 0, offset);
    padded.set(bytes, offset);
    const encoded = b64(padded);
    const end = END_CUT[(bytes.length + offset) % 3] ?? 0;
    values.push(literal(encoded.slice(START_CUT[offset], encoded.length - end)));
  }
  return { ok: true, values };
}

/** What a Windows command-line switch character may be written as (pySigma's list). */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;

/** Beyond this many switch characters the expansion (5^n values) is refused. */
export const WINDASH_MAX_SWITCHES = 4;

/**
 * A `-` or `/` that starts a switch: preceded by a non-word character (or the
 * start of the text piece) and followed by a word character (pySigma's
 * `\B[-/]\b`, applied to each text piece between wildcards).
 */
const SWITCH = /\B[-/]\b/g;

export function windash(value: SigmaString): Expansion {
  // Split each text piece at its switch characters: every slot gets one of WINDASH_CHARS.
  const template: (Piece | 'switch')[] = [];
  let switches = 0;
  for (const piece of value) {
    if (piece.kind !== 'text') {
      template.push(piece);
      continue;
    }
    let last = 0;
    for (const m of piece.text.matchAll(SWITCH)) {
      if (m.index > last) template.push({ kind: 'text', text: piece.text.slice(last, m.index) });
      template.push('switch');
      switches++;
      last = m.index + 1;
    }
    if (last < piece.text.length) template.push({ kind: 'text', text: piece.text.slice(last) });
  }
  if (switches > WINDASH_MAX_SWITCHES) {
    return { ok: false, reason: `windash on a value with ${switches} switches would expand to ${WINDASH_CHARS.length ** switches} values` };
  }
  let out: Piece[][] = [[]];
  for (const slot of template) {
    const choices: readonly Piece[] = slot === 'switch' ? WINDASH_CHARS.map((c) => ({ kind: 'text', text: c })) : [slot];
    out = out.flatMap((prefix) => choices.map((c) => [...prefix, c]));
  }
  return { ok: true, values: out.map(mergeText) };
}

/** Adjacent text pieces as one (keeps values canonical for de-duplication). */
function mergeText(pieces: readonly Piece[]): SigmaString {
  const out: Piece[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (p.kind === 'text' && prev?.kind === 'text') out[out.length - 1] = { kind: 'text', text: prev.text + p.text };
    else out.push(p);
  }
  return out;
}
