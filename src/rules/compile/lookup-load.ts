/**
 * Finding and reading lookup tables: `*.csv`, `*.yml` and `*.yaml` files in
 * the `lookups/` folder beside the rules (the nearest one at or above each
 * rules path, so `sift rules test rules/okta/x.yml` finds `rules/lookups/`),
 * plus the files and folders of `rules.lookup_paths`. A table is named after
 * its file (`tor_exit_nodes.csv` → `tor_exit_nodes`). A file that does not
 * load is a located issue, like a rule that does not compile; the rules that
 * use it are then refused too, so on a reload their previous versions (with
 * the table as it last loaded) keep running.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { RuleIssue } from '../spec/index.js';
import { buildTable, COLUMN_NAME, TABLE_NAME, type LookupRow, type LookupSet, type LookupTable, type TableProblem } from './lookup.js';
import { parseCsv } from './lookup-csv.js';

/** The folder below a rules folder that holds tables (the rule loader skips it). */
export const LOOKUP_DIR = 'lookups';

const TABLE_EXT = ['.csv', '.yml', '.yaml'];
const isTableFile = (name: string): boolean => TABLE_EXT.includes(extname(name).toLowerCase());

/** The nearest `lookups/` folder at or above a rules path (a folder, or a rule file's folder), or undefined. */
export function lookupDirOf(rulesPath: string): string | undefined {
  let dir = resolve(rulesPath);
  if (existsSync(dir) && statSync(dir).isFile()) dir = dirname(dir);
  for (;;) {
    if (basename(dir) === LOOKUP_DIR) return dir;
    const candidate = join(dir, LOOKUP_DIR);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const up = dirname(dir);
    if (up === dir || existsSync(join(dir, '.git'))) return undefined;
    dir = up;
  }
}

interface Parsed {
  readonly columns: readonly string[];
  readonly rows: LookupRow[];
}

function fromCsv(text: string): Parsed | TableProblem {
  const csv = parseCsv(text);
  if ('error' in csv) return { line: csv.line, message: csv.error };
  const [header, ...body] = csv.rows;
  if (header === undefined) return { message: 'no header row: the first line names the key column, then the other columns' };
  const columns = header.cells.slice(1);
  const rows: LookupRow[] = [];
  for (const r of body) {
    if (r.cells.length > header.cells.length) return { line: r.line, message: `${r.cells.length} fields but the header has ${header.cells.length}` };
    rows.push({ key: r.cells[0] ?? '', cells: columns.map((_, i) => r.cells[i + 1] ?? ''), line: r.line });
  }
  return { columns, rows };
}

/**
 * YAML: a list of keys, or a map of key → map of column values (or null).
 * Aliases are refused outright: a table has no use for them, and expanding
 * them is how a small file exhausts memory.
 */
function fromYaml(text: string): Parsed | TableProblem {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (n: unknown): number | undefined => {
    const at = (n as { range?: readonly number[] } | null)?.range?.[0];
    return at === undefined ? undefined : lines.linePos(at).line;
  };
  const err = doc.errors[0];
  if (err !== undefined) return { line: lines.linePos(err.pos[0]).line, message: err.message.split('\n')[0] ?? 'not YAML' };
  const scalar = (n: unknown): string | TableProblem => {
    if (isAlias(n)) return { line: lineOf(n), message: 'aliases are not allowed in lookup tables' };
    if (!isScalar(n) || (n.value !== null && typeof n.value === 'object')) return { line: lineOf(n), message: 'must be a string, number or boolean' };
    return n.value === null ? '' : String(n.value);
  };
  const root = doc.contents;
  if (root === null) return { columns: [], rows: [] };
  if (isSeq(root)) {
    const rows: LookupRow[] = [];
    for (const item of root.items) {
      const key = scalar(item);
      if (typeof key !== 'string') return key;
      rows.push({ key, cells: [], line: lineOf(item) ?? 0 });
    }
    return { columns: [], rows };
  }
  if (!isMap(root)) return { line: lineOf(root), message: 'a lookup table in YAML is a list of keys, or a map of key → {column: value}' };
  const columns: string[] = [];
  const raw: { key: string; values: Map<string, string>; line: number }[] = [];
  for (const pair of root.items) {
    const key = scalar(pair.key);
    if (typeof key !== 'string') return key;
    const values = new Map<string, string>();
    const v = pair.value as Node | null;
    if (isAlias(v)) return { line: lineOf(v), message: 'aliases are not allowed in lookup tables' };
    if (isMap(v)) {
      for (const p of v.items) {
        const column = scalar(p.key);
        if (typeof column !== 'string') return column;
        if (!COLUMN_NAME.test(column)) return { line: lineOf(p.key), message: `"${column}" is not a column name: letters, digits, _ . -, starting with a letter or _` };
        const value = scalar(p.value);
        if (typeof value !== 'string') return value;
        if (!columns.includes(column)) columns.push(column);
        values.set(column, value);
      }
    } else if (v !== null && !(isScalar(v) && v.value === null)) {
      return { line: lineOf(v), message: 'a row is a map of column: value (or empty)' };
    }
    raw.push({ key, values, line: lineOf(pair.key) ?? 0 });
  }
  return { columns, rows: raw.map((r) => ({ key: r.key, cells: columns.map((c) => r.values.get(c) ?? ''), line: r.line })) };
}

