/**
 * Path reads over a CloudTrail record for the entity rules: `a.b.c` walks
 * objects; a segment ending in `[]` fans out over a list
 * (`resources[].ARN` is every resource's ARN). Only non-empty strings come
 * back: entity ids are strings, anything else is skipped.
 */
import { isObj } from '../../accessors.js';

function step(values: readonly unknown[], segment: string): unknown[] {
  const fan = segment.endsWith('[]');
  const key = fan ? segment.slice(0, -2) : segment;
  const out: unknown[] = [];
  for (const v of values) {
    if (!isObj(v) || !Object.hasOwn(v, key)) continue;
    const next = v[key];
    if (!fan) out.push(next);
    else if (Array.isArray(next)) out.push(...next);
  }
  return out;
}

/** Every value at `path` (several when it fans out over lists). */
export function valuesAt(root: unknown, path: string): unknown[] {
  let values: unknown[] = [root];
  for (const segment of path.split('.')) {
    values = step(values, segment);
    if (values.length === 0) break;
  }
  return values;
}

/** The string at a path without fan-out, or undefined. */
export function stringAt(root: unknown, path: string): string | undefined {
  const [v] = valuesAt(root, path);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Strings at a path, in order, skipping anything that is not a non-empty string. */
export function stringsAt(root: unknown, path: string): string[] {
  return valuesAt(root, path).filter((v): v is string => typeof v === 'string' && v !== '');
}
