import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EcsEvent } from '../src/ecs/index.js';
import { loadRules, type CompiledRule } from '../src/rules/index.js';
import { comparePair, median, time, type PairResult } from './harness.js';

/**
 * Lookup tables (docs/rules.md, "Lookup tables"): what `sift rules lint` pays
 * to load and compile a rules folder whose lookups/ holds a 100,000-row CSV
 * (a text table of user names with a column, and an address table of
 * 100,000 networks), and the per-event cost of a lookup test on those tables
 * against the same rule on 10-row tables (the ratio is ~1× when a test costs
 * the same whatever the table's size).
 */
const ROWS = 100_000;
const EVENTS = 20_000;

const RULE = `id: bench.lookup
name: lookup bench
description: lookup bench
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  listed: {user.name|in_lookup: users}
  finance: {user.name|lookup: {table: users, column: team, equals: team3}}
  bad_net: {source.ip|in_lookup: nets}
  condition: (listed and not finance) or bad_net
`;

function folder(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-bench-lookup-'));
  mkdirSync(join(dir, 'lookups'));
  const users = Array.from({ length: rows }, (_, i) => `user${i}@example.com,team${i % 7}`);
  // Distinct /24 networks of 10.0.0.0/8 and 172.16.0.0/12: i → 10.(i>>8).(i&255).0/24 while it fits, then 172.16+.
  const nets = Array.from({ length: rows }, (_, i) => (i < 65_536 ? `10.${i >> 8}.${i & 255}.0/24` : `172.${16 + ((i - 65_536) >> 8)}.${(i - 65_536) & 255}.0/24`));
  writeFileSync(join(dir, 'lookups', 'users.csv'), `user,team\n${users.join('\n')}\n`);
  writeFileSync(join(dir, 'lookups', 'nets.csv'), `network\n${nets.join('\n')}\n`);
  writeFileSync(join(dir, 'rule.yml'), RULE);
  return dir;
}

function compiled(dir: string): CompiledRule {
  const set = loadRules([dir]);
  if (set.issues.length > 0 || set.rules[0] === undefined) throw new Error(`lookup bench rule did not compile: ${JSON.stringify(set.issues)}`);
  return set.rules[0];
}

/** Events whose user and address are spread over the big table's keys, half of them absent. */
function events(): EcsEvent[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const k = (i * 7919) % (2 * ROWS);
    return { '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system' }, user: { name: `user${k}@example.com` }, source: { ip: `10.${(k >> 8) & 255}.${k & 255}.9` } } as unknown as EcsEvent;
  });
}

export interface LookupLint {
  readonly name: string;
  readonly rows: number;
  readonly rounds: number;
  /** Median ms of loadRules (read + parse + index both tables, compile the rule): what `sift rules lint` does. */
  readonly lint_ms: number;
}

export function benchLookups(): { lint: LookupLint; pair: PairResult } {
  const big = folder(ROWS);
  const small = folder(10);
  try {
    const rounds = 7;
    compiled(big); // warm up the loader's code
    const ms = Array.from({ length: rounds }, () => time(() => compiled(big)) / 1000);
    const rule = compiled(big);
    const tiny = compiled(small);
    const evs = events();
    let sink = 0;
    const run = (r: CompiledRule) => () => {
      for (const e of evs) if (r.match(e)) sink++;
    };
    const pair = comparePair('rules.lookup.per-event (100,000-row tables vs 10-row tables)', EVENTS, { name: 'lookups on 100,000 rows', run: run(rule) }, { name: 'lookups on 10 rows', run: run(tiny) });
    if (sink < 0) throw new Error('unreachable');
    return { lint: { name: 'rules.lookup.lint (100,000-row text table + 100,000-network address table)', rows: ROWS, rounds, lint_ms: Math.round(median(ms)) }, pair };
  } finally {
    rmSync(big, { recursive: true, force: true });
    rmSync(small, { recursive: true, force: true });
  }
}
