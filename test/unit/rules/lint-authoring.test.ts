/**
 * `sift rules lint` for authors: every error of a file at once (an unknown
 * selection in the condition no longer hides a misspelt field), and a
 * warning on a vendor key below a flattened object where Sift never puts it.
 * Expected lines and columns are counted by hand in the files below.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rulesCommand } from '../../../src/cli/rules.js';
import { formatIssue, loadRules, vendorPathAdvice } from '../../../src/rules/index.js';
import { capture } from '../../helpers/capture.js';

afterEach(() => vi.restoreAllMocks());

const HEAD = (id: string, datasets: string): string => `id: ${id}
name: x
description: x
version: 1
severity: low
tags: [attack.t1098]
runbook: x
scope: {datasets: [${datasets}]}
`;

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-lint-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('every error of a file at once', () => {
  it('reports an unknown selection in the condition and the unknown fields beside it, each located', () => {
    const file = write(
      'bad.yml',
      `${HEAD('tmp.bad-cond', 'okta.system')}detection:
  sel:
    user.nmae: alice
  condition: sel and not filtr
output:
  fields: [user.nmae2]
`,
    );
    const issues = loadRules([file]).issues.map((i) => formatIssue({ ...i, file: 'bad.yml' }));
    expect(issues).toEqual([
      'bad.yml:11:5 [tmp.bad-cond] detection.sel.user.nmae: unknown field "user.nmae" in the ECS catalog of okta.system (did you mean "user.name"?)',
      'bad.yml:12:14 [tmp.bad-cond] detection.condition: unknown selection "filtr" (selections: sel)',
      'bad.yml:14:12 [tmp.bad-cond] output.fields[0]: unknown field "user.nmae2" in the ECS catalog of okta.system (did you mean "user.name"?)',
    ]);
  });

  it('still checks the selections that parsed when another has an unknown modifier', () => {
    const file = write(
      'mod.yml',
      `${HEAD('tmp.bad-mod', 'okta.system')}detection:
  a: {event.action|contans: x}
  b: {source.ipp: 10.0.0.1}
  condition: a or b
`,
    );
    const issues = loadRules([file]).issues.map((i) => formatIssue({ ...i, file: 'mod.yml' }));
    expect(issues).toEqual([
      'mod.yml:10:7 [tmp.bad-mod] detection.a.event.action|contans: unknown modifier "contans" (did you mean "contains"?)',
      'mod.yml:11:7 [tmp.bad-mod] detection.b.source.ipp: unknown field "source.ipp" in the ECS catalog of okta.system (did you mean "source.ip"?)',
    ]);
  });
});

describe('vendor keys below a flattened object where Sift never puts them', () => {
  const file = write(
    'drive.yml',
    `${HEAD('tmp.drive-share', 'google_workspace.drive')}detection:
  sel:
    google_workspace.drive.target_user: eve@evil.example
    google_workspace.drive.visibility: people_with_link
    google_workspace.drive.target: eve@evil.example
  condition: sel
output: {fields: [google_workspace.drive.doc_title, google_workspace.drive.doc_id]}
`,
  );

  it('warns with the field that carries the key instead', () => {
    const ruleset = loadRules([file]);
    expect(ruleset.issues).toEqual([]);
    const rule = ruleset.rules[0];
    expect(rule && vendorPathAdvice(rule.spec)).toEqual([
      // Elastic's drive pipeline: target_user → google_workspace.drive.target; doc_title → file.name; doc_id → google_workspace.drive.file.id.
      'warning: 11:5 detection.sel.google_workspace.drive.target_user: no event carries "google_workspace.drive.target_user": Sift moves that vendor key to "google_workspace.drive.target" (did you mean "google_workspace.drive.target"?)',
      'warning: 15:19 output.fields[0]: no event carries "google_workspace.drive.doc_title": Sift moves that vendor key to "file.name" (did you mean "file.name"?)',
      'warning: 15:53 output.fields[1]: no event carries "google_workspace.drive.doc_id": Sift moves that vendor key to "google_workspace.drive.file.id" (did you mean "google_workspace.drive.file.id"?)',
    ]);
  });

  it('knows Okta target keys and the login_ prefix Elastic strips', () => {
    const okta = write('okta.yml', `${HEAD('tmp.okta-target', 'okta.system')}detection:\n  sel: {okta.target.alternateId: bob@acme.io, okta.target.alternate_id: bob@acme.io}\n  condition: sel\n`);
    const login = write('login.yml', `${HEAD('tmp.login-type', 'google_workspace.login')}detection:\n  sel: {google_workspace.login.login_type: google_password, google_workspace.login.type: google_password}\n  condition: sel\n`);
    const spec = (f: string) => loadRules([f]).rules[0]?.spec;
    const o = spec(okta);
    const l = spec(login);
    expect(o && vendorPathAdvice(o)).toEqual([
      'warning: 10:9 detection.sel.okta.target.alternateId: no event carries "okta.target.alternateId": Sift moves that vendor key to "okta.target.alternate_id" (did you mean "okta.target.alternate_id"?)',
    ]);
    expect(l && vendorPathAdvice(l)).toEqual([
      'warning: 10:9 detection.sel.google_workspace.login.login_type: no event carries "google_workspace.login.login_type": Sift moves that vendor key to "google_workspace.login.type" (did you mean "google_workspace.login.type"?)',
    ]);
  });

  it('does not warn on the destination of a key moved one level down', () => {
    // Elastic's token pipeline: scope → google_workspace.token.scope.value, scope_data → …scope.data.
    const token = write('token.yml', `${HEAD('tmp.token-scope', 'google_workspace.token')}detection:\n  sel: {google_workspace.token.scope.value: https://mail.google.com/, google_workspace.token.scope: x}\n  condition: sel\n`);
    const spec = loadRules([token]).rules[0]?.spec;
    expect(spec && vendorPathAdvice(spec)).toEqual([
      'warning: 10:71 detection.sel.google_workspace.token.scope: no event carries "google_workspace.token.scope": Sift moves that vendor key to "google_workspace.token.scope.value" (did you mean "google_workspace.token.scope.value"?)',
    ]);
  });

  it('sift rules lint prints the warning under the rule and keeps exit code 0', async () => {
    const io = capture();
    expect(await rulesCommand(['lint', file])).toBe(0);
    expect(io.out()).toContain('  warning: 11:5 detection.sel.google_workspace.drive.target_user: no event carries');
    expect(io.out()).toMatch(/0 error\(s\), \d+ warning\(s\)/);
  });
});
