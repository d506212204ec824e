/**
 * Fans alerts out to the sinks whose route matches, one independent lane per
 * sink. `submit` only enqueues: the detection/indexing path never waits on a
 * receiver. Shutdown is `drain(deadline)`: deliver what can be delivered in
 * time, dead-letter the rest, never drop silently.
 */
import { sleep as sleepFor } from '../../ingest/index.js';
import type { Logger } from '../../telemetry/index.js';
import type { Alert } from '../alert.js';
import { createLane, type DeadLetter, type DispatchHooks, type Lane } from './lane.js';
import type { RateLimit, RetryPolicy } from './rate.js';
import { routeMatches, type RouteFilter } from './route.js';
import type { AlertSink } from './sink.js';

export interface Route {
  readonly sink: AlertSink;
  readonly filter?: RouteFilter;
  /** Default: unlimited. Slack hooks want { perSecond: 1 }. */
  readonly rate?: RateLimit;
  /** Parallel requests to this sink, 1–4; default 1 (keeps a channel's messages in order). */
  readonly concurrency?: number;
  /** Alerts waiting for this sink; beyond it the oldest go to the DLQ. Default 1000. */
  readonly queueSize?: number;
}

export interface DispatcherOptions {
  readonly routes: readonly Route[];
  readonly log: Logger;
  readonly dlq: DeadLetter;
  readonly retry?: Partial<RetryPolicy>;
  readonly hooks?: DispatchHooks;
  /** Injected time, for tests of rate limits and backoff without waiting. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export interface DrainResult {
  /** True when every lane emptied before the deadline. */
  readonly drained: boolean;
  /** Alerts dead-lettered because the deadline passed. */
  readonly abandoned: number;
}

export interface Dispatcher {
  /** Enqueues each alert for every matching sink and returns at once. */
  submit(alerts: readonly Alert[]): void;
  /** Queued + in-flight alerts per sink, for /readyz and metrics gauges. */
  pending(): Record<string, number>;
  /**
   * Waits up to `deadlineMs` for every lane to empty, then dead-letters what
   * is left (reason shutdown) and closes the sinks; alerts submitted after
   * the deadline go straight to the DLQ.
   */
  drain(deadlineMs: number): Promise<DrainResult>;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 500, maxMs: 30_000, attempts: 6 };
const DEFAULT_QUEUE_SIZE = 1000;
const ABORT_GRACE_MS = 1000;

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const names = new Set<string>();
  for (const r of opts.routes) {
    if (names.has(r.sink.name)) throw new Error(`alert sink name "${r.sink.name}" is used twice; names must be unique`);
    names.add(r.sink.name);
  }
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const hooks = opts.hooks ?? {};
  const lanes: { lane: Lane; filter: RouteFilter }[] = opts.routes.map((r) => ({
    filter: r.filter ?? {},
    lane: createLane({
      sink: r.sink,
      rate: r.rate ?? {},
      concurrency: Math.min(4, Math.max(1, Math.floor(r.concurrency ?? 1))),
      queueSize: Math.max(1, r.queueSize ?? DEFAULT_QUEUE_SIZE),
      retry,
      hooks,
      dlq: opts.dlq,
      log: opts.log,
      now: opts.now ?? Date.now,
      sleep: opts.sleep ?? sleepFor,
      random: opts.random ?? Math.random,
    }),
  }));
  let closing = false;

  return {
    submit(alerts) {
      for (const alert of alerts) {
        for (const { lane, filter } of lanes) {
          // After drain's deadline the lane dead-letters it itself (reason shutdown).
          if (routeMatches(filter, alert)) lane.push(alert);
        }
      }
    },
    pending() {
      return Object.fromEntries(lanes.map(({ lane }) => [lane.name, lane.size + lane.inFlight]));
    },
    async drain(deadlineMs) {
      if (closing) return { drained: true, abandoned: 0 };
      closing = true;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), Math.max(0, deadlineMs));
      });
      const outcome = await Promise.race([Promise.all(lanes.map(({ lane }) => lane.idle())).then(() => 'idle' as const), deadline]);
      clearTimeout(timer);
      const abandoned = lanes.reduce((n, { lane }) => n + lane.size + lane.inFlight, 0);
      for (const { lane } of lanes) lane.abort();
      // Aborted requests settle quickly (their signal fired); wait so their DLQ
      // writes are issued before sinks close, but not forever: a sink that
      // ignores its signal must not hang shutdown (it dead-letters when it settles).
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(lanes.map(({ lane }) => lane.idle())), new Promise((r) => (grace = setTimeout(r, ABORT_GRACE_MS)))]);
      clearTimeout(grace);
      await Promise.all(opts.routes.map((r) => r.sink.close?.().catch(() => undefined)));
      if (outcome === 'late') opts.log.warn({ abandoned }, 'Alert dispatcher drain deadline passed; undelivered alerts sent to the alert DLQ');
      return { drained: outcome === 'idle', abandoned };
    },
  };
}
