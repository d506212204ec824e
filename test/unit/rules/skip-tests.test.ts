/**
 * `sift run` skips each rule's `tests:` and `base_event:` unparsed
 * (src/rules/spec/skip-tests.ts). Expected texts and lines written by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadRules, withoutTestSections } from '../../../src/rules/index.js';
import { packageRoot } from '../../../src/shared/index.js';

const RULE = `id: tmp.skip
name: x
# a comment at column 0
base_event:
  source: okta
  raw: {"uuid": "a1", "url": "https://x.example/?a=1&b=2"}
description: x
tests:
  - name: one
    events: [{overrides: {}}]
    expect: {count: 1}
version: 1
`;

describe('withoutTestSections', () => {
  it('blanks the two sections line for line and keeps the rest in place', () => {
    expect(withoutTestSections(RULE)).toBe('id: tmp.skip\nname: x\n# a comment at column 0\n\n\n\ndescription: x\n\n\n\n\nversion: 1\n');
  });

  it('reads `- item` at column 0 as part of the key above (an indentless list)', () => {
    const text = 'id: x\ntags:\n- a\ntests:\n- name: one\n  events: []\nversion: 1\n';
    expect(withoutTestSections(text)).toBe('id: x\ntags:\n- a\n\n\n\nversion: 1\n');
  });

  it('leaves a file it cannot cut safely whole', () => {
    const flow = '{id: tmp.flow,\ntests: [], version: 1}\n';
    expect(withoutTestSections(flow)).toBe(flow);
    const anchored = 'id: x\nbase_event:\n  raw: &ev {"uuid": "a1"}\ndetection:\n  sel: *ev\n';
    expect(withoutTestSections(anchored)).toBe(anchored);
    const quotedKey = '"id": x\ntests: []\n';
    expect(withoutTestSections(quotedKey)).toBe(quotedKey);
    const twoDocs = 'id: x\ntests: []\n---\nid: y\n';
    expect(withoutTestSections(twoDocs)).toBe(twoDocs);
  });

  it('keeps errors where they are: the same located issue either way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-skip-'));
    writeFileSync(
      join(dir, 'r.yml'),
      `id: tmp.skip-error
name: x
description: x
version: 1
severity: low
scope: {datasets: [okta.system]}
tests:
  - name: one
    events: [{raw: {"uuid": "a1"}, source: okta}]
    expect: {count: 0}
detection:
  sel: {user.nmae: alice}
  condition: sel
`,
    );
    const full = loadRules([dir]).issues.map(formatIssue);
    expect(full).toEqual([`${join(dir, 'r.yml')}:12:9 [tmp.skip-error] detection.sel.user.nmae: unknown field "user.nmae" in the ECS catalog of okta.system (did you mean "user.name"?)`]);
    expect(loadRules([dir], { tests: false }).issues.map(formatIssue)).toEqual(full);
  });

  it('compiles every shipped rule to the same code, without its tests', () => {
    const rules = join(packageRoot(), 'rules');
    const full = loadRules([rules]);
    const skipped = loadRules([rules], { tests: false });
    expect(skipped.issues).toEqual([]);
    expect(skipped.rules.map((r) => [r.spec.id, r.source])).toEqual(full.rules.map((r) => [r.spec.id, r.source]));
    expect(skipped.rules.every((r) => r.spec.tests.length === 0)).toBe(true);
  }, 60_000);
});
