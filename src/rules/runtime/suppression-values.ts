import type { JsonValue } from '../../ecs/index.js';
import { getter } from '../compile/index.js';
import type { Detection } from './types.js';

/**
 * The values of a rule's `suppression.group_by` fields for one detection: from
 * its fields (group and output fields), else from its last sample event; null
 * when absent. One definition, so `sift rules test` and `sift run` fold alike.
 */
export function suppressionValues(d: Detection, fields: readonly string[]): JsonValue[] {
  const last = d.sample[d.sample.length - 1];
  return fields.map((f): JsonValue => {
    if (Object.hasOwn(d.fields, f)) return d.fields[f] ?? null;
    const v = last === undefined ? undefined : getter(f)(last);
    return v === undefined ? null : (v as JsonValue);
  });
}
