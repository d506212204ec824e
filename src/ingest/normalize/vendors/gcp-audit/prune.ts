/**
 * Small generic helpers of the GCP audit normalizer: copies of open-ended
 * vendor JSON for `flattened` fields, and `compact()`.
 */
import type { JsonObject, JsonValue } from '../../../../ecs/index.js';
import { isObj } from '../../accessors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ONLY_DOTS = /^\.+$/;

/**
 * ES limits of a `flattened` field that would otherwise reject the whole
 * document: objects nest at most `depth_limit` (20) deep, and a leaf is one
 * Lucene term (at most 32,766 bytes). Deeper subtrees are kept as their JSON
 * text, longer strings are cut (8,000 characters are at most 32,000 bytes).
 */
export const FLATTENED_MAX_DEPTH = 18;
export const FLATTENED_MAX_CHARS = 8000;

const cut = (s: string): string => (s.length > FLATTENED_MAX_CHARS ? s.slice(0, FLATTENED_MAX_CHARS) : s);

/**
 * Deep copy of vendor JSON for `flattened` fields that drops what Elastic's
 * GCP pipeline drops from its documents: null, "", empty objects and arrays
 * (also those that become empty once their members are dropped), and keys
 * made only of dots (the `"."` keys of Kubernetes managedFields). Also drops
 * the keys that enable prototype pollution. Recursion is bounded by
 * FLATTENED_MAX_DEPTH objects (arrays are bounded by decode's depth limit).
 */
export function pruned(v: unknown, depth = 0): JsonValue | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      const c = pruned(item, depth);
      if (c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : undefined;
  }
  if (isObj(v)) return prunedObject(v, undefined, depth);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return cut(v);
  if (typeof v === 'boolean') return v;
  return undefined;
}

/**
 * `pruned()` for an object, with some keys renamed on the way
 * (`resourceAttributes` → `resource_attributes`, as Elastic does).
 */
export function prunedObject(o: Readonly<Record<string, unknown>>, rename: ReadonlyMap<string, string> | undefined, depth = 0): JsonObject | undefined {
  const out: JsonObject = {};
  let any = false;
  for (const key of Object.keys(o)) {
    // A key starting with '.' is rare: test the regex only then.
    if (FORBIDDEN_KEYS.has(key) || (key.charCodeAt(0) === 0x2e && ONLY_DOTS.test(key))) continue;
    const member = o[key];
    const c = depth >= FLATTENED_MAX_DEPTH && isObj(member) ? deepText(member) : pruned(member, depth + 1);
    if (c === undefined) continue;
    out[rename?.get(key) ?? key] = c;
    any = true;
  }
  return any ? out : undefined;
}

/** A subtree too deep for ES, as JSON text (undefined when it holds nothing). */
function deepText(o: Readonly<Record<string, unknown>>): string | undefined {
  try {
    const text = JSON.stringify(o, (k, v: unknown) => (FORBIDDEN_KEYS.has(k) ? undefined : v));
    return text === '{}' ? undefined : cut(text);
  } catch {
    // Only a nesting beyond the stack gets here; decode's depth limit prevents it.
    return undefined;
  }
}

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';

/** A de-duplicated list, or undefined when empty. */
export const listOrUndefined = (list: string[]): string[] | undefined => (list.length > 0 ? list : undefined);
