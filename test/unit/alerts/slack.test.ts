import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkError, SinkReason } from '../../../src/alerts/dispatch/index.js';
import { createSlackSink, SLACK_LIMITS, slackMessage } from '../../../src/alerts/sinks/slack.js';
import { createSlackReceiver } from '../../helpers/receivers.js';
import { LOCAL_POLICY, makeAlert } from './fixtures.js';

type Receiver = Awaited<ReturnType<typeof createSlackReceiver>>;

async function failure(p: Promise<unknown>): Promise<SinkError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SinkError);
  return err as SinkError;
}

describe('slackMessage', () => {
  it('builds a Block Kit message with the alert facts', () => {
    const msg = slackMessage(makeAlert({ severity: 'critical', runbook: 'Call the user.', kibana: 'https://kibana.example.com/app/discover#/x' }));
    expect(msg.text).toContain('[CRITICAL] Okta MFA factor reset');
    const [header, summary, facts, runbook, actions] = msg.blocks;
    expect(header).toEqual({ type: 'header', text: { type: 'plain_text', text: ':red_circle: Okta MFA factor reset', emoji: true } });
    expect(summary?.type).toBe('section');
    const fields = facts?.type === 'section' ? (facts.fields ?? []).map((f) => f.text) : [];
    expect(fields).toEqual([
      '*Severity*\nCRITICAL',
      '*Risk score*\n73',
      '*Who*\nalice@example.com',
      '*Where*\n203.0.113.7 (Lyon, FR)',
      '*What*\nokta.system: user.mfa.factor.reset_all, user.mfa.factor.deactivate',
      '*Events*\n2',
      '*When*\n2025-11-27T09:58:00.000Z → 2025-11-27T10:00:00.000Z',
    ]);
    expect(runbook).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Runbook*\nCall the user.' } });
    expect(actions).toMatchObject({ type: 'actions', elements: [{ type: 'button', url: 'https://kibana.example.com/app/discover#/x' }] });
  });

  it('uses one emoji per severity', () => {
    const emoji = (['low', 'medium', 'high', 'critical'] as const).map((severity) => {
      const h = slackMessage(makeAlert({ severity })).blocks[0];
      return h?.type === 'header' ? h.text.text.split(' ')[0] : '';
    });
    expect(new Set(emoji).size).toBe(4);
  });

  it('keeps within Slack limits: long runbooks are cut to 3000 characters', () => {
    const msg = slackMessage(makeAlert({ runbook: 'x'.repeat(10_000) }));
    const texts = msg.blocks.flatMap((b) => (b.type === 'section' ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)] : []));
    expect(Math.max(...texts.map((t) => t.length))).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(texts.some((t) => t.startsWith('*Runbook*') && t.endsWith('…'))).toBe(true);
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });

  it('escapes event values so they cannot mention @channel or forge links', () => {
    const alert = makeAlert();
    const user = (alert.doc.user ?? {}) as Record<string, unknown>;
    user.name = '<!channel> <https://evil.example|click>';
    const msg = JSON.stringify(slackMessage(alert));
    expect(msg).not.toContain('<!channel>');
    expect(msg).toContain('&lt;!channel&gt;');
  });

  it('leaves the button out without a Kibana link', () => {
    expect(slackMessage(makeAlert()).blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('Slack sink against the receiver', () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await createSlackReceiver();
  });
  afterEach(async () => {
    await rx.close();
  });

  it('posts the message; the receiver accepts it', async () => {
    const sink = createSlackSink({ name: 'slack', url: rx.url, policy: LOCAL_POLICY });
    await sink.send(makeAlert({ runbook: 'r'.repeat(5000) }), new AbortController().signal);
    expect(rx.messages()).toHaveLength(1);
    expect(rx.requests[0]?.headers['content-type']).toBe('application/json');
    await sink.close?.();
  });

  it('treats 404 no_service as permanent', async () => {
    const sink = createSlackSink({ name: 'slack', url: rx.url.replace(/\/[^/]+$/, '/WrongTokenWrongToken'), policy: LOCAL_POLICY });
    const err = await failure(sink.send(makeAlert(), new AbortController().signal));
    expect(err).toMatchObject({ retryable: false, status: 404, reason: SinkReason.Rejected });
    expect(err.message).toContain('no_service');
    expect(err.message).not.toContain('WrongTokenWrongToken');
  });

  it('treats 429 as retryable and reads Retry-After', async () => {
    await rx.setMode({ kind: 'rate-limited', retryAfterS: 2, count: 1 });
    const sink = createSlackSink({ name: 'slack', url: rx.url, policy: LOCAL_POLICY });
    const err = await failure(sink.send(makeAlert(), new AbortController().signal));
    expect(err).toMatchObject({ retryable: true, status: 429, reason: SinkReason.RateLimited, retryAfterMs: 2000 });
  });

  it('treats 500 as retryable', async () => {
    await rx.setMode({ kind: 'error500', count: 1 });
    const sink = createSlackSink({ name: 'slack', url: rx.url, policy: LOCAL_POLICY });
    expect(await failure(sink.send(makeAlert(), new AbortController().signal))).toMatchObject({ retryable: true, status: 500, reason: SinkReason.ServerError });
    await sink.send(makeAlert(), new AbortController().signal);
    expect(rx.messages()).toHaveLength(1);
  });

  it('treats a refused connection as a retryable network error', async () => {
    await rx.setMode({ kind: 'down' });
    const sink = createSlackSink({ name: 'slack', url: rx.url, policy: LOCAL_POLICY });
    const err = await failure(sink.send(makeAlert(), new AbortController().signal));
    expect(err).toMatchObject({ retryable: true, reason: SinkReason.Network });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('refuses loopback receivers unless the policy allows them', async () => {
    const sink = createSlackSink({ name: 'slack', url: rx.url, policy: { ...LOCAL_POLICY, allowLoopback: false } });
    const err = await failure(sink.send(makeAlert(), new AbortController().signal));
    expect(err).toMatchObject({ retryable: false, reason: SinkReason.OutboundRefused });
    expect(rx.requests).toHaveLength(0);
  });
});
