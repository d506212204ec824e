import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
/**
 * The shipped rules these tests expect alerts from, alone: replay's
 * mechanics are under test here, and the growing library would add alerts
 * of other rules to the exact lists below (one test runs the whole library).
 */
let rules: string;
let awsRules: string;
const RULES_UNDER_TEST = ['okta/okta.brute-force-then-success.yml', 'okta/okta.sign-in-from-new-country.yml', 'aws/aws.cloudtrail-logging-stopped.yml', 'aws/aws.console-login-failures-from-one-address.yml'];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sift-replay-'));
  rules = join(dir, 'rules');
  awsRules = join(dir, 'rules-aws');
  mkdirSync(rules);
  mkdirSync(awsRules);
  for (const f of RULES_UNDER_TEST) {
    copyFileSync(join(process.cwd(), 'rules', f), join(rules, f.split('/')[1] as string));
    if (f.startsWith('aws/')) copyFileSync(join(process.cwd(), 'rules', f), join(awsRules, f.split('/')[1] as string));
  }
  mkdirSync(join(dir, 'day'));
  const lines = [
    // The day before, from home: the baseline that makes Amsterdam a new country for the user.
    oktaLogin(0, '2024-04-01T16:30:00.000Z', true, ATLANTA),
    oktaLogin(1, '2024-04-02T19:01:05.000Z', false),
    oktaLogin(2, '2024-04-02T19:01:25.000Z', false),
    oktaLogin(3, '2024-04-02T19:01:50.000Z', false),
    oktaLogin(5, '2024-04-02T19:02:00.000Z', false),
    oktaLogin(6, '2024-04-02T19:02:10.000Z', false),
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
  it('replays a folder through the rules and prints one JSON line per alert', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day'), '--rules', rules, '--json'])).toBe(0);
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
      count: 6,
      first: '2024-04-02T19:01:05.000Z',
      last: '2024-04-02T19:02:30.000Z',
    });
    expect(seq?.event_ids).toHaveLength(6);
    const country = alerts.find((a) => a.rule === 'okta.sign-in-from-new-country');
    expect(country).toMatchObject({ group: { 'user.name': 'casey.hill@hey.com', 'client.geo.country_name': 'Netherlands' }, last: '2024-04-02T19:02:30.000Z' });
    const trail = alerts.find((a) => a.rule === 'aws.cloudtrail-logging-stopped');
    expect(trail?.fields).toMatchObject({ 'event.action': 'StopLogging', 'cloud.account.id': '123456789012' });
    // The bad line is reported with its place, counted, and does not stop the run.
    expect(io.err()).toMatch(/a-events\.ndjson:7: SIFT_DECODE_NOT_JSON/);
    expect(io.err()).toMatch(/8 events, 3 alerts, 1 errors/);
  });

  it('runs the shipped library without --rules', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day'), '--json'])).toBe(0);
    const fired = io
      .out()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as AlertLine).rule);
    expect(fired).toEqual(expect.arrayContaining(['aws.cloudtrail-logging-stopped', 'okta.brute-force-then-success', 'okta.sign-in-from-new-country']));
  }, 60_000);

  it('prints a readable table and the summary on stdout without --json', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day', 'b-trail.json'), '--rules', rules])).toBe(0);
    expect(io.out()).toMatch(/2024-06-03T08:14:22\.000Z +high +aws\.cloudtrail-logging-stopped +1 +.*event\.action=StopLogging/);
    expect(io.out()).toMatch(/1 events, 1 alerts, 0 errors/);
  });

  it('uses --source for every file', async () => {
    const io = capture();
    // Read as Okta, the file holds no Okta event at all: named, and exit 1 (issue 11 point 9).
    expect(await replayCommand([join(dir, 'mystery.ndjson'), '--source', 'okta', '--json'])).toBe(1);
    expect(io.err()).toMatch(/0 events, 0 alerts, 1 errors/);
    expect(io.err()).toMatch(/mystery\.ndjson: no event in 1 record \(SIFT_\w+ ×1\): not okta events/);
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
    expect(await replayCommand([join(dir, 'day'), '--rules', rules, '--json', '--progress'])).toBe(0);
    expect(io.err()).toMatch(/\r█+ +100% +8 events +\d+ ev\/s +3 alerts +1 errors/);
  });

  it('honours --rules and --lateness', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'day'), '--rules', awsRules, '--lateness', '0s', '--json'])).toBe(0);
    expect(io.out().trim().split('\n')).toHaveLength(1);
  });
});

