/**
 * The contract between the dispatcher and every alert sink. A sink makes one
 * attempt per `send` and says, through SinkError, whether another attempt can
 * help: retries, backoff, rate limits and dead-lettering are the
 * dispatcher's, so each sink stays a plain request builder.
 */
import type { Alert } from '../alert.js';

export const SinkKind = {
  Slack: 'slack',
  PagerDuty: 'pagerduty',
  Webhook: 'webhook',
  Kafka: 'kafka',
  Elasticsearch: 'elasticsearch',
} as const;
export type SinkKind = (typeof SinkKind)[keyof typeof SinkKind];

export interface AlertSink {
  /** Unique per configuration; used in logs, metric labels and DLQ records. */
  readonly name: string;
  readonly kind: SinkKind;
  /** One attempt. Resolves when the receiver accepted the alert; throws SinkError otherwise. */
  send(alert: Alert, signal: AbortSignal): Promise<void>;
  /** Releases connections; optional because not every sink holds any. */
  close?(): Promise<void>;
}

/**
 * Why a delivery attempt failed (or an alert was dead-lettered). A closed
 * set: these are metric label values, so never a raw message.
 */
export const SinkReason = {
  /** 429, or a receiver-specific "slow down". */
  RateLimited: 'rate_limited',
  /** 5xx, 408. */
  ServerError: 'server_error',
  /** A 4xx that retrying cannot fix (bad payload, unknown hook, bad key). */
  Rejected: 'rejected',
  Timeout: 'timeout',
  /** Connection refused or reset, TLS failure, DNS failure. */
  Network: 'network',
  /** The outbound policy refused the target (scheme, allowlist, internal address, redirects). */
  OutboundRefused: 'outbound_refused',
  /** A 2xx whose body says it did not work (Slack answers 200 with an error word on some paths). */
  BadResponse: 'bad_response',
  /** The dispatcher was shutting down. */
  Aborted: 'aborted',
  /** The sink threw something other than a SinkError: a bug. */
  Internal: 'internal',
  /** Dispatcher-only: the per-sink queue overflowed. */
  QueueFull: 'queue_full',
  /** Dispatcher-only: drain's deadline passed with the alert still queued. */
  Shutdown: 'shutdown',
} as const;
export type SinkReason = (typeof SinkReason)[keyof typeof SinkReason];

export interface SinkErrorOptions {
  readonly retryable: boolean;
  readonly status?: number;
  /** From a Retry-After header: the receiver's own wait, in ms. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * The message is safe to log as is: sinks build it from redacted URLs and
 * scrubbed response text, never from the raw target or credentials.
 */
export class SinkError extends Error {
  readonly sink: string;
  readonly reason: SinkReason;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(sink: string, reason: SinkReason, message: string, opts: SinkErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SinkError';
    this.sink = sink;
    this.reason = reason;
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}
