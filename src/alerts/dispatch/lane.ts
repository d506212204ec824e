/**
 * One sink's delivery lane: a bounded queue, its own workers (1–4), its own
 * token bucket and retry loop. Lanes share nothing, which is what keeps a
 * Slack outage from delaying PagerDuty: a lane only ever waits on its own
 * receiver.
 *
 * Invariant: every alert pushed into a lane ends in exactly one of
 * onDelivered or the DLQ callback (queue overflow, permanent error, spent
 * retry budget, or shutdown).
 */
import type { Logger } from '../../telemetry/index.js';
import type { Alert } from '../alert.js';
import { createTokenBucket, retryDelay, type RateLimit, type RetryPolicy } from './rate.js';
import { SinkError, SinkReason, type AlertSink } from './sink.js';

export interface DispatchHooks {
  onDelivered?(sink: string, alert: Alert): void;
  /** `reason` is a bounded code: safe as a metric label. */
  onRetry?(sink: string, reason: SinkReason): void;
  onFailed?(sink: string, reason: SinkReason): void;
}

/** Where undeliverable alerts go (the lead wires it to `sift.alerts.dlq`). `reason` is a redacted sentence. */
export type DeadLetter = (alert: Alert, sink: string, reason: string, code: SinkReason) => void | Promise<void>;

export interface LaneOptions {
  readonly sink: AlertSink;
  readonly rate: RateLimit;
  readonly concurrency: number;
  readonly queueSize: number;
  readonly retry: RetryPolicy;
  readonly hooks: DispatchHooks;
  readonly dlq: DeadLetter;
  readonly log: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
}

export interface Lane {
  readonly name: string;
  push(alert: Alert): void;
  readonly size: number;
  readonly inFlight: number;
  /** Resolves when the queue is empty and nothing is in flight. */
  idle(): Promise<void>;
  /** Stops retries and in-flight requests; what is left goes to the DLQ with reason shutdown. */
  abort(): void;
}

function asSinkError(sink: string, err: unknown): SinkError {
  if (err instanceof SinkError) return err;
  // Only the class name: a foreign error's message may quote a URL or a key.
  const kind = err instanceof Error ? err.name : typeof err;
  return new SinkError(sink, SinkReason.Internal, `alert sink "${sink}": unexpected ${kind} from send()`, { retryable: false, cause: err });
}

export function createLane(o: LaneOptions): Lane {
  const name = o.sink.name;
  const bucket = createTokenBucket(o.rate, o.now);
  const controller = new AbortController();
  const queue: Alert[] = [];
  let active = 0;
  /** Lane-wide pause after a 429: the limit is the receiver's, not one alert's. */
  let pausedUntil = 0;
  let overflowing = false;
  let waiters: (() => void)[] = [];

  function deadLetter(alert: Alert, code: SinkReason, reason: string): void {
    o.hooks.onFailed?.(name, code);
    try {
      void Promise.resolve(o.dlq(alert, name, reason, code)).catch((err: unknown) => logDlqError(alert, err));
    } catch (err) {
      logDlqError(alert, err);
    }
  }

  function logDlqError(alert: Alert, err: unknown): void {
    o.log.error({ sink: name, alert_id: alert.id, error: err instanceof Error ? err.name : typeof err }, 'Alert dead-letter write failed');
  }

  async function waitForTurn(): Promise<void> {
    for (;;) {
      const paused = pausedUntil - o.now();
      if (paused > 0) {
        await o.sleep(paused, controller.signal);
        continue;
      }
      const wait = bucket.take();
      if (wait === 0) return;
      await o.sleep(wait, controller.signal);
    }
  }

  async function deliver(alert: Alert): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let failure: SinkError | undefined;
      try {
        await waitForTurn();
        await o.sink.send(alert, controller.signal);
      } catch (err) {
        failure = controller.signal.aborted ? new SinkError(name, SinkReason.Shutdown, 'shutdown before delivery', { retryable: false }) : asSinkError(name, err);
      }
      // Outside the try: a throwing hook must not turn a delivery into a retry (a duplicate page).
      if (failure === undefined) {
        o.hooks.onDelivered?.(name, alert);
        return;
      }
      const spent = attempt + 1 >= o.retry.attempts;
      if (!failure.retryable || spent) {
        const why = failure.retryable ? `${failure.message} (gave up after ${attempt + 1} attempts)` : failure.message;
        o.log.warn({ sink: name, alert_id: alert.id, rule_id: alert.ruleId, reason: failure.reason, status: failure.status, attempts: attempt + 1, error: why }, 'Alert not delivered; sent to the alert DLQ');
        deadLetter(alert, failure.reason, why);
        return;
      }
      o.hooks.onRetry?.(name, failure.reason);
      const delay = retryDelay(o.retry, attempt, failure.retryAfterMs, o.random);
      if (failure.reason === SinkReason.RateLimited && failure.retryAfterMs !== undefined) pausedUntil = Math.max(pausedUntil, o.now() + failure.retryAfterMs);
      o.log.debug({ sink: name, alert_id: alert.id, reason: failure.reason, attempt: attempt + 1, delay_ms: delay, error: failure.message }, 'Alert delivery failed; retrying');
      try {
        await o.sleep(delay, controller.signal);
      } catch {
        deadLetter(alert, SinkReason.Shutdown, `shutdown while waiting to retry: ${failure.message}`);
        return;
      }
    }
  }

  function settle(): void {
    if (active > 0 || queue.length > 0) return;
    const done = waiters;
    waiters = [];
    for (const w of done) w();
  }

  function pump(): void {
    while (active < o.concurrency && queue.length > 0 && !controller.signal.aborted) {
      const alert = queue.shift();
      if (alert === undefined) break;
      active += 1;
      void deliver(alert).finally(() => {
        active -= 1;
        pump();
        settle();
      });
    }
    if (queue.length < o.queueSize / 2) overflowing = false;
  }

  return {
    name,
    push(alert) {
      if (controller.signal.aborted) {
        deadLetter(alert, SinkReason.Shutdown, 'dispatcher closed');
        return;
      }
      // Oldest first: on-call cares most about what is happening now.
      while (queue.length >= o.queueSize) {
        const dropped = queue.shift();
        if (dropped === undefined) break;
        if (!overflowing) o.log.warn({ sink: name, queue_size: o.queueSize }, 'Alert queue full; oldest alerts go to the alert DLQ');
        overflowing = true;
        deadLetter(dropped, SinkReason.QueueFull, 'queue full');
      }
      queue.push(alert);
      pump();
    },
    get size() {
      return queue.length;
    },
    get inFlight() {
      return active;
    },
    idle() {
      if (active === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    abort() {
      controller.abort(new Error('alert dispatcher shutting down'));
      for (const alert of queue.splice(0)) deadLetter(alert, SinkReason.Shutdown, 'shutdown before delivery');
      settle();
    },
  };
}
