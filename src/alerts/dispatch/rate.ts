/**
 * Pacing for one sink: a token bucket for the receiver's rate limit (Slack
 * takes about one message per second per hook), and the delay before a
 * retry. Both read time only through the injected clock, so tests count
 * requests per window instead of waiting for them.
 */

export interface RateLimit {
  /** Sustained requests per second; 0 or absent = unlimited. */
  readonly perSecond?: number;
  /** Requests allowed back to back after a quiet period; default 1. */
  readonly burst?: number;
}

export interface TokenBucket {
  /** Takes a token and returns 0, or returns the ms until one is available (taking nothing). */
  take(): number;
}

export function createTokenBucket(limit: RateLimit, now: () => number): TokenBucket {
  const rate = limit.perSecond ?? 0;
  if (rate <= 0) return { take: () => 0 };
  const burst = Math.max(1, limit.burst ?? 1);
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate));
    },
  };
}

export interface RetryPolicy {
  /** Ceiling of the first retry's delay. */
  readonly initialMs: number;
  /** Ceiling of any retry's delay (Retry-After may ask for more, up to MAX_RETRY_AFTER_MS). */
  readonly maxMs: number;
  /** Attempts in total, the first included; 1 = never retry. */
  readonly attempts: number;
}

/**
 * "Full jitter" (random between 0 and the exponential ceiling), not the
 * indexer's equal jitter: after a receiver outage many alerts retry at once
 * against one endpoint, and full jitter spreads them the most. A receiver's
 * Retry-After is a floor: retrying sooner only earns another 429.
 */
export function retryDelay(retry: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  const ceiling = Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.round(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}