/** A failed console sign-in (the shape of the shipped threshold rule's own test events). */
function consoleFailure(n: number): object {
  return {
    eventVersion: '1.05',
    userIdentity: { type: 'IAMUser', principalId: `AIDA${n}`, arn: `arn:aws:iam::123456789012:user/u${n}`, accountId: '123456789012', userName: `u${n}` },
    eventTime: `2024-06-05T03:1${n}:00Z`,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '185.220.101.34',
    responseElements: { ConsoleLogin: 'Failure' },
    eventID: `9e8d7c6b-0000-4a00-8b00-00000000000${n}`,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: '123456789012',
  };
}

describe('sift replay: one input, however it is packed', () => {
  const five = [0, 1, 2, 3, 4].map(consoleFailure);
  const shapes: Record<string, string> = {
    'ndjson.ndjson': five.map((e) => JSON.stringify(e)).join('\n'),
    'records.json': JSON.stringify({ Records: five }, null, 2),
    'records-one-line.ndjson': JSON.stringify({ Records: five }),
    'array.json': JSON.stringify(five),
  };

  it.each(Object.keys(shapes))('five failed console sign-ins as %s make the one alert the rule declares', async (name) => {
    const file = join(dir, `packed-${name}`);
    writeFileSync(file, shapes[name] as string);
    const io = capture();
    expect(await replayCommand([file, '--rules', awsRules, '--json'])).toBe(0);
    const alerts = io
      .out()
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as AlertLine);
    // Written by hand: one threshold alert for the address, counting all five events.
    expect(alerts.map((a) => [a.rule, a.group, a.count])).toEqual([['aws.console-login-failures-from-one-address', { 'source.ip': '185.220.101.34' }, 5]]);
    expect(io.err()).toMatch(/5 events, 1 alerts, 0 errors/);
  });
});

describe('sift replay refuses what sift run refuses', () => {
  it('keeps line numbers after a broken first line, and refuses a line that is not UTF-8', async () => {
    const file = join(dir, 'broken-first.ndjson');
    const good = (n: number) => Buffer.from(`${JSON.stringify(oktaLogin(10 + n, `2024-04-03T10:0${n}:00.000Z`, true))}\n`);
    writeFileSync(file, Buffer.concat([Buffer.from('{"not": json\n'), good(1), Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d, 0x0a]), good(2)]));
    const io = capture();
    expect(await replayCommand([file, '--source', 'okta', '--rules', rules, '--json'])).toBe(0);
    expect(io.err()).toMatch(/broken-first\.ndjson:1: SIFT_DECODE_NOT_JSON/);
    expect(io.err()).toMatch(/broken-first\.ndjson:3: SIFT_DECODE_NOT_UTF8/);
    expect(io.err()).toMatch(/4 records, 2 events, 0 alerts, 2 errors/);
  });

  it('counts late and future-dated events in its summary', async () => {
    const file = join(dir, 'late-future.ndjson');
    const lines = [
      oktaLogin(20, '2024-04-05T10:00:00.000Z', false),
      oktaLogin(21, '9999-12-31T23:59:59.000Z', false),
      oktaLogin(22, '2024-04-05T10:30:00.000Z', false),
      // 29 minutes older than the watermark: late for the stateful rules that watch it.
      oktaLogin(23, '2024-04-05T10:01:00.000Z', false),
    ];
    writeFileSync(file, lines.map((e) => JSON.stringify(e)).join('\n'));
    const io = capture();
    expect(await replayCommand([file, '--rules', rules, '--json'])).toBe(0);
    expect(io.err()).toMatch(/4 records, 4 events, \d+ alerts, 0 errors, [1-9]\d* late, 1 future-dated/);
  });
});

describe('sift replay reads lines across read chunks', () => {
  it('keeps a line longer than a read chunk whole, with CRLF ends and the right line numbers', async () => {
    // 400 console failures in one Records line (~200 KB, several 64 KiB chunks), between two short lines.
    const many = Array.from({ length: 400 }, (_, i) => ({ ...consoleFailure(i % 5), eventID: `big-${i}`, eventTime: '2024-06-05T03:10:00Z' }));
    const file = join(dir, 'long-line.ndjson');
    writeFileSync(file, ['{"broken": ', JSON.stringify({ Records: many }), '{"also": broken'].join('\r\n'));
    const io = capture();
    expect(await replayCommand([file, '--source', 'aws_cloudtrail', '--rules', awsRules, '--json'])).toBe(0);
    expect(io.err()).toMatch(/long-line\.ndjson:1: SIFT_DECODE_NOT_JSON/);
    expect(io.err()).toMatch(/long-line\.ndjson:3: SIFT_DECODE_NOT_JSON/);
    // 400 failures from one address: 80 threshold windows of 5, folded by the rule's 1h suppression into one alert.
    expect(io.err()).toMatch(/3 records, 400 events, 1 alerts \(79 suppressed\), 2 errors/);
  });
});
