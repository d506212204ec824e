/**
 * The alert stage of a batch: one alert id is one alert. Two identical
 * records in one batch (a producer's retry, a replayed file) give the same
 * detection twice; the alert must be raised, written, counted and logged once.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSuppressionStore, type Alert } from '../../src/alerts/index.js';
import { prepareBatch, type IndexDoc } from '../../src/ingest/index.js';
import { createAlertStage } from '../../src/pipeline/alerting.js';
import { createEngine, detectInputs, loadRules } from '../../src/rules/index.js';
import { offlinePlan, offlineRecord } from '../../src/rules/testing/index.js';
import { packageRoot } from '../../src/shared/index.js';
import { createMetrics } from '../../src/telemetry/index.js';
import { captureLogger } from './alerts/fixtures.js';

const STOP_LOGGING = {
  eventVersion: '1.08',
  userIdentity: { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' },
  eventTime: '2024-06-03T08:14:22Z',
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.9',
  requestParameters: { name: 'main-trail' },
  eventID: 'dup-0001',
  eventType: 'AwsApiCall',
  recipientAccountId: '123456789012',
};

describe('alert stage', () => {
  it('raises one alert per alert id, even when a batch holds the same record twice', async () => {
    const rules = loadRules([join(packageRoot(), 'rules', 'aws', 'aws.cloudtrail-logging-stopped.yml')]);
    const plan = offlinePlan('aws_cloudtrail');
    if (!plan) throw new Error('no plan');
    const text = Buffer.from(JSON.stringify(STOP_LOGGING));
    const prepared = prepareBatch([offlineRecord('t', 0, text, Date.now()), offlineRecord('t', 1, text, Date.now())], plan, { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false });
    const detections = createEngine(rules.rules).partition('t/0').evaluate(detectInputs(prepared));
    expect(detections).toHaveLength(2);

    const indexed: IndexDoc[] = [];
    const topic: Alert[] = [];
    const metrics = createMetrics();
    const { log, lines } = captureLogger();
    const stage = createAlertStage({
      indexer: { index: async (docs) => (indexed.push(...docs), { indexed: docs.length, rejected: [] }) },
      index: 'sift-alerts-test',
      topic: { write: async (alerts) => void topic.push(...alerts) },
      deadLetter: async () => undefined,
      links: { namespace: 'test' },
      log,
      metrics,
    });
    const raised = await stage.raise('t/0', detections, createSuppressionStore(), new AbortController().signal);
    expect(raised).toBe(1);
    expect(indexed).toHaveLength(1);
    expect(topic).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Alert raised.'))).toHaveLength(1);
    const counted = (await metrics.alerts.get()).values.filter((v) => v.labels.sink === 'kafka').reduce((n, v) => n + v.value, 0);
    expect(counted).toBe(1);
  });
});
