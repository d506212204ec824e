/**
 * Lookup tables (issue 13, construct 1): CSV and YAML tables beside the
 * rules, `in_lookup` and `lookup` in selections, located errors for a missing
 * table or column, both backends, and the loader finding tables for
 * `rules test` / `rules lint`. Every expected value is written by hand.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { parseCsv } from '../../../src/rules/compile/lookup-csv.js';
import { compileRule, formatIssue, loadLookups, loadRules, parseRuleFile, readTable, type CompiledRule, type LookupSet, type LookupTable } from '../../../src/rules/index.js';

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sift-lookup-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const ADMINS = `# who may grant admin roles
user,team,approved_by
alice@example.com,finance,CHG-1
Bob@Example.com,it,
"carol, the auditor",audit,"CHG-2"
`;
const NETS = `network,site
10.0.0.0/8,corp
10.1.0.0/16,lab
2001:db8::/32,v6
192.0.2.1,single
`;

function tables(files: Record<string, string> = { 'lookups/admins.csv': ADMINS, 'lookups/nets.csv': NETS }): LookupSet {
  const loaded = loadLookups([dir(files)]);
  expect(loaded.issues.map(formatIssue)).toEqual([]);
  return loaded;
}

const HEAD = `name: t
description: t
version: 1
severity: low
scope: {datasets: [okta.system]}
`;

function compile(detection: string, lookups: LookupSet = tables()): CompiledRule {
  const parsed = parseRuleFile(`id: t.lookup\n${HEAD}detection:\n${detection}`, 'rule.yml');
  expect(parsed.issues.map(formatIssue)).toEqual([]);
  const r = compileRule(parsed.rule as NonNullable<typeof parsed.rule>, { lookups });
  expect(r.issues.map(formatIssue)).toEqual([]);
  return r.rule as CompiledRule;
}

function issuesOf(detection: string, lookups: LookupSet = tables()): string[] {
  const parsed = parseRuleFile(`id: t.lookup\n${HEAD}detection:\n${detection}`, 'rule.yml');
  if (parsed.rule === undefined) return parsed.issues.map(formatIssue);
  return compileRule(parsed.rule, { lookups }).issues.map(formatIssue);
}

const ev = (user: unknown, ip?: unknown): EcsEvent => ({ '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system' }, user: { name: user }, ...(ip === undefined ? {} : { source: { ip } }) }) as unknown as EcsEvent;

/** Both backends must give `expected` for each event. */
function expectMatches(rule: CompiledRule, cases: readonly [EcsEvent, boolean][]): void {
  for (const [e, want] of cases) {
    expect([rule.match(e), rule.reference(e)], JSON.stringify(e)).toEqual([want, want]);
  }
}

describe('CSV tables', () => {
  it('reads quotes, doubled quotes, line breaks in quotes, comments, CRLF and a BOM', () => {
    const csv = parseCsv('\ufeff# source: hand-written\r\nkey,note\r\n "a, b" , x\r\n"say ""hi""","two\nlines"\r\n\r\nplain ,  spaced  \r\n');
    expect(csv).toEqual({
      rows: [
        { cells: ['key', 'note'], line: 2 },
        { cells: ['a, b', 'x'], line: 3 },
        { cells: ['say "hi"', 'two\nlines'], line: 4 },
        { cells: ['plain', 'spaced'], line: 7 },
      ],
    });
  });

  it('reports the line of an unclosed quote and of a stray quote', () => {
    expect(parseCsv('k\n"open\nx\n')).toEqual({ error: 'a quoted field is never closed', line: 2 });
    expect(parseCsv('k\nab"c\n')).toEqual({ error: 'a quote inside an unquoted field: quote the whole field and double the quote ("")', line: 2 });
  });
});

