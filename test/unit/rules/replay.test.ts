import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { replayCommand } from '../../../src/cli/replay.js';
import { capture } from '../../helpers/capture.js';

afterEach(() => vi.restoreAllMocks());

const AMSTERDAM = { country: 'Netherlands', city: 'Amsterdam' };
const ATLANTA = { country: 'United States', city: 'Atlanta' };

/** An Okta sign-in as the System Log API returns it (trimmed from the Panther corpus's okta_login_signal). */
function oktaLogin(n: number, published: string, ok: boolean, place = AMSTERDAM): object {
  return {
    uuid: `5b1c2f0e-0000-4000-8000-${String(n).padStart(12, '0')}`,
    published,
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    actor: { id: '00ubewfku1EX0WCFk697', type: 'User', alternateId: 'casey.hill@hey.com', displayName: 'Casey Hill' },
    client: { ipAddress: '198.51.100.23', userAgent: { rawUserAgent: 'python-requests/2.31.0' }, geographicalContext: place },
    outcome: ok ? { result: 'SUCCESS' } : { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
  };
}

/** A CloudTrail StopLogging record (adapted from the Panther corpus's aws_cloudtrail_created). */
const STOP_LOGGING = {
  eventVersion: '1.05',
  userIdentity: { type: 'AssumedRole', principalId: 'tester', arn: 'arn:aws:sts::123456789012:assumed-role/tester', accountId: '123456789012', sessionContext: { sessionIssuer: { type: 'Role', userName: 'Tester' } } },
  eventTime: '2024-06-03T08:14:22Z',
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  awsRegion: 'us-west-2',
  sourceIPAddress: '111.111.111.111',
  requestParameters: { name: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail' },
  eventID: '3f1c6a52-8a0e-4c43-9d55-6f9b4c1f0a01',
  eventType: 'AwsApiCall',
  recipientAccountId: '123456789012',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sift-replay-'));
  mkdirSync(join(dir, 'day'));
  const lines = [
    // The day before, from home: the baseline that makes Amsterdam a new country for the user.
    oktaLogin(0, '2024-04-01T16:30:00.000Z', true, ATLANTA),
    oktaLogin(1, '2024-04-02T19:01:05.000Z', false),
    oktaLogin(2, '2024-04-02T19:01:25.000Z', false),
    oktaLogin(3, '2024-04-02T19:01:50.000Z', false),
  ].map((e) => JSON.stringify(e));
  lines.push('{"this is": not json', '', JSON.stringify(oktaLogin(4, '2024-04-02T19:02:30.000Z', true)));
  // The vendor is found from the content: the name says nothing.
  writeFileSync(join(dir, 'day', 'a-events.ndjson'), `${lines.join('\n')}\n`);
  // A pretty-printed S3 log file: not NDJSON, read whole.
  writeFileSync(join(dir, 'day', 'b-trail.json'), JSON.stringify({ Records: [STOP_LOGGING] }, null, 2));
  writeFileSync(join(dir, 'mystery.ndjson'), '{"hello": "world"}\n');
});

interface AlertLine {
  rule: string;
  severity: string;
  group: Record<string, unknown>;
  fields: Record<string, unknown>;
  count: number;
  first: string;
  last: string;
  event_ids: string[];
}

describe('sift replay', () => {
  it('replays a folder through the shipped rules and prints one JSON line per alert', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day'), '--json'])).toBe(0);
    const alerts = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AlertLine);
    expect(alerts.map((a) => a.rule).sort()).toEqual(['aws.cloudtrail-logging-stopped', 'okta.brute-force-then-success', 'okta.sign-in-from-new-country']);
    const seq = alerts.find((a) => a.rule === 'okta.brute-force-then-success');
    expect(seq).toMatchObject({
      severity: 'high',
      group: { 'user.name': 'casey.hill@hey.com' },
      fields: { 'user.name': 'casey.hill@hey.com', 'source.ip': '198.51.100.23' },
      count: 4,
      first: '2024-04-02T19:01:05.000Z',
      last: '2024-04-02T19:02:30.000Z',
    });
    expect(seq?.event_ids).toHaveLength(4);
    const country = alerts.find((a) => a.rule === 'okta.sign-in-from-new-country');
    expect(country).toMatchObject({ group: { 'user.name': 'casey.hill@hey.com', 'client.geo.country_name': 'Netherlands' }, last: '2024-04-02T19:02:30.000Z' });
    const trail = alerts.find((a) => a.rule === 'aws.cloudtrail-logging-stopped');
    expect(trail?.fields).toMatchObject({ 'event.action': 'StopLogging', 'cloud.account.id': '123456789012' });
    // The bad line is reported with its place, counted, and does not stop the run.
    expect(io.err()).toMatch(/a-events\.ndjson:5: SIFT_DECODE_NOT_JSON/);
    expect(io.err()).toMatch(/6 events, 3 alerts, 1 errors/);
  });

  it('prints a readable table and the summary on stdout without --json', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day', 'b-trail.json')])).toBe(0);
    expect(io.out()).toMatch(/2024-06-03T08:14:22\.000Z +high +aws\.cloudtrail-logging-stopped +1 +.*event\.action=StopLogging/);
    expect(io.out()).toMatch(/1 events, 1 alerts, 0 errors/);
  });

  it('uses --source for every file', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'mystery.ndjson'), '--source', 'okta', '--json'])).toBe(0);
    expect(io.err()).toMatch(/0 events, 0 alerts, 1 errors/);
  });

  it('refuses a file whose vendor it cannot tell, naming --source', async () => {
    capture();
    await expect(replayCommand([join(dir, 'mystery.ndjson')])).rejects.toThrow(/cannot tell which vendor.*--source/);
  });

  it('validates its flags', async () => {
    capture();
    await expect(replayCommand([])).rejects.toThrow(/at least one file/);
    await expect(replayCommand([join(dir, 'day'), '--lateness', 'soon'])).rejects.toThrow(/--lateness/);
    await expect(replayCommand([join(dir, 'day'), '--source', 'myspace'])).rejects.toThrow(/unknown --source/);
  });

  it('draws a progress bar with events/s on stderr when asked', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day'), '--json', '--progress'])).toBe(0);
    expect(io.err()).toMatch(/\r█+ +100% +6 events +\d+ ev\/s +3 alerts +1 errors/);
  });

  it('honours --rules and --lateness', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day'), '--rules', join(process.cwd(), 'rules', 'aws'), '--lateness', '0s', '--json'])).toBe(0);
    expect(io.out().trim().split('\n')).toHaveLength(1);
  });
});
