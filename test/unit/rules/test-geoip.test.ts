/**
 * Rule tests see GeoIP/ASN enrichment as `sift run` does (enrich.geoip's
 * default, the shipped databases), so a rule on `source.as.*` or
 * `source.geo.*` can be tested with raw vendor events. Expectations are
 * public facts: 8.8.8.8 is Google's AS15169, in the United States; 10.0.0.0/8
 * is private and never looked up.
 */
import { describe, expect, it } from 'vitest';
import { compileRule, formatIssue, parseRuleFile } from '../../../src/rules/index.js';
import { runRule } from '../../../src/rules/testing/index.js';

const RULE = `id: tmp.google-cloud-sign-in
name: Okta sign-in from Google's network
description: A sign-in from an address of AS15169 in the United States.
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  from_google: {source.as.number: 15169, source.geo.country_iso_code: US}
  condition: from_google
output: {fields: [user.name, source.ip, source.as.organization.name]}
tests:
  - name: from 8.8.8.8
    events:
      - source: okta
        raw: {"uuid": "g1", "published": "2024-05-14T16:02:11Z", "eventType": "user.session.start", "actor": {"id": "00u1", "type": "User", "alternateId": "jack@acme.io"}, "client": {"ipAddress": "8.8.8.8"}, "outcome": {"result": "SUCCESS"}}
    expect: {count: 1, alerts: [{source.ip: 8.8.8.8}]}
  - name: from a private address, never enriched
    events:
      - source: okta
        raw: {"uuid": "g2", "published": "2024-05-14T16:02:11Z", "eventType": "user.session.start", "actor": {"id": "00u1", "type": "User", "alternateId": "jack@acme.io"}, "client": {"ipAddress": "10.0.0.1"}, "outcome": {"result": "SUCCESS"}}
    expect: {count: 0}
`;

describe('rule tests with GeoIP/ASN enrichment', () => {
  it('enriches raw events before the rule sees them', () => {
    const parsed = parseRuleFile(RULE, 'mem.yml');
    expect(parsed.issues.map(formatIssue)).toEqual([]);
    const compiled = parsed.rule && compileRule(parsed.rule);
    expect(compiled?.issues.map(formatIssue)).toEqual([]);
    const report = compiled?.rule && runRule(compiled.rule);
    expect(report?.cases.map((c) => [c.name, c.passed, c.message ?? ''])).toEqual([
      ['from 8.8.8.8', true, ''],
      ['from a private address, never enriched', true, ''],
    ]);
  });
});