describe('tables', () => {
  it('text table: keys fold case unless cased; columns read by name', () => {
    const t = tables().tables.get('admins') as LookupTable;
    expect([t.kind, t.size, t.columns]).toEqual(['text', 3, ['team', 'approved_by']]);
    expect(t.row('ALICE@example.com', false)).toBe(0);
    expect(t.row('ALICE@example.com', true)).toBeUndefined();
    expect(t.row('Bob@Example.com', true)).toBe(1);
    expect(t.row('carol, the auditor', false)).toBe(2);
    expect(t.cell(1, 'approved_by')).toBe('');
    expect(t.cell(2, 'approved_by')).toBe('CHG-2');
    expect(t.cell(0, 'nope')).toBeUndefined();
  });

  it('address table: the most specific network, IPv4-mapped IPv6, bare addresses as /32', () => {
    const t = tables().tables.get('nets') as LookupTable;
    expect(t.kind).toBe('address');
    const site = (ip: string): string | undefined => {
      const r = t.row(ip, false);
      return r === undefined ? undefined : t.cell(r, 'site');
    };
    expect(site('10.1.2.3')).toBe('lab');
    expect(site('10.2.0.1')).toBe('corp');
    expect(site('::ffff:10.1.0.9')).toBe('lab');
    expect(site('2001:DB8:0:0::5')).toBe('v6');
    expect(site('192.0.2.1')).toBe('single');
    expect(site('192.0.2.2')).toBeUndefined();
    expect(site('bogus')).toBeUndefined();
    expect(site('11.0.0.1')).toBeUndefined();
  });

  it('YAML tables: a list of keys, or key → columns', () => {
    const set = tables({ 'lookups/list.yaml': '- a\n- 5\n', 'lookups/map.yml': 'alice: {team: finance}\nbob:\n' });
    const list = set.tables.get('list') as LookupTable;
    const map = set.tables.get('map') as LookupTable;
    expect([list.size, list.columns, list.row(5, false)]).toEqual([2, [], 1]);
    expect([map.columns, map.cell(0, 'team'), map.cell(1, 'team')]).toEqual([['team'], 'finance', '']);
  });

  it('a broken table is a located issue; its name is remembered as broken', () => {
    const root = dir({
      'lookups/dup.csv': 'k,v\na,1\nb,2\nA,3\na,4\n',
      'lookups/wide.csv': 'k,v\na,1,extra\n',
      'lookups/alias.yaml': 'x: &a {team: a}\ny: *a\n',
      'lookups/nets.csv': 'n\n10.0.0.0/8\n10.9.9.9/8\n',
    });
    const loaded = loadLookups([root]);
    expect(loaded.issues.map((i) => formatIssue({ ...i, file: i.file.slice(root.length + 1) }))).toEqual([
      'lookups/alias.yaml:2:1 lookup table "alias": aliases are not allowed in lookup tables',
      'lookups/dup.csv:5:1 lookup table "dup": duplicate key "a" (first on line 2)',
      'lookups/nets.csv:3:1 lookup table "nets": "10.9.9.9/8" is the same network as the key on line 2',
      'lookups/wide.csv:2:1 lookup table "wide": 3 fields but the header has 2',
    ]);
    expect([...loaded.broken.keys()].sort()).toEqual(['alias', 'dup', 'nets', 'wide']);
  });
});

