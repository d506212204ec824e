/**
 * Sigma v1 aggregations (`| count() by … > n` with a `timeframe`, issue 13
 * construct 7) import as Sift threshold and cardinality rules. Expected Sift
 * YAML is written by hand from Sigma's specification ("The count aggregation
 * counts all matching events if no field name is given. With field name it
 * counts the distinct values in this field") and docs/rules.md (`threshold`:
 * at least `count` events of one group within `window`). The converted
 * rules are then run on events by Sift's own rule tests.
 */
import { describe, expect, it } from 'vitest';
import { compileRule, parseRuleFile } from '../../../src/rules/index.js';
import { testRuleset } from '../../../src/rules/testing/index.js';
import { convertSigma } from '../../../src/rules/sigma/index.js';

const rule = (condition: string, extra = '    timeframe: 10m\n', product = 'logsource:\n    product: aws\n    service: cloudtrail\n'): string => `title: Macie evasion
id: 2f5e0c3a-1b7d-4d6e-9a8b-0c1d2e3f4a5b
status: test
${product}detection:
    selection:
        eventName:
            - DisableMacie
            - DeleteMember
${extra}    condition: ${condition}
level: medium
`;

/** The converted file from `detection:` to the metadata after it (header and metadata are covered by sigma-convert.test.ts). */
function body(sigma: string): string {
  const r = convertSigma(sigma, 'agg.yml');
  if (!r.ok) throw new Error(r.reason);
  const from = r.yaml.slice(r.yaml.indexOf('detection:'));
  const meta = from.indexOf('equivalents:');
  return meta < 0 ? from : from.slice(0, meta);
}

function reason(sigma: string): string {
  const r = convertSigma(sigma, 'agg.yml');
  if (r.ok) throw new Error(`converted:\n${r.yaml}`);
  return `${r.kind}: ${r.reason}`;
}

const SELECTION = `detection:
  selection:
    event.action:
      - DisableMacie
      - DeleteMember
  condition: selection
`;

describe('Sigma count() aggregations', () => {
  it('count() by field > n is a threshold of n + 1 events per group within the timeframe', () => {
    expect(body(rule('selection | count() by sourceIPAddress > 5'))).toBe(`${SELECTION}threshold:
  count: 6
  group_by:
    - source.address
  window: 10m
`);
  });

  it('count() > n without a group, and >= n', () => {
    expect(body(rule('selection | count() >= 3', '    timeframe: 30s\n'))).toBe(`${SELECTION}threshold:
  count: 3
  window: 30s
`);
    expect(body(rule('selection|count()>0', '    timeframe: 1h\n'))).toBe(`${SELECTION}threshold:
  count: 1
  window: 1h
`);
  });

  it('count(field) by field > n is a cardinality of the counted field', () => {
    expect(body(rule('selection | count(userIdentity.arn) by awsRegion > 2', '    timeframe: 1d\n'))).toBe(`${SELECTION}cardinality:
  field: aws.cloudtrail.user_identity.arn
  count: 3
  group_by:
    - cloud.region
  window: 1d
`);
  });

  it.each([
    ['selection | count() by sourceIPAddress > 5', '', 'aggregation: condition has an aggregation (| count() by sourceIPAddress > 5) without a timeframe; Sift counts within a window'],
    ['selection | count() > 5', '    timeframe: 1M\n', 'aggregation: timeframe 1M is not a Sift window (a whole number of s, m, h or d)'],
    ['selection | count() < 5', '    timeframe: 5m\n', "aggregation: condition compares the count with < 5; Sift's threshold and cardinality fire at a minimum (> n, or >= n with n ≥ 1)"],
    ['selection | count() >= 0', '    timeframe: 5m\n', "aggregation: condition compares the count with >= 0; Sift's threshold and cardinality fire at a minimum (> n, or >= n with n ≥ 1)"],
    ['selection | sum(bytes) by sourceIPAddress > 5', '    timeframe: 5m\n', 'aggregation: condition has a sum() aggregation (| sum(bytes) by sourceIPAddress > 5); Sift counts events (count()) and distinct values (count(field)) only'],
    ['selection | count() by userIdentity.userName > 5', '    timeframe: 5m\n', "field: field userIdentity.userName has no ECS mapping (Sift's user.name blends userName and, for assumed roles and federated users, sessionIssuer.userName; no ECS field holds this member alone)"],
    ['selection | count() by > 5', '    timeframe: 5m\n', 'aggregation: condition has an aggregation whose group is not "by field[, field]" (| count() by > 5)'],
    ['selection | count() > five', '    timeframe: 5m\n', 'aggregation: condition has an aggregation without a comparison to a whole number (| count() > five)'],
  ])('%s (%j) is refused', (condition, extra, why) => {
    expect(reason(rule(condition, extra))).toBe(why);
  });

  it('refuses an aggregation inside a list of conditions', () => {
    const sigma = rule('\n        - selection | count() > 5\n        - selection');
    expect(reason(sigma)).toBe('aggregation: a list of conditions with an aggregation: each would count on its own');
  });
});

describe('the converted rules run', () => {
  const event = (minute: number, ip: string): Record<string, unknown> => ({
    eventVersion: '1.08',
    eventTime: `2024-05-01T10:0${minute}:00Z`,
    eventSource: 'macie2.amazonaws.com',
    eventName: 'DisableMacie',
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' },
  });
  const testCase = (name: string, events: Record<string, unknown>[], count: number): string =>
    `  - name: ${name}\n    source: aws_cloudtrail\n    events: ${JSON.stringify(events.map((raw) => ({ raw })))}\n    expect: {count: ${count}}\n`;

  it('fires on the 6th event of one source address within 10 minutes, not on 5, nor on 6 from two addresses', () => {
    const r = convertSigma(rule('selection | count() by sourceIPAddress > 5'), 'agg.yml');
    if (!r.ok) throw new Error(r.reason);
    const six = [0, 1, 2, 3, 4, 5].map((m) => event(m, '203.0.113.7'));
    const mixed = [0, 1, 2, 3, 4, 5].map((m) => event(m, m % 2 === 0 ? '203.0.113.7' : '198.51.100.9'));
    const text = `${r.yaml}tests:\n${testCase('six from one address', six, 1)}${testCase('five', six.slice(0, 5), 0)}${testCase('three and three', mixed, 0)}`;
    const parsed = parseRuleFile(text, 'agg.yml');
    expect(parsed.issues).toEqual([]);
    const compiled = parsed.rule === undefined ? undefined : compileRule(parsed.rule).rule;
    expect(compiled).toBeDefined();
    const report = testRuleset({ rules: compiled === undefined ? [] : [compiled], issues: [] });
    expect(report.rules[0]?.cases.map((c) => [c.name, c.actual.count])).toEqual([
      ['six from one address', 1],
      ['five', 0],
      ['three and three', 0],
    ]);
  });
});