function checkColumns(columns: readonly string[]): TableProblem | undefined {
  const bad = columns.find((c) => !COLUMN_NAME.test(c));
  if (bad !== undefined) return { line: 1, message: `"${bad}" is not a column name: letters, digits, _ . -, starting with a letter or _` };
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  return dup === undefined ? undefined : { line: 1, message: `column "${dup}" is named twice` };
}

/** One table file → a table, or its problems as located issues. */
export function readTable(file: string): LookupTable | RuleIssue[] {
  const name = basename(file, extname(file));
  const issue = (p: TableProblem): RuleIssue => ({ file, path: '', ...(p.line === undefined ? {} : { line: p.line, col: 1 }), message: `lookup table "${name}": ${p.message}` });
  if (!TABLE_NAME.test(name)) return [issue({ message: 'a table name (the file name) is letters, digits, _ and -, starting with a letter or digit' })];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return [issue({ message: `cannot read: ${err instanceof Error ? err.message : String(err)}` })];
  }
  const parsed = extname(file).toLowerCase() === '.csv' ? fromCsv(text) : fromYaml(text);
  if (!('rows' in parsed)) return [issue(parsed)];
  const columnProblem = checkColumns(parsed.columns);
  if (columnProblem !== undefined) return [issue(columnProblem)];
  const table = buildTable(name, file, parsed.columns, parsed.rows);
  return 'problems' in table ? table.problems.slice(0, 20).map(issue) : table;
}

function tableFiles(path: string, issues: RuleIssue[]): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    issues.push({ file: path, path: '', message: `cannot read lookup tables: ${err instanceof Error ? err.message : String(err)}` });
    return [];
  }
  if (stat.isFile()) return [path];
  return readdirSync(path)
    .filter((n) => !n.startsWith('.') && isTableFile(n))
    .sort()
    .map((n) => join(path, n))
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile() === true);
}

/**
 * Every table of the `lookups/` folders beside `rulesPaths` and of `extra`
 * (config: files or folders). Two tables of one name are an error at the second.
 */
export function loadLookups(rulesPaths: readonly string[], extra: readonly string[] = []): LookupSet & { readonly issues: RuleIssue[] } {
  const issues: RuleIssue[] = [];
  const tables = new Map<string, LookupTable>();
  const broken = new Map<string, string>();
  const seen = new Set<string>();
  const dirs = [...rulesPaths.flatMap((p) => lookupDirOf(p) ?? []), ...extra];
  for (const file of dirs.flatMap((d) => tableFiles(d, issues))) {
    const real = realpathSync(file);
    if (seen.has(real)) continue;
    seen.add(real);
    const name = basename(file, extname(file));
    const first = tables.get(name)?.file ?? broken.get(name);
    if (first !== undefined) {
      issues.push({ file, path: '', message: `lookup table "${name}" is already defined in ${first}` });
      continue;
    }
    const table = readTable(file);
    if (Array.isArray(table)) {
      issues.push(...table);
      broken.set(name, file);
    } else {
      tables.set(name, table);
    }
  }
  return { tables, broken, issues };
}