describe('in_lookup and lookup in selections', () => {
  it('in_lookup: membership, case-folded; cased; arrays; not', () => {
    expectMatches(compile('  sel: {user.name|in_lookup: admins}\n  condition: sel\n'), [
      [ev('alice@example.com'), true],
      [ev('ALICE@EXAMPLE.COM'), true],
      [ev('bob@example.com'), true],
      [ev(['x', 'carol, the auditor']), true],
      [ev('mallory@example.com'), false],
      [ev(null), false],
      [ev(5), false],
    ]);
    expectMatches(compile('  sel: {user.name|in_lookup|cased: admins}\n  condition: sel\n'), [
      [ev('Bob@Example.com'), true],
      [ev('bob@example.com'), false],
    ]);
    expectMatches(compile('  sel: {user.name|in_lookup: admins}\n  condition: not sel\n'), [
      [ev('alice@example.com'), false],
      [ev('mallory@example.com'), true],
    ]);
  });

  it('in_lookup on an address table: CIDR containment', () => {
    expectMatches(compile('  sel: {source.ip|in_lookup: nets}\n  condition: sel\n'), [
      [ev('u', '10.200.0.1'), true],
      [ev('u', '::ffff:10.0.0.1'), true],
      [ev('u', '2001:db8:1::1'), true],
      [ev('u', '192.0.2.1'), true],
      [ev('u', '192.0.2.2'), false],
      [ev('u', ['8.8.8.8', '10.0.0.1']), true],
      [ev('u', 'not an ip'), false],
    ]);
  });

  it('lookup table.column: the key is in the table and the column is not empty', () => {
    expectMatches(compile('  sel: {user.name|lookup: admins.approved_by}\n  condition: sel\n'), [
      [ev('alice@example.com'), true],
      [ev('bob@example.com'), false], // listed, approved_by empty
      [ev('carol, the auditor'), true],
      [ev('mallory@example.com'), false],
    ]);
  });

  it('lookup {table, column, equals | contains}: the column compared, folded unless cased', () => {
    expectMatches(compile('  sel: {user.name|lookup: {table: admins, column: team, equals: [FINANCE, audit]}}\n  condition: sel\n'), [
      [ev('alice@example.com'), true],
      [ev('bob@example.com'), false],
      [ev('carol, the auditor'), true],
    ]);
    expectMatches(compile('  sel: {user.name|lookup|cased: {table: admins, column: team, equals: FINANCE}}\n  condition: sel\n'), [[ev('alice@example.com'), false]]);
    expectMatches(compile('  sel: {user.name|lookup: {table: admins, column: approved_by, contains: chg-}}\n  condition: sel\n'), [
      [ev('alice@example.com'), true],
      [ev('bob@example.com'), false],
    ]);
    expectMatches(compile('  sel: {source.ip|lookup: {table: nets, column: site, equals: corp}}\n  condition: sel\n'), [
      [ev('u', '10.2.3.4'), true],
      [ev('u', '10.1.2.3'), false], // the most specific network is lab
    ]);
  });

  it('a missing table or column is an error located in the rule file, naming the table', () => {
    expect(issuesOf('  sel: {user.name|in_lookup: admns}\n  condition: sel\n')).toEqual([
      'rule.yml:8:9 [t.lookup] detection.sel.user.name|in_lookup: unknown lookup table "admns" (did you mean "admins"?): tables are the *.csv, *.yml and *.yaml files of lookups/ beside the rules, and of rules.lookup_paths',
    ]);
    expect(issuesOf('  sel:\n    user.name|lookup: admins.tem\n  condition: sel\n')).toEqual([
      'rule.yml:9:5 [t.lookup] detection.sel.user.name|lookup: lookup table "admins" has no column "tem" (did you mean "team"?) (its columns: team, approved_by)',
    ]);
    expect(issuesOf('  sel:\n    user.name|lookup: {table: admins, column: teams, equals: x}\n  condition: sel\n')).toEqual([
      'rule.yml:9:39 [t.lookup] detection.sel.user.name|lookup.column: lookup table "admins" has no column "teams" (did you mean "team"?) (its columns: team, approved_by)',
    ]);
    const broken = loadLookups([dir({ 'lookups/admins.csv': 'k\n"x\n' })]);
    expect(issuesOf('  sel: {user.name|in_lookup: admins}\n  condition: sel\n', broken)[0]).toMatch(/^rule\.yml:8:9 \[t\.lookup\] detection\.sel\.user\.name\|in_lookup: lookup table "admins" did not load \(.*admins\.csv: see its errors\)$/);
  });

  it('malformed lookup values are parse errors', () => {
    expect(issuesOf('  sel: {user.name|lookup: admins}\n  condition: sel\n')).toEqual([
      'rule.yml:8:27 [t.lookup] detection.sel.user.name|lookup: lookup takes table.column (e.g. admins.team); to test only that the key is in the table, use in_lookup',
    ]);
    expect(issuesOf('  sel: {user.name|in_lookup: 5}\n  condition: sel\n')[0]).toContain('in_lookup takes a table name');
    expect(issuesOf('  sel: {user.name|lookup: {table: admins, column: team, equals: a, contains: b}}\n  condition: sel\n')[0]).toContain('give equals or contains, not both');
  });
});

