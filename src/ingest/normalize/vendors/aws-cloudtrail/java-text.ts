/**
 * The open-ended CloudTrail objects (requestParameters, responseElements,
 * additionalEventData, serviceEventDetails) as Elastic's AWS integration
 * stores them: once as a `flattened` object and once as a keyword holding the
 * object's Java `toString()` — `{groupId=sg-1, ipPermissions={items=[…]}}`.
 *
 * Both copies first lose their empty values (null, "", {} and [], the
 * pipeline's first step). The text form follows java.util.HashMap: entries
 * come out in bucket order of the key's String.hashCode, not in JSON order,
 * so keyword searches written against Elastic's documents match Sift's.
 */
import { isObj } from '../../accessors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** What Elastic's empty-value sweep removes. */
function isEmptyLeaf(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/**
 * Deep copy without empty values and without prototype-polluting keys;
 * undefined when nothing is left. Containers emptied by the sweep go too.
 */
export function dropEmpty(v: unknown): unknown {
  if (isEmptyLeaf(v)) return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const c = dropEmpty(item);
      if (c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : undefined;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    let kept = false;
    for (const key of Object.keys(v as object)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const c = dropEmpty((v as Record<string, unknown>)[key]);
      if (c !== undefined) {
        out[key] = c;
        kept = true;
      }
    }
    return kept ? out : undefined;
  }
  return v;
}

/** java.lang.String#hashCode over UTF-16 code units, as a signed 32-bit int. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Keys in java.util.HashMap iteration order, for a map filled in `keys`
 * order: the table starts at 16 buckets and doubles whenever it holds more
 * than 3/4 of its capacity; a bucket keeps its keys in insertion order
 * (tree bins, which need 8+ colliding keys, are not modelled).
 */
export function hashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const mask = capacity - 1;
  return keys
    .map((key, i) => {
      const h = javaHash(key);
      return { key, i, bucket: (h ^ (h >>> 16)) & mask };
    })
    .sort((a, b) => a.bucket - b.bucket || a.i - b.i)
    .map((e) => e.key);
}

/** java.lang.Double#toString for a non-integral finite number. */
function javaDouble(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) return String(n);
  const [mantissa = '0', exponent = '0'] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : javaDouble(v);
  return String(v);
}

/**
 * Java's `toString()` of the value the pipeline parsed from JSON, after the
 * empty-value sweep: maps as `{k=v, k=v}`, lists as `[a, b]`. The bucket
 * order uses every key the JSON had (the table grew while it was parsed,
 * before the sweep removed entries). Undefined when the sweep leaves nothing.
 */
export function javaText(v: unknown): string | undefined {
  if (isEmptyLeaf(v)) return undefined;
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const item of v) {
      const t = javaText(item);
      if (t !== undefined) parts.push(t);
    }
    return parts.length > 0 ? `[${parts.join(', ')}]` : undefined;
  }
  if (isObj(v)) {
    const parts: string[] = [];
    for (const key of hashMapOrder(Object.keys(v))) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      const t = javaText(v[key]);
      if (t !== undefined) parts.push(`${key}=${t}`);
    }
    return parts.length > 0 ? `{${parts.join(', ')}}` : undefined;
  }
  return scalarText(v);
}
