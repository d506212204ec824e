/**
 * Path reads over a CloudTrail record for the entity rules: `a.b.c` walks
 * objects; a segment ending in `[]` fans out over a list
 * (`resources[].ARN` is every resource's ARN). Only non-empty strings come
 * back: entity ids are strings, anything else is skipped.
 *
 * Paths are constants of the entity rules: each is split once and kept
 * (the set is bounded by the code, never by the input).
 */
import { isObj } from '../../accessors.js';

interface Compiled {
  readonly keys: readonly string[];
  /** Per segment: does it fan out over a list? */
  readonly fans: readonly boolean[];
  readonly anyFan: boolean;
}

const COMPILED = new Map<string, Compiled>();

function compiled(path: string): Compiled {
  let c = COMPILED.get(path);
  if (c === undefined) {
    const segments = path.split('.');
    const fans = segments.map((s) => s.endsWith('[]'));
    c = { keys: segments.map((s, i) => (fans[i] === true ? s.slice(0, -2) : s)), fans, anyFan: fans.includes(true) };
    COMPILED.set(path, c);
  }
  return c;
}

const NONE: readonly unknown[] = [];

/** The value at a path without fan-out, `undefined` when a step is missing or not an object. */
function walk(root: unknown, keys: readonly string[]): unknown {
  let v = root;
  for (const key of keys) {
    if (!isObj(v) || !Object.hasOwn(v, key)) return undefined;
    v = v[key];
  }
  return v;
}

function fanOut(root: unknown, c: Compiled): unknown[] {
  let values: unknown[] = [root];
  for (let i = 0; i < c.keys.length; i++) {
    const key = c.keys[i] as string;
    const fan = c.fans[i] === true;
    const out: unknown[] = [];
    for (const v of values) {
      if (!isObj(v) || !Object.hasOwn(v, key)) continue;
      const next = v[key];
      if (!fan) out.push(next);
      else if (Array.isArray(next)) out.push(...next);
    }
    values = out;
    if (values.length === 0) break;
  }
  return values;
}

/** Every value at `path` (several when it fans out over lists). */
export function valuesAt(root: unknown, path: string): readonly unknown[] {
  const c = compiled(path);
  if (c.anyFan) return fanOut(root, c);
  const v = walk(root, c.keys);
  return v === undefined ? NONE : [v];
}

/** The first value at `path` (valuesAt(…)[0] without building the list when nothing fans out). */
export function firstAt(root: unknown, path: string): unknown {
  const c = compiled(path);
  return c.anyFan ? fanOut(root, c)[0] : walk(root, c.keys);
}

/** The string at a path without fan-out, or undefined. */
export function stringAt(root: unknown, path: string): string | undefined {
  const v = firstAt(root, path);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Adds every non-empty string at `path` to `set`, in order. */
export function addStringsAt(set: Set<string>, root: unknown, path: string): void {
  const c = compiled(path);
  if (!c.anyFan) {
    const v = walk(root, c.keys);
    if (typeof v === 'string' && v !== '') set.add(v);
    return;
  }
  for (const v of fanOut(root, c)) if (typeof v === 'string' && v !== '') set.add(v);
}
