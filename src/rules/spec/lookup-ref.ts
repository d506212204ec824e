/**
 * The values of `in_lookup` and `lookup` field tests: table names, and for
 * `lookup` a column and how it is compared. Whether the table and column
 * exist is the compiler's question (it has the tables); here only the shape.
 *
 *   source.ip|in_lookup: tor_exit_nodes            # a key of the table
 *   user.name|lookup: expected_admins.approved_by  # the key's column is not empty
 *   user.name|lookup: {table: vip_users, column: team, equals: [finance, legal]}
 */
import { isMap, isSeq } from 'yaml';
import { checkKeys, child, entries, item, record, report, resolve, scalarOf, type Entry, type Reader } from './read.js';
import type { LookupRef } from './types.js';

const TABLE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const LOOKUP_KEYS = ['table', 'column', 'equals', 'contains'] as const;

/** How a lookup value reads in plans and messages: `vip_users.team`. */
export const lookupText = (l: LookupRef): string => (l.column === undefined ? l.table : `${l.table}.${l.column}`);

function readName(r: Reader, node: unknown, path: string, op: 'in_lookup' | 'lookup'): LookupRef | undefined {
  const s = scalarOf(r, node);
  const text = s.ok && typeof s.value === 'string' ? s.value : undefined;
  const dot = text?.indexOf('.') ?? -1;
  const table = text === undefined ? '' : op === 'lookup' && dot > 0 ? text.slice(0, dot) : text;
  const column = op === 'lookup' && text !== undefined && dot > 0 ? text.slice(dot + 1) : undefined;
  if (!TABLE.test(table)) {
    report(r, path, node, op === 'in_lookup' ? 'in_lookup takes a table name (the file name in lookups/, e.g. tor_exit_nodes)' : `${op} takes table.column (e.g. vip_users.team) or {table, column, equals | contains}`);
    return undefined;
  }
  if (op === 'lookup' && (column === undefined || column === '')) {
    report(r, path, node, `lookup takes table.column (e.g. ${table}.team); to test only that the key is in the table, use in_lookup`);
    return undefined;
  }
  return { table, ...(column === undefined ? {} : { column }), path, form: 'name' };
}

/** A value or a non-empty list of values, each with its document path. */
function valuesOf(r: Reader, e: Entry, what: string): { n: unknown; path: string }[] | undefined {
  const node = resolve(r, e.value);
  const items = isSeq(node) ? node.items.map((n, i) => ({ n: resolve(r, n), path: item(e.path, i) })) : [{ n: node, path: e.path }];
  if (items.length > 0) return items;
  report(r, e.path, node, `an empty list matches nothing: give at least one ${what}`);
  return undefined;
}

function readStrings(r: Reader, e: Entry): string[] | undefined {
  const items = valuesOf(r, e, 'value');
  if (items === undefined) return undefined;
  const out: string[] = [];
  for (const { n, path } of items) {
    const s = scalarOf(r, n);
    if (!s.ok || s.value === null || s.value === '') report(r, path, n, 'must be a non-empty string, number or boolean (or a list of them)');
    else out.push(String(s.value));
  }
  return out.length === items.length ? out : undefined;
}

function readMap(r: Reader, node: unknown, path: string): LookupRef | undefined {
  const list = entries(r, node, path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, LOOKUP_KEYS);
  const table = b.get('table');
  const column = b.get('column');
  for (const [key, e] of [['table', table], ['column', column]] as const) {
    if (e === undefined) report(r, child(path, key), node, 'is required');
    else record(r, e.path, e.value);
  }
  const tableName = table && scalarOf(r, table.value);
  const columnName = column && scalarOf(r, column.value);
  let ok = table !== undefined && column !== undefined;
  if (tableName?.ok === true && (typeof tableName.value !== 'string' || !TABLE.test(tableName.value))) {
    report(r, table?.path ?? path, table?.value, 'a table name: letters, digits, _ and -');
    ok = false;
  }
  if (columnName?.ok === true && (typeof columnName.value !== 'string' || columnName.value === '')) {
    report(r, column?.path ?? path, column?.value, 'a column name');
    ok = false;
  }
  const [equals, contains] = [b.get('equals'), b.get('contains')];
  if (equals !== undefined && contains !== undefined) {
    report(r, contains.path, contains.keyNode, 'give equals or contains, not both');
    ok = false;
  }
  const cmp = equals ?? contains;
  const values = cmp && readStrings(r, cmp);
  if (cmp !== undefined && values === undefined) ok = false;
  if (!ok || tableName?.ok !== true || columnName?.ok !== true) return undefined;
  return {
    table: String(tableName.value),
    column: String(columnName.value),
    ...(cmp === undefined || values === undefined ? {} : { compare: { op: cmp === equals ? 'equals' : 'contains', values } }),
    path,
    form: 'map',
  };
}

/** The lookups of one field test, or undefined when any is malformed (reported). */
export function readLookupValues(r: Reader, e: Entry, op: 'in_lookup' | 'lookup'): LookupRef[] | undefined {
  const nodes = valuesOf(r, e, 'table');
  if (nodes === undefined) return undefined;
  const out: LookupRef[] = [];
  for (const { n, path } of nodes) {
    record(r, path, n);
    const ref = isMap(n) && op === 'lookup' ? readMap(r, n, path) : readName(r, n, path, op);
    if (ref !== undefined) out.push(ref);
  }
  return out.length === nodes.length ? out : undefined;
}
