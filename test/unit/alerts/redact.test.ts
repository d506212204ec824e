import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, SinkError, type AlertSink, type Route } from '../../../src/alerts/dispatch/index.js';
import { redactUrl, scrub, urlSecrets } from '../../../src/alerts/outbound/index.js';
import { createPagerDutySink } from '../../../src/alerts/sinks/pagerduty.js';
import { createSlackSink } from '../../../src/alerts/sinks/slack.js';
import { createWebhookSink } from '../../../src/alerts/sinks/webhook.js';
import { createPagerDutyReceiver, createSlackReceiver, type Receiver } from '../../helpers/receivers.js';
import { captureLogger, LOCAL_POLICY, makeAlert, until } from './fixtures.js';

describe('redactUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/T***/B***/***'],
    ['https://user:pa55word@hooks.example.com:8443/in/abcDEF123xyz?token=zzzz#frag', 'https://***@hooks.example.com:8443/in/***?***#***'],
    ['https://events.pagerduty.com/v2/enqueue', 'https://events.pagerduty.com/v2/enqueue'],
    ['http://127.0.0.1:4455/hooks/sift', 'http://127.0.0.1:4455/hooks/sift'],
    ['not a url /services/T1/B2/secret', '[unparseable url]'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('scrub masks every secret occurrence', () => {
    const secrets = urlSecrets('https://x.example.com/in/abcDEF123xyz?token=zzzz9999');
    expect(scrub('got abcDEF123xyz and token=zzzz9999 and zzzz9999', secrets)).toBe('got *** and *** and ***');
  });
});

describe('secrets never leave through errors, logs, DLQ reasons or metric labels', () => {
  const SLACK_TOKEN = 'SlackT0kenSlackT0kenXYZ1';
  const PD_KEY = 'PDKEYs3cr3tPDKEYs3cr3tPDKEYs3cr3';
  const HOOK_SECRET = 'hmac-s3cr3t-hmac-s3cr3t';
  const HOOK_AUTH = 'Bearer auth-s3cr3t-value-42';
  const HOOK_PATH_TOKEN = 'PathT0kenPathT0ken99';
  const HOOK_QUERY = 'qsecretqsecret77';
  const SECRETS = [SLACK_TOKEN, PD_KEY, HOOK_SECRET, HOOK_AUTH, 'auth-s3cr3t-value-42', HOOK_PATH_TOKEN, HOOK_QUERY];

  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  /** A hostile receiver: answers 400 echoing the URL and every header it got. */
  async function echoServer(): Promise<number> {
    const server: Server = createServer((req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`bad request ${req.url ?? ''} ${JSON.stringify(req.headers)}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    return (server.address() as AddressInfo).port;
  }

  it('holds for failing Slack, PagerDuty, webhook and refused targets', async () => {
    const slackRx: Receiver = await createSlackReceiver(`/services/T0TEST0001/B0TEST0002/${SLACK_TOKEN}`);
    const pdRx = await createPagerDutyReceiver();
    closers.push(() => slackRx.close(), () => pdRx.close());
    await slackRx.setMode({ kind: 'error500', count: 100 });
    const echo = await echoServer();
    const refusedPolicy = { ...LOCAL_POLICY, allowHosts: ['127.0.0.1', '10.0.0.1'] };
    const sinks: AlertSink[] = [
      createSlackSink({ name: 'slack', url: slackRx.url, policy: LOCAL_POLICY }),
      createPagerDutySink({ name: 'pd', routingKey: PD_KEY, url: pdRx.url, policy: LOCAL_POLICY }),
      createWebhookSink({ name: 'hook', url: `http://127.0.0.1:${echo}/in/${HOOK_PATH_TOKEN}?token=${HOOK_QUERY}`, secret: HOOK_SECRET, headers: { authorization: HOOK_AUTH }, policy: LOCAL_POLICY }),
      createSlackSink({ name: 'slack-internal', url: `https://10.0.0.1/services/T1/B2/${SLACK_TOKEN}`, policy: refusedPolicy }),
      createSlackSink({ name: 'slack-offlist', url: `https://evil.example.net/services/T1/B2/${SLACK_TOKEN}`, policy: LOCAL_POLICY }),
    ];

    const errors: string[] = [];
    for (const sink of sinks) {
      const err = await sink.send(makeAlert(), new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SinkError);
      errors.push(String(err), JSON.stringify(err), (err as Error).stack ?? '');
    }

    const { log, lines } = captureLogger();
    const labels: string[] = [];
    const reasons: string[] = [];
    const routes: Route[] = sinks.map((sink) => ({ sink }));
    const d = createDispatcher({
      routes,
      log,
      retry: { initialMs: 1, maxMs: 2, attempts: 2 },
      dlq: (_a, sink, reason, code) => void reasons.push(sink, reason, code),
      hooks: {
        onRetry: (sink, reason) => labels.push(sink, reason),
        onFailed: (sink, reason) => labels.push(sink, reason),
        onDelivered: (sink) => labels.push(sink),
      },
    });
    d.submit([makeAlert()]);
    await until(() => reasons.length === 3 * sinks.length);
    await d.drain(1000);

    const everything = [...errors, ...lines, ...labels, ...reasons].join('\n');
    expect(lines.length).toBeGreaterThan(sinks.length);
    expect(everything).toContain('alert sink "slack"');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    // Labels are bounded codes and configured names only.
    for (const l of labels) expect(l).toMatch(/^[a-z_-]+$/);
  });
});
