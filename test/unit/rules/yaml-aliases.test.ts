/**
 * A rule file must not take the process down through YAML aliases (issue 13,
 * found by the probe): a billion laughs, a selection that multiplies aliased
 * maps of aliased lists (9 KB crashed the reader: "Map maximum size
 * exceeded"), and 16,000 aliases of one scalar (31 s, one document walk per
 * alias). Each is refused with one located issue. The bounds are structural
 * (what the aliases add, how often the yaml package's per-call document walk
 * runs); the time of the refusals is in benchmarks/lint.bench.ts.
 */
import { Alias } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileRule, parseRuleFile } from '../../../src/rules/index.js';
import { billionLaughs } from '../../helpers/yaml-bombs.js';

const HEAD = `id: probe.aliases
name: Alias probe
description: A rule file that leans on YAML aliases
version: 1
severity: low
scope:
  datasets: [okta.system]
`; // 7 lines


/** n aliased copies of a map whose n fields each alias one n-value list: n³ field values from about n² bytes. */
function selectionBomb(n: number): string {
  const values = Array.from({ length: n }, (_, i) => `u${i}`).join(', ');
  const fields = Array.from({ length: n - 1 }, (_, i) => `      labels.f${i + 1}: *l`).join('\n');
  const copies = Array(n).fill('    - *m').join('\n');
  return `${HEAD}detection:\n  base:\n    - &m\n      labels.f0: &l [${values}]\n${fields}\n  sel:\n${copies}\n  condition: sel\n`;
}

/** One anchored scalar and `n` aliases of it. The anchor is on line 11, the aliases from line 12. */
function manyAliases(n: number): string {
  return `${HEAD}detection:\n  sel:\n    user.name:\n      - &v alice\n${Array(n).fill('      - *v').join('\n')}\n  condition: sel\n`;
}

afterEach(() => vi.restoreAllMocks());

describe('YAML aliases in rule files', () => {
  it('refuses a billion laughs at the alias that crosses 10,000 added nodes', () => {
    // Hand count: *a0 stands for 11 nodes (the list and its 10 scalars), *a1 for 111, *a2 for 1,111.
    // The anchors are on lines 8-17. Line x1 adds 10 × 11 = 110, line x2 10 × 111 = 1,110 (1,220 in all); on line x3 (line 11)
    // the 8th *a2 brings it to 1,220 + 8 × 1,111 = 10,108 > 10,000. `x3: &a3 [` is 9 characters
    // and each `*a2, ` 5, so the 8th starts at column 10 + 7 × 5 = 45.
    const r = parseRuleFile(billionLaughs(HEAD, 'detection:\n  sel:\n    user.name: *a9\n  condition: sel\n'), 'rules/laughs.yml');
    expect(r.rule).toBeUndefined();
    expect(r.issues).toEqual([
      { file: 'rules/laughs.yml', path: '', line: 11, col: 45, message: 'YAML aliases expand to more than 10,000 nodes here (*a2 stands for 1,111); write the values out instead' },
    ]);
  });

  it('refuses a selection that multiplies aliased maps of aliased lists', () => {
    // n = 100: 100 copies of a map of 100 fields of 100 values, a million field tests from 3 KB.
    // *l stands for 101 nodes (the flow list and its values); the map's 99 aliases of it add
    // 9,999, and the first *m (the map: 10,201 nodes) crosses. It is on line 112: `detection:`
    // is line 8, the anchored map starts on 10 with f0 on 11, f1..f99 fill 12-110, `sel:` is 111.
    const r = parseRuleFile(selectionBomb(100), 'rules/sel.yml');
    expect(r.issues).toEqual([{ file: 'rules/sel.yml', path: '', line: 112, col: 7, message: expect.stringMatching(/^YAML aliases expand to more than 10,000 nodes here \(\*m stands for/) as string }]);
  });

  it('refuses 16,000 aliases at the 10,001st, without a document walk per alias', () => {
    const walk = vi.spyOn(Alias.prototype, 'resolve');
    const r = parseRuleFile(manyAliases(16_000), 'rules/many.yml');
    expect(r.issues).toEqual([{ file: 'rules/many.yml', path: '', line: 12 + 10_000, col: 9, message: 'YAML aliases expand to more than 10,000 nodes here (*v stands for 1); write the values out instead' }]);
    expect(walk).not.toHaveBeenCalled();
  });

  it('still reads what aliases are for, resolving each once', () => {
    const walk = vi.spyOn(Alias.prototype, 'resolve');
    const text = `${HEAD}detection:\n  admins:\n    user.name: &admins [alice, bob]\n  targets:\n    user.target.name: *admins\n  condition: admins and targets\n`;
    const r = parseRuleFile(text, 'rules/ok.yml');
    expect(r.issues).toEqual([]);
    const [admins, targets] = r.rule?.detection.selections ?? [];
    expect(admins?.anyOf[0]?.[0]?.values).toEqual(['alice', 'bob']);
    expect(targets?.anyOf[0]?.[0]).toMatchObject({ field: 'user.target.name', values: ['alice', 'bob'] });
    expect(r.rule && compileRule(r.rule).issues).toEqual([]);
    expect(walk).not.toHaveBeenCalled();
    // 9,999 aliases of a scalar add 9,999 nodes: under the cap.
    expect(parseRuleFile(manyAliases(9_999), 'rules/many.yml').issues).toEqual([]);
  });

  it('refuses an alias inside the node it names', () => {
    const text = `${HEAD}detection:\n  sel: &loop\n    user.name: *loop\n  condition: sel\n`;
    expect(parseRuleFile(text, 'rules/loop.yml').issues).toEqual([{ file: 'rules/loop.yml', path: '', line: 10, col: 16, message: 'YAML alias *loop is inside the node it names (a cycle)' }]);
  });
});
