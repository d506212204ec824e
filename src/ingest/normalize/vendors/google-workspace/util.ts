/**
 * Small generic helpers for the Google Workspace normalizers (kept here so
 * the shared accessors stay untouched).
 */
import type { JsonValue } from '../../../../ecs/index.js';
import type { Obj } from '../../accessors.js';
import { isoTimestamp } from '../../timestamp.js';

/** Shared with every vendor: see accessors.ts. */
export { compact } from '../../accessors.js';

/** A list, or undefined when empty (ES and Kibana treat [] as absent anyway). */
export function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

export interface EmailParts {
  readonly local: string;
  readonly domain: string;
}

/**
 * "user@example.com" → { local: "user", domain: "example.com" }. Like
 * Elastic's pipeline, anything that is not exactly one "@" between two
 * non-empty parts yields nothing.
 */
export function splitEmail(email: string | undefined): EmailParts | undefined {
  if (email === undefined) return undefined;
  const at = email.indexOf('@');
  if (at <= 0 || at === email.length - 1 || email.indexOf('@', at + 1) !== -1) return undefined;
  return { local: email.slice(0, at), domain: email.slice(at + 1) };
}

/** A scalar id (Google sends profileId and uniqueQualifier as strings or numbers) as a string. */
export function idString(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A string member, or the string form of a number/boolean (for keyword fields). */
export function keywordOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A timestamp value (RFC 3339 string or epoch seconds) as ISO 8601 UTC, else undefined. */
export function dateOf(v: unknown): string | undefined {
  if (typeof v === 'string') return isoTimestamp(v.trim());
  return undefined;
}

/** An integer from a number or a digit string (Google sends int64 as strings). */
export function longOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

/** A boolean from a boolean or "true"/"false". */
export function boolOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** Strings of a value that is a string or a list of strings. */
export function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return [];
}

const SNAKE_CACHE = new Map<string, string>();

/** camelCase → snake_case ("deviceId" → "device_id", "sha256Hash" → "sha256_hash"). */
export function snake(key: string): string {
  let s = SNAKE_CACHE.get(key);
  if (s === undefined) {
    s = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
    if (SNAKE_CACHE.size < 10_000) SNAKE_CACHE.set(key, s);
  }
  return s;
}

/**
 * A mutable JSON object tree built from dotted paths. Keys come from vendor
 * data, so only plain `{}` targets are used and hostile keys (`__proto__`,
 * `constructor`, `prototype`) are refused by `setPath`.
 */
export type Tree = Record<string, JsonValue | undefined>;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Sets `a.b.c` in a tree; a scalar in the way is replaced by an object (last writer wins, as in an ingest rename). */
export function setPath(tree: Tree, path: string, value: JsonValue | undefined): void {
  if (value === undefined) return;
  // Most parameter names are one segment: no split, no intermediate objects.
  if (path.indexOf('.') === -1) {
    if (path !== '' && !FORBIDDEN.has(path)) tree[path] = value;
    return;
  }
  const parts = path.split('.');
  let node: Tree = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    if (FORBIDDEN.has(part) || part === '') return;
    const next = node[part];
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      node = next;
    } else {
      const created: Tree = {};
      node[part] = created;
      node = created;
    }
  }
  const last = parts[parts.length - 1] as string;
  if (FORBIDDEN.has(last) || last === '') return;
  node[last] = value;
}

/** Whether a tree has any member that is not undefined. */
export function hasMembers(tree: Tree): boolean {
  for (const key in tree) if (tree[key] !== undefined) return true;
  return false;
}
