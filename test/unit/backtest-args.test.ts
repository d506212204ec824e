/** `sift rules backtest` arguments: the time flags and which rules a name means. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTimeFlag, resolveRules } from '../../src/cli/backtest-args.js';
import { packageRoot } from '../../src/shared/index.js';

const NOW = Date.parse('2026-12-05T12:00:00.000Z');

describe('backtest --from/--to', () => {
  it('reads days, RFC 3339 times, now and now-<duration>', () => {
    expect(parseTimeFlag('2026-11-01', 'from', NOW)).toBe(Date.parse('2026-11-01T00:00:00.000Z'));
    expect(parseTimeFlag('2026-11-01T12:30:00Z', 'from', NOW)).toBe(Date.parse('2026-11-01T12:30:00.000Z'));
    expect(parseTimeFlag('2026-11-01T12:30:00+02:00', 'from', NOW)).toBe(Date.parse('2026-11-01T10:30:00.000Z'));
    expect(parseTimeFlag('now', 'to', NOW)).toBe(NOW);
    expect(parseTimeFlag('now-7d', 'from', NOW)).toBe(Date.parse('2026-11-28T12:00:00.000Z'));
  });

  it('refuses anything else, naming the option', () => {
    for (const bad of ['2026-02-30', 'yesterday', 'now-7x', 'now+1d', '']) expect(() => parseTimeFlag(bad, 'from', NOW)).toThrow(/--from must be a time/);
    expect(() => parseTimeFlag(undefined, 'to', NOW)).toThrow(/--to is required/);
  });
});

describe('backtest rules', () => {
  const shipped = join(packageRoot(), 'rules');

  it('resolves ids in the rules folder and paths as files, once each', () => {
    const file = join(shipped, 'okta', 'okta.brute-force-then-success.yml');
    const r = resolveRules(['okta.sign-in-from-new-country', file, 'okta.brute-force-then-success'], shipped, { tests: false });
    expect(r.errors).toEqual([]);
    expect(r.rules.map((x) => x.spec.id)).toEqual(['okta.brute-force-then-success', 'okta.sign-in-from-new-country']);
  });

  it('a disabled rule runs: trying a draft is what a backtest is for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-bt-'));
    const file = join(dir, 'draft.yml');
    writeFileSync(file, ['id: it.draft', 'name: draft', 'description: a draft', 'version: 1', 'severity: low', 'risk_score: 10', 'enabled: false', 'scope:', '  datasets: [okta.system]', 'detection:', '  sel:', '    event.action: user.session.start', '  condition: sel', ''].join('\n'));
    const r = resolveRules([file], shipped, { tests: false });
    expect(r.errors).toEqual([]);
    expect(r.rules.map((x) => [x.spec.id, x.spec.enabled])).toEqual([['it.draft', true]]);
  });

  it('an unknown id and a rule that does not compile are errors, the latter located', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-bt-'));
    const file = join(dir, 'broken.yml');
    writeFileSync(file, ['id: it.broken', 'name: broken', 'description: refers to a field no dataset has', 'version: 1', 'severity: low', 'risk_score: 10', 'scope:', '  datasets: [okta.system]', 'detection:', '  sel:', '    no.such.field: x', '  condition: sel', ''].join('\n'));
    const r = resolveRules(['no.such-rule', file], shipped, { tests: false });
    expect(r.rules).toEqual([]);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(/broken\.yml:11:\d+ .*no\.such\.field/);
    expect(r.errors[1]).toContain('no rule file or rule id "no.such-rule"');
  });
});
