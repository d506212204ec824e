/**
 * `sift rules verify` / `sift rules coverage` on a corpus and rules written
 * here by hand: every count below is worked out from these few files, not
 * from Sift.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rulesCommand } from '../../../src/cli/rules.js';
import { loadRules } from '../../../src/rules/index.js';
import { coverageOf, readPantherCorpus, verifyRules } from '../../../src/rules/verify/index.js';
import { capture } from '../../helpers/capture.js';

afterEach(() => vi.restoreAllMocks());

const okta = (eventType: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  uuid: `u-${eventType}-${Object.keys(extra).length}`,
  eventType,
  version: '0',
  severity: 'INFO',
  actor: { id: '00u1', type: 'User', alternateId: 'alice@example.com' },
  outcome: { result: 'SUCCESS' },
  ...extra,
});

function corpus(): string {
  const root = mkdtempSync(join(tmpdir(), 'sift-verify-'));
  mkdirSync(join(root, 'okta_rules'));
  mkdirSync(join(root, 'aws_cloudtrail_rules'));
  // Three tests, one mocked; the second test's log has no time at all (as
  // Panther's test logs often have not): verify gives it Panther's p_event_time.
  writeFileSync(join(root, 'okta_rules', 'okta_api_key_created.json'), JSON.stringify({
    rule_id: 'Okta.APIKeyCreated',
    log_type: 'Okta.SystemLog',
    tests: [
      { name: 'created', expected: true, log: okta('system.api_token.create', { published: '2024-01-02T03:04:05.000Z' }) },
      { name: 'created, no time', expected: true, log: okta('system.api_token.create') },
      { name: 'revoked', expected: false, log: okta('system.api_token.revoke', { published: '2024-01-02T03:04:05.000Z' }) },
      { name: 'mocked', expected: true, mocks: [{ objectName: 'x', returnValue: 'y' }], log: okta('system.api_token.revoke') },
    ],
  }));
  // Not named by any rule: uncovered.
  writeFileSync(join(root, 'aws_cloudtrail_rules', 'aws_console_root_login.json'), JSON.stringify({
    rule_id: 'AWS.Console.RootLogin',
    log_type: 'AWS.CloudTrail',
    tests: [{ name: 'root', expected: true, log: { eventVersion: '1.08', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventTime: '2024-01-02T03:04:05Z', userIdentity: { type: 'Root' } } }],
  }));
  return root;
}

function rules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-verify-rules-'));
  writeFileSync(join(dir, 'token.yml'), `id: tmp.okta-token-created
name: token
description: an API token was created
version: 1
severity: medium
tags: [attack.persistence, attack.t1098.001]
scope: {datasets: [okta.system]}
equivalents:
  panther: [Okta.APIKeyCreated, Okta.NotInThisCorpus]
noise: {level: low, note: admins create tokens for new integrations}
detection:
  sel:
    event.action: [system.api_token.create, system.api_token.revoke]
  condition: sel
`);
  writeFileSync(join(dir, 'other.yml'), `id: tmp.aws-root
name: root
description: root used
version: 1
severity: high
tags: [attack.privilege-escalation, attack.t1078]
scope: {datasets: [aws.cloudtrail]}
detection:
  sel: {user.name: root}
  condition: sel
`);
  return dir;
}

describe('sift rules verify', () => {
  it('compares each Panther test verdict with "the rule matches", mocked tests apart', () => {
    const report = verifyRules(loadRules([rules()]).rules, readPantherCorpus(corpus()));
    // The rule also matches revoke: test 3 (expected false) disagrees.
    expect(report).toMatchObject({ rules: 1, tests: 3, agree: 2, ratio: 0.6667, refused: 0, mocked: 1 });
    expect(report.coverage).toEqual({ panther_files: 2, covered_files: 1, ratio: 0.5 });
    expect(report.by_rule['tmp.okta-token-created']).toEqual({ panther: ['Okta.APIKeyCreated', 'Okta.NotInThisCorpus'], not_in_corpus: ['Okta.NotInThisCorpus'], tests: 3, agree: 2, refused: 0, mocked: 1 });
    expect(report.disagreements).toEqual([
      { rule: 'tmp.okta-token-created', panther_rule: 'Okta.APIKeyCreated', test: 'revoked', expected: false, got: true, reason: 'the rule matches an event Panther expects no alert for' },
    ]);
  });

  it('counts a log Sift refuses as no match, with the refusal as the reason', () => {
    const root = corpus();
    writeFileSync(join(root, 'okta_rules', 'okta_api_key_created.json'), JSON.stringify({
      rule_id: 'Okta.APIKeyCreated',
      log_type: 'Okta.SystemLog',
      tests: [{ name: 'not okta', expected: true, log: { hello: 'world' } }],
    }));
    const report = verifyRules(loadRules([rules()]).rules, readPantherCorpus(root));
    expect(report).toMatchObject({ tests: 1, agree: 0, refused: 1 });
    expect(report.disagreements[0]?.reason).toMatch(/^refused by the okta source: SIFT_DECODE_UNKNOWN_SOURCE/);
  });

  it('prints the JSON contract and names a bad corpus', async () => {
    const out = capture();
    expect(await rulesCommand(['verify', '--corpus', corpus(), '--rules', rules(), '--json'])).toBe(0);
    expect(Object.keys(JSON.parse(out.out()) as object)).toEqual(['rules', 'tests', 'agree', 'ratio', 'refused', 'mocked', 'coverage', 'by_rule', 'disagreements']);
    vi.restoreAllMocks();
    const low = capture();
    expect(await rulesCommand(['verify', '--corpus', corpus(), '--rules', rules(), '--min-ratio', '0.9'])).toBe(1);
    expect(low.out()).toContain('2 of 3 test verdicts agree (66.7 %)');
    await expect(rulesCommand(['verify', '--corpus', join(tmpdir(), 'no-such-corpus-here'), '--rules', rules()])).rejects.toThrow(/--corpus: cannot read the corpus folder/);
  });
});

describe('sift rules coverage', () => {
  it('counts rules per source, tactic (either spelling) and technique, and lists the Panther files no rule names', () => {
    const root = corpus();
    const report = coverageOf(loadRules([rules()]).rules, { corpus: root, files: readPantherCorpus(root) });
    expect(report.rules).toBe(2);
    expect(report.sources['okta']).toEqual({ rules: 1, datasets: { 'okta.system': 1 } });
    expect(report.sources['aws_cloudtrail']?.rules).toBe(1);
    expect(report.sources['zoom']?.rules).toBe(0);
    expect(Object.keys(report.sources).sort()).toEqual(['aws_cloudtrail', 'gcp_audit', 'github', 'gitlab', 'google_workspace', 'okta', 'slack', 'zoom']);
    expect(report.tactics['persistence']).toBe(1);
    expect(report.tactics['privilege_escalation']).toBe(1);
    expect(report.tactics['impact']).toBe(0);
    expect(report.techniques).toEqual({ t1078: 1, 't1098.001': 1 });
    expect(report.panther).toEqual({ corpus: root, files: 2, covered: 1, ratio: 0.5, uncovered: ['aws_cloudtrail_rules/aws_console_root_login.json'] });
  });
});

describe('equivalents: none', () => {
  const rule = (equivalents: string): string => `id: tmp.original
name: x
description: x
version: 1
severity: low
scope: {datasets: [okta.system]}
equivalents: ${equivalents}
detection:
  sel: {event.action: user.session.start}
  condition: sel
`;
  const load = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-none-'));
    writeFileSync(join(dir, 'r.yml'), text);
    return loadRules([dir]);
  };

  it('says why an original rule has no equivalent', () => {
    const r = load(rule('{none: no public rule watches this}'));
    expect(r.issues).toEqual([]);
    expect(r.rules[0]?.spec.equivalents).toEqual({ none: 'no public rule watches this' });
  });

  it('stands alone, and an empty block is refused', () => {
    expect(load(rule('{none: nothing, panther: [Okta.APIKeyCreated]}')).issues.map((i) => i.message)).toEqual(['says there is no equivalent, yet ids are named beside it: keep one or the other']);
    expect(load(rule('{}')).issues.map((i) => i.message)).toEqual(['names at least one of panther, sigma, elastic, or says why there is none (none: …)']);
  });
});
