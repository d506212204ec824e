/** Small helpers shared by the Okta mapping files. */
import { cleanJson, isObj } from '../../accessors.js';

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';

const SNAKE_CACHE = new Map<string, string>();

/** camelCase → snake_case, memoized (Okta's key set is small and fixed). */
export function snake(key: string): string {
  let s = SNAKE_CACHE.get(key);
  if (s === undefined) {
    s = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    if (SNAKE_CACHE.size < 10_000) SNAKE_CACHE.set(key, s);
  }
  return s;
}

/**
 * Okta's camelCase keys → Elastic's snake_case, recursively, on a cleanJson()
 * copy made in the same pass (nulls, empty objects and lists, and the
 * prototype-polluting keys dropped; one walk instead of two). A key
 * whose snake_case form is `__proto__` ("__Proto__") is dropped too: assigning
 * it would set the copy's prototype rather than add a member.
 */
export function snakeClean(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const c = snakeClean(item);
      if (c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : undefined;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    let some = false;
    for (const key of Object.keys(v)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      const c = snakeClean((v as Readonly<Record<string, unknown>>)[key]);
      if (c === undefined) continue;
      const name = snake(key);
      if (name === '__proto__') continue;
      out[name] = c;
      some = true;
    }
    return some ? out : undefined;
  }
  return v;
}

/**
 * A value as Java's `toString()` renders it, which is how Elastic's pipeline
 * stores nested `changeDetails` values: maps as `{k=v, k2=v2}`, lists as
 * `[a, b]`. Input comes from cleanJson, so it holds no nulls.
 */
export function javaString(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(javaString).join(', ')}]`;
  if (isObj(v)) return `{${Object.keys(v).map((k) => `${k}=${javaString(v[k])}`).join(', ')}}`;
  return String(v);
}

const MAX_EMBEDDED_JSON_CHARS = 64 * 1024;
const MAX_EMBEDDED_JSON_DEPTH = 32;

/** Nesting depth of a JSON text (brackets inside strings skipped), stopping early past `limit`. */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \\ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) depth--;
  }
  return max;
}

/**
 * A JSON document Okta embeds in a string value (logOnlySecurityData,
 * tunnels, device_integrator), parsed and cleaned; `undefined` when it is not
 * an object or array, does not parse, or is too large or too deeply nested to
 * copy safely (the record's own depth limit does not reach inside strings).
 */
export function embeddedJson(text: string | undefined): unknown {
  if (text === undefined || text.length > MAX_EMBEDDED_JSON_CHARS) return undefined;
  const first = text.charCodeAt(0);
  if (first !== 0x7b /* { */ && first !== 0x5b /* [ */) return undefined;
  if (jsonDepth(text, MAX_EMBEDDED_JSON_DEPTH) > MAX_EMBEDDED_JSON_DEPTH) return undefined;
  try {
    return cleanJson(JSON.parse(text));
  } catch {
    return undefined;
  }
}
