/**
 * A generic signed webhook: the alert document as JSON, POSTed to the
 * configured URL, accepted on any 2xx.
 *
 * Signature scheme (docs/alerts.md):
 *   X-Sift-Timestamp: <unix seconds>
 *   X-Sift-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * The timestamp is inside the signed material so that a captured request
 * cannot be replayed later with a fresh timestamp; receivers reject
 * timestamps outside a tolerance (5 minutes by default).
 * X-Sift-Alert-Id carries the alert id: retries resend the same id, so a
 * receiver can deduplicate.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AlertSink } from '../dispatch/sink.js';
import { createOutboundClient, urlSecrets, type OutboundPolicy, type Resolver } from '../outbound/index.js';
import { postJson } from './http.js';

export const WEBHOOK_HEADERS = { signature: 'x-sift-signature', timestamp: 'x-sift-timestamp', alertId: 'x-sift-alert-id' } as const;
export const DEFAULT_TOLERANCE_S = 300;

/** `sha256=<hex>` over `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyInput {
  readonly secret: string;
  readonly body: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly nowMs?: number;
  readonly toleranceS?: number;
}

/** What a receiver runs: constant-time compare, and a timestamp within tolerance. */
export function verifyWebhookSignature(input: VerifyInput): boolean {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const ageS = Math.abs((input.nowMs ?? Date.now()) / 1000 - Number(timestamp));
  if (ageS > (input.toleranceS ?? DEFAULT_TOLERANCE_S)) return false;
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookSinkOptions {
  readonly name: string;
  readonly url: string;
  /** HMAC key; at least 16 characters is checked at config load. */
  readonly secret: string;
  /** Extra headers (e.g. an Authorization token); cannot replace the X-Sift-* ones. Values are treated as secrets. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly policy: OutboundPolicy;
  readonly timeoutMs?: number;
  readonly resolve?: Resolver;
  /** Clock for the timestamp; tests pin it. */
  readonly now?: () => number;
}

export function createWebhookSink(opts: WebhookSinkOptions): AlertSink {
  const client = createOutboundClient({ sink: opts.name, policy: opts.policy, ...(opts.resolve ? { resolve: opts.resolve } : {}) });
  // Dropped rather than merged: fetch would join duplicates into "a, b" and break the signature.
  const extra = Object.fromEntries(Object.entries(opts.headers ?? {}).filter(([k]) => !/^(x-sift-|content-type$)/i.test(k)));
  const secrets = [opts.secret, ...Object.values(extra), ...urlSecrets(opts.url)];
  const now = opts.now ?? Date.now;
  return {
    name: opts.name,
    kind: 'webhook',
    async send(alert, signal) {
      const body = JSON.stringify(alert.doc);
      const timestamp = String(Math.floor(now() / 1000));
      const headers = {
        ...extra,
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.signature]: signWebhook(opts.secret, timestamp, body),
        [WEBHOOK_HEADERS.alertId]: alert.id,
      };
      await postJson({ client, sink: opts.name, url: opts.url, body, headers, timeoutMs: opts.timeoutMs ?? 10_000, secrets }, signal);
    },
    close: () => client.close(),
  };
}
