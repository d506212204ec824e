/**
 * Panther's exported rows (../shared/corpus/panther is Panther-shaped): the
 * vendor's event plus Panther's `p_*` fields at its top level. When the row
 * lacks the vendor's own time, `p_event_time` (UTC, "2023-03-28
 * 17:37:02.096") is its time, for every source; no `p_*` key reaches the ECS
 * document. Expected times are the rows' p_event_time written by hand as
 * RFC 3339.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFor } from '../../src/ingest/index.js';
import { CORPUS, corpusAvailable } from '../helpers/corpus.js';

type Row = Record<string, unknown>;

function log(folder: string, file: string, test: string): Row {
  const rule = JSON.parse(readFileSync(join(CORPUS, 'panther', folder, file), 'utf8')) as { tests: { name: string; log: Row }[] };
  const found = rule.tests.find((t) => t.name === test);
  if (!found) throw new Error(`${file}: no test ${test}`);
  return structuredClone(found.log);
}

function without(row: Row, ...keys: string[]): Row {
  for (const k of keys) delete row[k];
  return row;
}

/** Every key path of a document that starts with p_ at any depth. */
function pantherKeys(v: unknown, path = ''): string[] {
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => [...(k.startsWith('p_') ? [`${path}${k}`] : []), ...pantherKeys(x, `${path}${k}.`)]);
}

const PANTHER = { p_log_type: 'X', p_row_id: 'a1b2c3', p_parse_time: '2024-06-01 00:00:01.000', p_source_label: 'prod', p_any_ip_addresses: ['192.0.2.1'], p_any_emails: ['a@b.example'] };

function normalized(vendor: string, row: Row): Record<string, unknown> {
  const source = sourceFor(vendor);
  if (!source) throw new Error(vendor);
  const units = source.explode(row);
  if (!Array.isArray(units)) throw new Error(JSON.stringify(units));
  const r = source.normalize(units[0], { original: undefined });
  if (r.ok !== true) throw new Error(`${vendor}: ${r.code} ${r.message}`);
  return r.event as unknown as Record<string, unknown>;
}

describe.skipIf(!corpusAvailable())("Panther's exported shape", () => {
  const cases: [string, () => Row, string][] = [
    ['aws_cloudtrail', () => without(log('aws_cloudtrail_rules', 'aws_cloudtrail_attempt_to_leave_org.json', 'Failed Attempt to Leave Org'), 'eventTime'), '2025-01-20T15:59:33.000Z'],
    ['gcp_audit', () => without(log('gcp_audit_rules', 'gcp_bigquery_large_scan.json', 'small query'), 'timestamp'), '2023-03-28T17:37:02.096Z'],
    ['github', () => without(log('github_rules', 'github_workflow_dispatch_by_github_bot.json', 'Other Event'), 'created_at', '@timestamp'), '2025-10-15T18:45:47.048Z'],
    // Slack's own times are details.action_timestamp (anomaly events) and date_create: both removed.
    ['slack', () => ({ ...without(log('slack_rules', 'slack_passthrough_anomaly.json', 'Session Fingerprint'), 'date_create'), details: { location: 'London, UK', reason: ['session_fingerprint'] } }), '2024-08-19T13:54:53.000Z'],
    // Okta's and Zoom's corpus rows carry no usable p_event_time; Panther's fields added by hand.
    ['okta', () => ({ ...without(log('okta_rules', 'okta_admin_role_assigned.json', 'Admin Access Assigned'), 'published'), ...PANTHER, p_event_time: '2024-05-14 16:02:11.250' }), '2024-05-14T16:02:11.250Z'],
    ['zoom', () => ({ ...without(log('zoom_operation_rules', 'zoom_all_meetings_secured_with_one_option_disabled.json', 'Turn off'), 'time'), ...PANTHER, p_event_time: '2022-12-16 20:07:35' }), '2022-12-16T20:07:35.000Z'],
    ['gitlab', () => ({ ...log('gitlab_rules', 'gitlab_audit_password_reset_multiple_emails.json', 'not a password reset'), ...PANTHER, p_event_time: '2024-02-29 23:59:59.999999999' }), '2024-02-29T23:59:59.999Z'],
  ];

  it.each(cases)('%s: p_event_time is the time of a row without the vendor time, and no p_* key leaks', (vendor, row, time) => {
    const event = normalized(vendor, row());
    expect(event['@timestamp']).toBe(time);
    expect(pantherKeys(event)).toEqual([]);
  });

  it("the vendor's own time wins over p_event_time", () => {
    const row = { ...log('aws_cloudtrail_rules', 'aws_cloudtrail_attempt_to_leave_org.json', 'Failed Attempt to Leave Org'), eventTime: '2021-01-01T00:00:00Z', p_event_time: '2025-01-20 15:59:33.000000000' };
    expect(normalized('aws_cloudtrail', row)['@timestamp']).toBe('2021-01-01T00:00:00.000Z');
  });
});
