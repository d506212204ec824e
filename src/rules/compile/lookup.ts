/**
 * Lookup tables: named key → columns tables that selections test with
 * `in_lookup` (the value is a key) and `lookup` (the key's column has, equals
 * or contains a value). Every index is built once, when the table loads; a
 * test then costs one hash lookup (text tables) or one per distinct prefix
 * length (address tables), whatever the table's size.
 *
 * A table whose every key is an IP address or CIDR is an address table: an
 * event value matches the most specific network that holds it (a bare address
 * is a /32 or /128), with IPv4 also matching its IPv4-mapped IPv6 form, as
 * the `cidr` operator does. Any other table compares text: case-folded unless
 * the test is `cased` (among keys that differ only in case, the first row
 * answers a folded lookup).
 */
import { parseCidr, parseIp } from './cidr.js';
import { str } from './values.js';

/** Table names: what a rule writes after `in_lookup:` (the file's base name). */
export const TABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Column names: the header of a CSV, the keys of a YAML row. */
export const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export interface LookupRow {
  readonly key: string;
  /** Column → value, for the table's columns (missing: empty). */
  readonly cells: readonly string[];
  readonly line: number;
}

/** A matcher generated code calls on an event value that is a string. */
export interface AddressMatcher {
  test(ip: string): boolean;
}

export interface LookupTable {
  readonly name: string;
  readonly file: string;
  /** Columns besides the key, in file order. */
  readonly columns: readonly string[];
  readonly size: number;
  readonly kind: 'text' | 'address';
  /** The row an event value selects (folded unless `cased`; address tables: the most specific network), or undefined. */
  row(x: unknown, cased: boolean): number | undefined;
  /** A column's value in a row (`''` when empty); undefined for a column the table does not have. */
  cell(row: number, column: string): string | undefined;
  /** Text tables: the keys (folded unless `cased`) whose row passes `keep`. Built once per distinct question. */
  keys(cased: boolean, keep: ((row: number) => boolean) | undefined, id: string): ReadonlySet<string>;
  /** Address tables: a matcher of the addresses whose most specific network's row passes `keep`. */
  addresses(keep: ((row: number) => boolean) | undefined, id: string): AddressMatcher;
}

export interface TableProblem {
  readonly line?: number;
  readonly message: string;
}

/** Eight 16-bit groups masked to `bits`, as an 8-character string: the key of a network in its prefix length's map. */
function networkKey(groups: Uint16Array, bits: number): string {
  let out = '';
  let left = bits;
  for (let i = 0; i < 8; i++) {
    const mask = left >= 16 ? 0xffff : left <= 0 ? 0 : (0xffff << (16 - left)) & 0xffff;
    out += String.fromCharCode((groups[i] ?? 0) & mask);
    left -= 16;
  }
  return out;
}

interface AddressIndex {
  /** Prefix lengths present (IPv4 as 96 + length), longest first. */
  readonly lengths: readonly number[];
  readonly byLength: ReadonlyMap<number, ReadonlyMap<string, number>>;
}

function addressIndex(rows: readonly LookupRow[], problems: TableProblem[]): AddressIndex | undefined {
  const byLength = new Map<number, Map<string, number>>();
  const lines = new Map<string, number>();
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as LookupRow;
    const p = parseCidr(row.key);
    if ('error' in p) return undefined;
    let m = byLength.get(p.bits);
    if (m === undefined) byLength.set(p.bits, (m = new Map()));
    const key = networkKey(p.groups, p.bits);
    const first = lines.get(`${p.bits}/${key}`);
    if (first !== undefined) problems.push({ line: row.line, message: `"${row.key}" is the same network as the key on line ${first}` });
    else {
      lines.set(`${p.bits}/${key}`, row.line);
      m.set(key, r);
    }
  }
  return { lengths: [...byLength.keys()].sort((a, b) => b - a), byLength };
}

function mostSpecific(index: AddressIndex, scratch: Uint16Array, ip: string): number | undefined {
  if (!parseIp(ip, scratch)) return undefined;
  for (const bits of index.lengths) {
    const row = index.byLength.get(bits)?.get(networkKey(scratch, bits));
    if (row !== undefined) return row;
  }
  return undefined;
}

/**
 * A table from its rows (header already split off). Problems (empty or
 * duplicate keys, rows wider than the header) are returned with their lines;
 * the table is only usable when there are none.
 */
export function buildTable(name: string, file: string, columns: readonly string[], rows: readonly LookupRow[]): LookupTable | { problems: TableProblem[] } {
  const problems: TableProblem[] = [];
  const exact = new Map<string, number>();
  const folded = new Map<string, number>();
  rows.forEach((row, r) => {
    if (row.key === '') problems.push({ line: row.line, message: 'empty key' });
    const first = exact.get(row.key);
    if (first !== undefined) problems.push({ line: row.line, message: `duplicate key "${row.key}" (first on line ${rows[first]?.line ?? '?'})` });
    else exact.set(row.key, r);
    const f = row.key.toLowerCase();
    if (!folded.has(f)) folded.set(f, r);
  });
  const address = rows.length > 0 ? addressIndex(rows, problems) : undefined;
  if (problems.length > 0) return { problems };
  const colIndex = new Map(columns.map((c, i) => [c, i]));
  const memo = new Map<string, ReadonlySet<string> | AddressMatcher>();
  const scratch = new Uint16Array(8);
  const cell = (row: number, column: string): string | undefined => {
    const i = colIndex.get(column);
    return i === undefined ? undefined : (rows[row]?.cells[i] ?? '');
  };
  return {
    name,
    file,
    columns,
    size: rows.length,
    kind: address === undefined ? 'text' : 'address',
    cell,
    row(x, cased) {
      if (address !== undefined) return typeof x === 'string' ? mostSpecific(address, scratch, x) : undefined;
      const s = str(x);
      if (s === undefined) return undefined;
      return cased ? exact.get(s) : folded.get(s.toLowerCase());
    },
    keys(cased, keep, id) {
      const known = memo.get(`keys:${cased}:${id}`);
      if (known !== undefined) return known as ReadonlySet<string>;
      const set = new Set<string>();
      for (const [k, r] of cased ? exact : folded) if (keep === undefined || keep(r)) set.add(k);
      memo.set(`keys:${cased}:${id}`, set);
      return set;
    },
    addresses(keep, id) {
      const known = memo.get(`addresses:${id}`);
      if (known !== undefined) return known as AddressMatcher;
      const pass = new Uint8Array(rows.length);
      for (let r = 0; r < rows.length; r++) pass[r] = keep === undefined || keep(r) ? 1 : 0;
      // Per matcher: a matcher never re-enters itself, and two never share the scratch buffer.
      const own = new Uint16Array(8);
      const matcher: AddressMatcher = {
        test(ip: string): boolean {
          if (address === undefined) return false;
          const r = mostSpecific(address, own, ip);
          return r !== undefined && pass[r] === 1;
        },
      };
      memo.set(`addresses:${id}`, matcher);
      return matcher;
    },
  };
}

/** Loaded tables by name, and the names of tables whose file did not load (→ that file). */
export interface LookupSet {
  readonly tables: ReadonlyMap<string, LookupTable>;
  readonly broken: ReadonlyMap<string, string>;
}

export const NO_LOOKUPS: LookupSet = { tables: new Map(), broken: new Map() };
