/**
 * Safe dotted-path readers. Events are nested (`e.user.name`), but under
 * `flattened` fields vendors keep keys that contain dots themselves
 * (`okta.debug_context.debug_data.flattened["risk.level"]`), so at each level
 * the reader also tries the longer dotted keys. Only own properties are read:
 * an event can never make a rule walk into `__proto__` or a constructor.
 */
import type { FieldGetter } from './types.js';

/** Path segments that are never read, whatever the event says. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

type Bag = Record<string, unknown>;

const absent: FieldGetter = () => undefined;

/**
 * `keys[i][j]` is parts i..j joined by dots: every key the reader may look up,
 * built once so that reading allocates nothing.
 */
function keyTable(parts: readonly string[]): string[][] {
  return parts.map((_, i) => parts.slice(i).map((__, k) => parts.slice(i, i + k + 1).join('.')));
}

function readAt(o: unknown, i: number, keys: readonly (readonly string[])[]): unknown {
  if (i === keys.length) return o;
  if (Array.isArray(o)) return readEach(o, i, keys);
  if (o === null || typeof o !== 'object') return undefined;
  const row = keys[i] ?? [];
  for (let k = 0; k < row.length; k++) {
    const key = row[k] ?? '';
    if (!Object.hasOwn(o, key)) continue;
    const v = readAt((o as Bag)[key], i + k + 1, keys);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * An array in the middle of a path (a list of objects under a flattened
 * field): the path's values in every element, flattened one level, as the
 * field's values (`okta.target.type` over every target).
 */
function readEach(list: readonly unknown[], i: number, keys: readonly (readonly string[])[]): unknown {
  let out: unknown[] | undefined;
  for (const el of list) {
    const v = readAt(el, i, keys);
    if (v === undefined) continue;
    out ??= [];
    if (Array.isArray(v)) out.push(...(v as unknown[]));
    else out.push(v);
  }
  return out;
}

export function getter(path: string): FieldGetter {
  const parts = path.split('.');
  if (parts.some((p) => p === '' || FORBIDDEN_SEGMENTS.has(p))) return absent;
  const keys = keyTable(parts);
  // Most reads are plain nesting (`e.user.name`), the first alternative the
  // search tries: walk it with direct property reads, and search only when it
  // does not resolve. A function is never an event's own value (events are
  // JSON data), so one found here is inherited (`toString`): search instead.
  return (e) => {
    let o: unknown = e;
    for (const part of parts) {
      if (o === null || typeof o !== 'object' || Array.isArray(o)) return readAt(e, 0, keys);
      o = (o as Bag)[part];
    }
    return o === undefined || typeof o === 'function' ? readAt(e, 0, keys) : o;
  };
}
