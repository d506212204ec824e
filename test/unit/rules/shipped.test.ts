import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetsOf, knownVendors } from '../../../src/ecs/index.js';
import { formatIssue, loadRules } from '../../../src/rules/index.js';
import { runCase, testRuleset } from '../../../src/rules/testing/index.js';
import { packageRoot } from '../../../src/shared/index.js';

/** The detection content Sift ships: it must load, and its own tests must pass. */
const ruleset = loadRules([join(packageRoot(), 'rules')]);
const KINDS = ['single', 'threshold', 'cardinality', 'sequence', 'new_terms'] as const;
// Running every case of a library of hundreds of rules takes seconds: the
// two tests that do are given room (a budget, not a timing assertion).
const kindOf = (r: (typeof ruleset.rules)[number]): string => r.spec.aggregation?.type ?? 'single';

describe('shipped rules (rules/)', () => {
  it('all load and compile', () => {
    expect(ruleset.issues.map(formatIssue)).toEqual([]);
    expect(ruleset.rules.length).toBeGreaterThanOrEqual(15);
  });

  it('pass their own tests', () => {
    const report = testRuleset(ruleset);
    const failures = report.rules.flatMap((r) => r.cases.filter((c) => !c.passed).map((c) => `${r.id} › ${c.name}: ${c.message ?? ''}`));
    expect(failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.total).toBeGreaterThan(50);
  }, 120_000);

  // Stateful rules once lost every event after the first of a multi-event
  // record: the alerts a file declares must not depend on how its events
  // were packed into Kafka records.
  it.each(['ndjson', 'array'] as const)('give the alerts their files declare with each case packed into one record (%s)', (packing) => {
    const failures: string[] = [];
    let packed = 0;
    for (const rule of ruleset.rules) {
      for (const tc of rule.spec.tests) {
        const raw = tc.events.filter((e) => e.kind !== 'ecs').length;
        if (raw > 1) packed++;
        const report = runCase(rule, tc, packing);
        if (!report.passed) failures.push(`${rule.spec.id} › ${tc.name}: ${report.message ?? ''}`);
      }
    }
    expect(failures).toEqual([]);
    expect(packed).toBeGreaterThan(10);
  }, 120_000);

  it.each(KINDS)('has a %s rule with a positive and a negative case', (kind) => {
    const rules = ruleset.rules.filter((r) => kindOf(r) === kind);
    expect(rules.length).toBeGreaterThan(0);
    const cases = rules.flatMap((r) => r.spec.tests);
    expect(cases.some((c) => c.count > 0)).toBe(true);
    expect(cases.some((c) => c.count === 0)).toBe(true);
  });

  it('every rule has positive and negative cases, an ATT&CK technique and a runbook', () => {
    for (const r of ruleset.rules) {
      const s = r.spec;
      expect(s.tests.some((c) => c.count > 0), `${s.id}: positive case`).toBe(true);
      expect(s.tests.some((c) => c.count === 0), `${s.id}: negative case`).toBe(true);
      expect(s.tags.some((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t)), `${s.id}: technique tag`).toBe(true);
      expect(s.runbook?.trim(), `${s.id}: runbook`).toBeTruthy();
      expect(s.file.endsWith(`${s.id}.yml`), `${s.id}: file named after the id`).toBe(true);
    }
  });

  it('covers every vendor Sift ingests', () => {
    const covered = new Set(ruleset.rules.flatMap((r) => r.spec.datasets));
    for (const v of knownVendors()) expect(datasetsOf(v).some((d) => covered.has(d)), v).toBe(true);
  });

  it('the Okta brute-force sequence includes a late-event case', () => {
    const seq = ruleset.rules.find((r) => r.spec.id === 'okta.brute-force-then-success');
    const late = seq?.spec.tests.filter((c) => c.name.includes('late')) ?? [];
    expect(late.map((c) => c.count).sort()).toEqual([0, 1]);
  });
});
