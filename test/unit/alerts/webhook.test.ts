import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkReason } from '../../../src/alerts/dispatch/index.js';
import { createWebhookSink, signWebhook, verifyWebhookSignature } from '../../../src/alerts/sinks/webhook.js';
import { createWebhookReceiver, WEBHOOK_SECRET } from '../../helpers/receivers.js';
import { LOCAL_POLICY, makeAlert } from './fixtures.js';

type Receiver = Awaited<ReturnType<typeof createWebhookReceiver>>;

describe('webhook signature', () => {
  const body = '{"a":1}';
  const ts = '1764237600';
  const now = 1764237600_000;

  it('signs "<timestamp>.<body>" with HMAC-SHA256', () => {
    expect(signWebhook('k', ts, body)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret: 'k', body, timestamp: ts, signature: signWebhook('k', ts, body), nowMs: now })).toBe(true);
  });

  it('rejects a changed body, timestamp or secret, and stale timestamps', () => {
    const sig = signWebhook('k', ts, body);
    expect(verifyWebhookSignature({ secret: 'k', body: '{"a":2}', timestamp: ts, signature: sig, nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'k', body, timestamp: '1764237601', signature: sig, nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'other', body, timestamp: ts, signature: sig, nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'k', body, timestamp: ts, signature: sig, nowMs: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'k', body, timestamp: undefined, signature: sig, nowMs: now })).toBe(false);
  });
});

describe('webhook sink against the receiver', () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await createWebhookReceiver();
  });
  afterEach(async () => {
    await rx.close();
  });

  const signal = (): AbortSignal => new AbortController().signal;

  it('posts the alert document, signed; the receiver verifies it', async () => {
    const sink = createWebhookSink({ name: 'hook', url: rx.url, secret: WEBHOOK_SECRET, policy: LOCAL_POLICY, headers: { authorization: 'Bearer abc', 'X-Sift-Signature': 'forged' } });
    const alert = makeAlert();
    await sink.send(alert, signal());
    expect(rx.verified()).toEqual([alert.doc]);
    const headers = rx.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer abc');
    expect(headers['x-sift-alert-id']).toBe(alert.id);
    expect(headers['x-sift-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    await sink.close?.();
  });

  it('fails permanently when the receiver rejects the signature', async () => {
    const sink = createWebhookSink({ name: 'hook', url: rx.url, secret: 'not-the-shared-secret', policy: LOCAL_POLICY });
    await expect(sink.send(makeAlert(), signal())).rejects.toMatchObject({ retryable: false, status: 401, reason: SinkReason.Rejected });
  });

  it('times out against a slow receiver, as a retryable failure', async () => {
    await rx.setMode({ kind: 'slow', delayMs: 500 });
    const sink = createWebhookSink({ name: 'hook', url: rx.url, secret: WEBHOOK_SECRET, policy: LOCAL_POLICY, timeoutMs: 50 });
    await expect(sink.send(makeAlert(), signal())).rejects.toMatchObject({ retryable: true, reason: SinkReason.Timeout });
  });

  it('reports an abort (shutdown) as not retryable', async () => {
    await rx.setMode({ kind: 'slow', delayMs: 500 });
    const sink = createWebhookSink({ name: 'hook', url: rx.url, secret: WEBHOOK_SECRET, policy: LOCAL_POLICY });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await expect(sink.send(makeAlert(), ac.signal)).rejects.toMatchObject({ retryable: false, reason: SinkReason.Aborted });
  });
});
