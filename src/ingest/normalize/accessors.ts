import { isIP } from 'node:net';
import type { JsonObject } from '../../ecs/index.js';

export { isoFromIntegerMs, isoTimestamp } from './timestamp.js';

/**
 * Small typed readers over untrusted JSON. They return `undefined` instead of
 * throwing, so a normalizer can read any payload without a try/catch and
 * without `any`.
 */
export type Obj = Readonly<Record<string, unknown>>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(o: Obj | undefined, key: string): Obj | undefined {
  const v = o?.[key];
  return isObj(v) ? v : undefined;
}

/** A non-empty string. Vendors often send "" or null for "absent". */
export function str(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * A valid IPv4/IPv6 address. ES rejects a whole document whose `ip` field does
 * not parse, so a vendor's "null" or "unknown" must not reach one.
 */
export function ip(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' && isIP(v) !== 0 ? v : undefined;
}

export function num(o: Obj | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** An integer, also from a numeric string (vendors are inconsistent about it). */
export function int(o: Obj | undefined, key: string): number | undefined {
  const v = o?.[key];
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

export function bool(o: Obj | undefined, key: string): boolean | undefined {
  const v = o?.[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function arr(o: Obj | undefined, key: string): readonly unknown[] | undefined {
  const v = o?.[key];
  return Array.isArray(v) ? v : undefined;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deep copy of open-ended vendor JSON for `flattened` fields. Drops nulls
 * (ES ignores them anyway) and the keys that enable prototype pollution:
 * with those gone, plain `{}` targets are safe (and stay in V8's fast object
 * mode, unlike null-prototype objects). Depth is bounded by decode
 * (pipeline.max_depth).
 */
export function cleanJson(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const c = cleanJson(item);
      if (c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : undefined;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const c = cleanJson((v as Obj)[key]);
      if (c !== undefined) {
        out[key] = c;
        any = true;
      }
    }
    return any ? out : undefined;
  }
  return v;
}

/** Adds values to a de-duplicated list, skipping empty ones. */
export function pushUnique(list: string[], ...values: (string | undefined)[]): void {
  for (const v of values) if (v !== undefined && v !== '' && !list.includes(v)) list.push(v);
}

/**
 * `undefined` when every member is undefined, else the object itself. Members
 * stay in place (the serializer skips undefined ones): deleting keys would
 * push V8 objects into slow dictionary mode on the hot path.
 */
export function compact<T extends JsonObject>(o: T): T | undefined {
  for (const key in o) if (o[key] !== undefined) return o;
  return undefined;
}
