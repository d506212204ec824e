// Every vendor reads its event time through the shared timestamp reader, so an
// impossible calendar date must reach the DLQ as SIFT_NORMALIZE_BAD_TIMESTAMP
// (never be rolled over into the next month and indexed). Real corpus events,
// with only their time field replaced.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFor } from '../../src/ingest/index.js';
import { CORPUS } from '../helpers/corpus.js';

type Raw = Record<string, unknown>;

function firstEvent(file: string): Raw {
  const line = readFileSync(join(CORPUS, 'elastic', file), 'utf8').split('\n')[0] ?? '';
  return JSON.parse(line) as Raw;
}

// [vendor, corpus file, where its event time lives]
const CASES: ReadonlyArray<readonly [string, string, (e: Raw, time: string) => void]> = [
  ['okta', 'okta/system/test-okta-system-no-flattened-events.log', (e, t) => (e['published'] = t)],
  ['google_workspace', 'google_workspace/user_accounts/test-user-accounts.log', (e, t) => ((e['id'] as Raw)['time'] = t)],
  ['slack', 'slack/audit/test-audit.log', (e, t) => (e['date_create'] = t)],
  ['zoom', 'zoom/operation/test-zoom-operation.log', (e, t) => (e['time'] = t)],
  // GitLab falls back from created_at to the log line's time: both are bad here.
  ['gitlab', 'gitlab/audit/test-audit.log', (e, t) => ((e['created_at'] = t), (e['time'] = t))],
  ['github', 'github/audit/test-api-request-events.log', (e, t) => ((e['@timestamp'] = t), (e['created_at'] = t))],
  ['aws_cloudtrail', 'aws/cloudtrail/test-console-login-json.log', (e, t) => (e['eventTime'] = t)],
  ['gcp_audit', 'gcp/audit/test-iamcredentials-googleapis-com.log', (e, t) => (e['timestamp'] = t)],
];

function normalize(vendor: string, event: Raw): unknown[] {
  const source = sourceFor(vendor);
  if (!source) throw new Error(`no source ${vendor}`);
  const units = source.explode(event);
  if (!Array.isArray(units)) return [units];
  return units.map((u) => source.normalize(u, { original: undefined, receivedAt: undefined }));
}

describe.each(CASES)('%s: an impossible event time is a bad timestamp', (vendor, file, setTime) => {
  it('accepts the corpus event with a valid time (control)', () => {
    const e = firstEvent(file);
    setTime(e, '2024-02-29T10:00:00Z');
    expect(normalize(vendor, e)).toMatchObject([{ ok: true, event: { '@timestamp': '2024-02-29T10:00:00.000Z' } }]);
  });

  it.each(['2024-02-30T10:00:00Z', '2023-02-29T10:00:00.123Z', '2024-04-31T10:00:00+02:00', '2024-06-07T24:00:00Z', '2024-06-31 10:00:00'])('refuses %s', (time) => {
    const e = firstEvent(file);
    setTime(e, time);
    expect(normalize(vendor, e)).toMatchObject([{ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' }]);
  });
});