describe('loading', () => {
  const RULE = (id: string, detection: string): string => `id: ${id}\n${HEAD}detection:\n${detection}`;

  it('finds lookups/ beside the rules folder, and above a single rule file; lookups/*.yaml are not rules', () => {
    const root = dir({
      'rules/lookups/admins.csv': ADMINS,
      'rules/lookups/vip.yaml': 'alice@example.com: {team: finance}\n',
      'rules/okta/r.yml': RULE('t.r', '  sel: {user.name|in_lookup: vip}\n  condition: sel\n'),
    });
    for (const path of [join(root, 'rules'), join(root, 'rules/okta/r.yml')]) {
      const set = loadRules([path]);
      expect(set.issues.map(formatIssue)).toEqual([]);
      expect(set.rules.map((r) => r.spec.id)).toEqual(['t.r']);
      expect(set.rules[0]?.match(ev('ALICE@example.com'))).toBe(true);
    }
  });

  it('rules.lookup_paths adds tables; a name defined twice is an error at the second', () => {
    const extra = dir({ 'more/extra.csv': 'k\nz\n', 'more/admins.csv': 'k\nq\n' });
    const root = dir({ 'lookups/admins.csv': ADMINS, 'r.yml': RULE('t.x', '  sel: {user.name|in_lookup: extra}\n  condition: sel\n') });
    const set = loadRules([root], { lookupPaths: [join(extra, 'more')] });
    expect(set.issues.map((i) => i.message)).toEqual([`lookup table "admins" is already defined in ${join(root, 'lookups/admins.csv')}`]);
    expect(set.rules[0]?.match(ev('z'))).toBe(true);
  });

  it('a 100,000-row table: one Set in the generated code, every key found', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `user${i}@example.com,team${i % 7}`).join('\n');
    const root = dir({ 'lookups/big.csv': `user,team\n${rows}\n`, 'r.yml': RULE('t.big', '  sel: {user.name|in_lookup: big}\n  team: {user.name|lookup: {table: big, column: team, equals: team3}}\n  condition: sel and not team\n') });
    const set = loadRules([root]);
    expect(set.issues).toEqual([]);
    const rule = set.rules[0] as CompiledRule;
    expect(rule.source).toContain('lookup big: Set of 100000 keys');
    expect(rule.source).toContain('lookup big.team equals 1: Set of 14286 keys'); // i % 7 === 3 for 0..99999: 14,286 values
    expectMatches(rule, [
      [ev('user99999@example.com'), true], // 99999 % 7 = 4
      [ev('user3@example.com'), false], // team3
      [ev('user100000@example.com'), false],
    ]);
  });

  it('readTable names the file in every issue', () => {
    const root = dir({ 'bad name.csv': 'k\na\n' });
    const out = readTable(join(root, 'bad name.csv'));
    expect(Array.isArray(out) && out.map((i) => i.message)).toEqual(['lookup table "bad name": a table name (the file name) is letters, digits, _ and -, starting with a letter or digit']);
  });
});

describe('generated code', () => {
  it('snapshot: one Set or matcher per lookup test', async () => {
    const rule = compile(
      '  admin:\n    user.name|in_lookup: admins\n  approved:\n    user.name|lookup: admins.approved_by\n  finance:\n    user.name|lookup|cased: {table: admins, column: team, equals: finance}\n  office:\n    source.ip|lookup: {table: nets, column: site, contains: [corp, lab]}\n  condition: admin and not approved and (finance or not office)\n',
    );
    const file = `// Generated code of rule ${rule.spec.id}, as \`sift rules explain\` shows it.\n/* Plan:\n${rule.plan}\n*/\n${rule.source.replace(/^function /gm, 'export function ')}`;
    await expect(file).toMatchFileSnapshot('__snapshots__/lookups.js');
  });
});
