import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rulesCommand } from '../../../src/cli/rules.js';
import { capture } from '../../helpers/capture.js';

/** stdout (console.log and process.stdout.write) and stderr of one command run. */
afterEach(() => vi.restoreAllMocks());

function tmpRules(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const OKTA_EVENT = (uuid: string, action: string) =>
  JSON.stringify({ uuid, published: '2024-05-14T16:02:11.000Z', eventType: action, actor: { id: '00u1', type: 'User', alternateId: 'jack@acme.io' }, client: { ipAddress: '136.24.229.58' }, outcome: { result: 'SUCCESS' } });

/** A valid rule whose second test expects the wrong count: the runner must say so. */
const FAILING_RULE = `id: tmp.mfa-reset
name: MFA reset
description: test rule
version: 1
severity: low
tags: [attack.t1556.006]
scope:
  datasets: [okta.system]
detection:
  sel:
    event.action: user.mfa.factor.reset_all
  condition: sel
output:
  fields: [user.name]
runbook: check it
tests:
  - name: reset alerts
    source: okta
    events:
      - raw: ${OKTA_EVENT('u-1', 'user.mfa.factor.reset_all')}
    expect:
      count: 1
      alerts:
        - user.name: jack@acme.io
  - name: wrongly expects an alert for a sign-in
    source: okta
    events:
      - raw: ${OKTA_EVENT('u-2', 'user.session.start')}
    expect:
      count: 1
`;

/** A field that no dataset has, on line 11: lint must locate it. */
const BAD_FIELD_RULE = `id: tmp.bad-field
name: Bad field
description: test rule
version: 1
severity: low
scope:
  datasets: [okta.system]
detection:
  sel:
    event.action: user.session.start
    user.nmae: alice
  condition: sel
`;

interface JsonReport {
  total: number;
  passed: number;
  failed: number;
  rules: { id: string; file: string; passed: boolean; cases: { name: string; passed: boolean; expected: { count: number }; actual: { count: number; alerts: unknown[] }; message?: string }[]; errors?: string[] }[];
}

describe('sift rules test', () => {
  it('passes on the shipped rules, with the documented --json shape', async () => {
    const io = capture();
    expect(await rulesCommand(['test', '--json'])).toBe(0);
    const report = JSON.parse(io.out()) as JsonReport;
    expect(Object.keys(report)).toEqual(['total', 'passed', 'failed', 'rules']);
    expect(report.failed).toBe(0);
    expect(report.passed).toBe(report.total);
    const rule = report.rules.find((r) => r.id === 'okta.brute-force-then-success');
    expect(rule?.file).toMatch(/rules\/okta\/okta\.brute-force-then-success\.yml$/);
    expect(Object.keys(rule?.cases[0] ?? {})).toEqual(['name', 'passed', 'expected', 'actual']);
    expect(rule?.cases[0]?.actual.count).toBe(1);
  }, 120_000);

  it('exits 1 and explains a failing case', async () => {
    const dir = tmpRules({ 'mfa.yml': FAILING_RULE });
    const io = capture();
    expect(await rulesCommand(['test', dir, '--json'])).toBe(1);
    const report = JSON.parse(io.out()) as JsonReport;
    expect([report.total, report.passed, report.failed]).toEqual([2, 1, 1]);
    const bad = report.rules[0]?.cases[1];
    expect(bad).toMatchObject({ name: 'wrongly expects an alert for a sign-in', passed: false, expected: { count: 1 }, actual: { count: 0, alerts: [] } });
    expect(bad?.message).toContain('expected 1 alert(s), got 0');
  });

  it('prints one line per case and a totals line', async () => {
    const dir = tmpRules({ 'mfa.yml': FAILING_RULE });
    const io = capture();
    expect(await rulesCommand(['test', dir])).toBe(1);
    expect(io.out()).toContain('✓ tmp.mfa-reset › reset alerts');
    expect(io.out()).toContain('✗ tmp.mfa-reset › wrongly expects an alert for a sign-in: expected 1 alert(s), got 0');
    expect(io.out()).toContain('1 passed, 1 failed');
  });

  it('exits 1 when a rule does not load, listing it with its located errors', async () => {
    const dir = tmpRules({ 'bad.yml': BAD_FIELD_RULE });
    const io = capture();
    expect(await rulesCommand(['test', dir, '--json'])).toBe(1);
    const report = JSON.parse(io.out()) as JsonReport;
    expect(report.total).toBe(0);
    expect(report.rules[0]).toMatchObject({ id: 'tmp.bad-field', passed: false, cases: [] });
    expect(report.rules[0]?.errors?.[0]).toMatch(/bad\.yml:11:\d+/);
  });
});

describe('sift rules lint', () => {
  it('locates a bad field as file:line:col and exits 1', async () => {
    const dir = tmpRules({ 'bad.yml': BAD_FIELD_RULE });
    const io = capture();
    expect(await rulesCommand(['lint', dir])).toBe(1);
    expect(io.out()).toMatch(/bad\.yml:11:\d+ \[tmp\.bad-field\] .*user\.nmae/);
  });

  it('warns about missing tests, technique tags and runbooks without failing', async () => {
    const noTests = BAD_FIELD_RULE.replace('user.nmae: alice', 'user.name: alice');
    const dir = tmpRules({ 'ok.yml': noTests });
    const io = capture();
    expect(await rulesCommand(['lint', dir, '--json'])).toBe(0);
    const out = JSON.parse(io.out()) as { rules: number; errors: string[]; warnings: string[] };
    expect(out.rules).toBe(1);
    expect(out.errors).toEqual([]);
    expect(out.warnings.join('\n')).toMatch(/no tests[\s\S]*no ATT&CK technique tag[\s\S]*no runbook/);
  });

  it('finds nothing wrong with the shipped rules', async () => {
    const io = capture();
    expect(await rulesCommand(['lint'])).toBe(0);
    expect(io.out()).toMatch(/\d+ rule\(s\) compiled, 0 error\(s\), 0 warning\(s\)/);
  }, 60_000);
});

describe('sift rules explain', () => {
  it('shows the summary, index, plan and generated code of a rule', async () => {
    const io = capture();
    expect(await rulesCommand(['explain', 'aws.cloudtrail-logging-stopped'])).toBe(0);
    const out = io.out();
    expect(out).toContain('aws.cloudtrail-logging-stopped (v1): AWS CloudTrail logging stopped or trail deleted');
    expect(out).toContain('datasets:      aws.cloudtrail');
    expect(out).toMatch(/event\.action: +.*stoplogging/i);
    expect(out).toContain('Plan (after optimization):');
    expect(out).toContain('Generated JavaScript:');
  });

  it('describes sequences with their steps', async () => {
    const io = capture();
    expect(await rulesCommand(['explain', 'okta.brute-force-then-success'])).toBe(0);
    expect(io.out()).toContain('sequence by user.name within 10m: failures(failed_login)×5 → success(success_login)');
  });

  it('exits 1 for an unknown id', async () => {
    const io = capture();
    expect(await rulesCommand(['explain', 'no.such-rule'])).toBe(1);
    expect(io.err()).toContain('no rule with id "no.such-rule"');
  });
});

describe('sift rules help and usage', () => {
  it('prints help for the command and each subcommand', async () => {
    const io = capture();
    expect(await rulesCommand(['--help'])).toBe(0);
    expect(await rulesCommand(['test', '--help'])).toBe(0);
    expect(await rulesCommand(['lint', '-h'])).toBe(0);
    expect(await rulesCommand(['explain', '--help'])).toBe(0);
    expect(await rulesCommand(['backtest', '--help'])).toBe(0);
    expect(io.out()).toContain('Usage: sift rules <test | lint | explain | verify | coverage | catalog | import-sigma | backtest>');
    expect(io.out()).toContain('Usage: sift rules backtest <rule file | folder | id>… --from <time> --to <time>');
    expect(io.out()).toContain('Usage: sift rules test [paths…] [--json]');
    expect(io.out()).toContain('Usage: sift rules explain <id>');
  });

  it('rejects unknown subcommands and flags as usage errors', async () => {
    capture();
    await expect(rulesCommand(['frobnicate'])).rejects.toThrow(/unknown subcommand/);
    await expect(rulesCommand(['test', '--nope'])).rejects.toThrow();
    await expect(rulesCommand(['explain'])).rejects.toThrow(/exactly one rule id/);
  });

  it('delegates import-sigma', async () => {
    const io = capture();
    expect(await rulesCommand(['import-sigma', '--help'])).toBe(0);
    expect(io.out()).toMatch(/sigma/i);
  });
});
