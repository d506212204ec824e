/**
 * What generated code gets for a lookup test: the whole question (key in
 * the table, column present, equal to or containing a value) answered for
 * every row once, at load, as one Set of keys (text tables) or one address
 * matcher (address tables). The generated test is then a single `has` or
 * `test` call. The interpreter answers the same question row by row per
 * event instead (interpret.ts), and the differential test holds them equal.
 */
import type { LookupTest } from './ir.js';
import type { AddressMatcher } from './lookup.js';

function rowFilter(t: LookupTest): ((row: number) => boolean) | undefined {
  const { column, compare, cased } = t;
  if (column === undefined) return undefined;
  return (row) => {
    const raw = t.table.cell(row, column) ?? '';
    if (raw === '') return false;
    if (compare === undefined) return true;
    const cell = cased ? raw : raw.toLowerCase();
    return compare.op === 'equals' ? compare.values.includes(cell) : compare.values.some((v) => cell.includes(v));
  };
}

/** The constant for a lookup test and the comment beside it. */
export function lookupConstant(t: LookupTest): { value: ReadonlySet<string> | AddressMatcher; comment: string } {
  const id = JSON.stringify([t.column ?? null, t.compare ?? null, t.cased]);
  const what = `lookup ${t.table.name}${t.column === undefined ? '' : `.${t.column}`}${t.compare === undefined ? '' : ` ${t.compare.op} ${t.compare.values.length}`}`;
  if (t.table.kind === 'address') return { value: t.table.addresses(rowFilter(t), id), comment: `${what}: networks of ${t.table.size} rows` };
  const keys = t.table.keys(t.cased, rowFilter(t), id);
  return { value: keys, comment: `${what}: Set of ${keys.size} keys${t.cased ? ' cased' : ''}` };
}
