/**
 * `in_lookup` / `lookup` values → plan tests. The table and column must
 * exist when the rule compiles: a missing one is a located error naming the
 * table (a typo must not silently match nothing).
 */
import { didYouMean, type FieldTest, type LookupRef } from '../spec/index.js';
import { FALSE, testNode, type Node } from './ir.js';
import { NO_LOOKUPS, type LookupSet } from './lookup.js';
import type { Problem } from './lower.js';

export function lookupNode(t: FieldTest, ref: LookupRef, problems: Problem[], lookups: LookupSet = NO_LOOKUPS): Node {
  const table = lookups.tables.get(ref.table);
  if (table === undefined) {
    const broken = lookups.broken.get(ref.table);
    const message =
      broken !== undefined
        ? `lookup table "${ref.table}" did not load (${broken}: see its errors)`
        : `unknown lookup table "${ref.table}"${didYouMean(ref.table, [...lookups.tables.keys()])}: tables are the *.csv, *.yml and *.yaml files of lookups/ beside the rules, and of rules.lookup_paths`;
    problems.push({ path: ref.form === 'map' ? `${ref.path}.table` : ref.path, message });
    return FALSE;
  }
  if (ref.column !== undefined && !table.columns.includes(ref.column)) {
    const has = table.columns.length === 0 ? 'it has no columns besides the key' : `its columns: ${table.columns.join(', ')}`;
    problems.push({ path: ref.form === 'map' ? `${ref.path}.column` : ref.path, message: `lookup table "${ref.table}" has no column "${ref.column}"${didYouMean(ref.column, table.columns)} (${has})` });
    return FALSE;
  }
  // A value transform (`|domain`) would be dropped silently: refuse it.
  const transform = (t as { readonly transform?: string }).transform;
  if (transform !== undefined) {
    problems.push({ path: t.path ?? t.field, message: `modifier "${transform}" does not combine with a lookup` });
    return FALSE;
  }
  const compare = ref.compare && { op: ref.compare.op, values: t.cased ? ref.compare.values : ref.compare.values.map((v) => v.toLowerCase()) };
  return testNode({ op: 'lookup', field: t.field, table, cased: t.cased, ...(ref.column === undefined ? {} : { column: ref.column }), ...(compare === undefined ? {} : { compare }) });
}
