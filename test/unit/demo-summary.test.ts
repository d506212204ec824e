/**
 * Issue 11, point 5: the demo's alert line reports THIS run. It used to say
 * "81 raised by 20 rules" when 3 rules fired (20 was the number loaded) and
 * listed the alerts index's cumulative per-rule totals, which disagree with
 * the run's own total from the second run on. The figures now come from the
 * pipeline's stats, counted where alerts are raised; the expected lines are
 * written by hand.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSuppressionStore } from '../../src/alerts/index.js';
import { alertSummary } from '../../src/cli/demo-summary.js';
import { prepareBatch } from '../../src/ingest/index.js';
import { emptyStats } from '../../src/pipeline/index.js';
import { createAlertStage } from '../../src/pipeline/alerting.js';
import { countAlerts } from '../../src/pipeline/stats.js';
import { createEngine, detectInputs, loadRules } from '../../src/rules/index.js';
import { offlinePlan, offlineRecord } from '../../src/rules/testing/index.js';
import { packageRoot } from '../../src/shared/index.js';
import { createMetrics } from '../../src/telemetry/index.js';
import { captureLogger } from './alerts/fixtures.js';

const RULE = 'aws.cloudtrail-logging-stopped';

/** A CloudTrail StopLogging call; each event id is a new alert of RULE. */
const stopLogging = (eventID: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      eventVersion: '1.08',
      userIdentity: { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' },
      eventTime: '2024-06-03T08:14:22Z',
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.9',
      requestParameters: { name: 'main-trail' },
      eventID,
      eventType: 'AwsApiCall',
      recipientAccountId: '123456789012',
    }),
  );

describe('alerts of this run', () => {
  it('a second run counts its own alerts per rule, not what the alerts index holds from the first', async () => {
    const rules = loadRules([join(packageRoot(), 'rules', 'aws', `${RULE}.yml`)]);
    const plan = offlinePlan('aws_cloudtrail');
    if (!plan) throw new Error('no plan');
    // The alerts index outlives a run, as Elasticsearch's does.
    const index = new Map<string, unknown>();
    const run = async (eventIds: string[]) => {
      const stats = emptyStats();
      const stage = createAlertStage({
        indexer: { index: async (docs) => (docs.forEach((d) => index.set(d.id, d)), { indexed: docs.length, rejected: [] }) },
        index: 'sift-alerts-test',
        topic: { write: async () => undefined },
        deadLetter: async () => undefined,
        links: { namespace: 'test' },
        log: captureLogger().log,
        metrics: createMetrics(),
        onRaised: (alerts) => countAlerts(stats, alerts),
      });
      const records = eventIds.map((id, i) => offlineRecord('t', i, stopLogging(id), Date.now()));
      const prepared = prepareBatch(records, plan, { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false });
      const detections = createEngine(rules.rules).partition('t/0').evaluate(detectInputs(prepared));
      await stage.raise('t/0', detections, createSuppressionStore(), new AbortController().signal);
      return stats;
    };
    const first = await run(['run1-a', 'run1-b']);
    expect(first.alerts).toBe(2);
    expect(first.alertsByRule).toEqual({ [RULE]: 2 });
    const second = await run(['run2-a']);
    expect(index.size).toBe(3);
    expect(second.alerts).toBe(1);
    expect(second.alertsByRule).toEqual({ [RULE]: 1 });
  });

  it('countAlerts keeps the total and the per-rule counts in step', () => {
    const stats = emptyStats();
    countAlerts(stats, [{ ruleId: 'okta.b' }, { ruleId: 'okta.a' }, { ruleId: 'okta.b' }]);
    countAlerts(stats, []);
    countAlerts(stats, [{ ruleId: 'okta.b' }]);
    expect(stats.alerts).toBe(4);
    expect(stats.alertsByRule).toEqual({ 'okta.a': 1, 'okta.b': 3 });
  });
});

describe('the demo summary alert lines', () => {
  it('say how many of the loaded rules fired and list this run\'s counts, most first, with the index total labelled', () => {
    const stats = { alerts: 81, alertsByRule: { 'okta.mfa-reset': 6, 'okta.brute-force-then-success': 65, 'okta.admin-granted': 10 } };
    expect(alertSummary(stats, 20, 'sift-alerts-default', 162)).toEqual([
      '  alerts          81 raised in this run by 3 of 20 rules into sift-alerts-default',
      '                  okta.brute-force-then-success ×65, okta.admin-granted ×10, okta.mfa-reset ×6',
      '                  (sift-alerts-default holds 162 alerts from every run so far)',
    ]);
  });

  it('with no alerts: 0 of the loaded rules, no per-rule line; ties in id order; no index line without a count', () => {
    expect(alertSummary({ alerts: 0, alertsByRule: {} }, 20, 'sift-alerts-default')).toEqual(['  alerts          0 raised in this run by 0 of 20 rules into sift-alerts-default']);
    expect(alertSummary({ alerts: 2, alertsByRule: { 'okta.b': 1, 'okta.a': 1 } }, 1_000, 'sift-alerts-x', 1_234)).toEqual([
      '  alerts          2 raised in this run by 2 of 1,000 rules into sift-alerts-x',
      '                  okta.a ×1, okta.b ×1',
      '                  (sift-alerts-x holds 1,234 alerts from every run so far)',
    ]);
  });

  it('a single rule is "1 of 1 rule"', () => {
    expect(alertSummary({ alerts: 1_500, alertsByRule: { 'okta.a': 1_500 } }, 1, 'sift-alerts-default')).toEqual([
      '  alerts          1,500 raised in this run by 1 of 1 rule into sift-alerts-default',
      '                  okta.a ×1,500',
    ]);
  });
});
