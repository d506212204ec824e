import { setTimeout as delay } from 'node:timers/promises';
import { Kafka } from 'kafkajs';
import type { SiftConfig } from '../../config/index.js';
import { ErrorCode, SiftError, Stage, describeError } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';
import { isSettlingCondition, kafkaConfig } from './client.js';
import { kafkaProblem } from './diagnose.js';

/** Pause after failed attempt n (1-based): 1 s, 2 s, 4 s, then every 5 s. */
const retryDelayMs = (attempt: number): number => Math.min(5000, 1000 * 2 ** (attempt - 1));

/**
 * Waits until a broker answers a metadata request, for at most `timeoutMs`,
 * as waitForCluster does for Elasticsearch. Each attempt is one connection
 * with no kafkajs retries (kafkajs' own default retried for over a minute
 * with a stack trace per retry); `onRetry` reports each failed attempt that
 * is followed by another, and the last one fails with a SiftError naming the
 * brokers. A failure no wait can fix (a refused login, a TLS failure, TLS
 * vs plaintext: kafkaProblem) fails at once, naming its cause. An abort of
 * `signal` ends the wait with its reason.
 */
export async function waitForKafka(
  cfg: SiftConfig['kafka'],
  log: Logger,
  timeoutMs: number,
  signal?: AbortSignal,
  onRetry?: (attempt: number, elapsedMs: number, err: unknown) => void,
): Promise<void> {
  const probe = new Kafka({ ...kafkaConfig(cfg, log, '-probe', true), retry: { retries: 0 } });
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const admin = probe.admin({ retry: { retries: 0 } });
    let failure: unknown;
    try {
      await admin.connect();
      await admin.describeCluster();
      return;
    } catch (err) {
      failure = err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const problem = await kafkaProblem(cfg, failure);
    if (problem) throw new SiftError(problem.code, problem.message, { stage: Stage.Consume, cause: failure });
    const elapsedMs = Date.now() - started;
    if (elapsedMs >= timeoutMs) {
      throw new SiftError(
        ErrorCode.KafkaUnavailable,
        `Kafka is not reachable at ${cfg.brokers.join(', ')} after ${attempt} attempts in ${Math.round(elapsedMs / 1000)} s (kafka.connect_timeout_ms ${timeoutMs}): ${describeError(failure)}`,
        { stage: Stage.Consume, retryable: true, cause: failure },
      );
    }
    onRetry?.(attempt, elapsedMs, failure);
    // The last attempt falls on the deadline, so the wait is as long as configured.
    await delay(Math.min(retryDelayMs(attempt), timeoutMs - elapsedMs), undefined, signal ? { signal } : undefined);
  }
}

/** Whether an error (or what it wraps) is a condition a settling cluster answers and that clears by itself. */
function isSettling(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    if ((e as { retriable?: unknown }).retriable === true || isSettlingCondition(e.message)) return true;
    e = (e as { originalError?: unknown }).originalError ?? e.cause;
  }
  return false;
}

/**
 * Runs a startup step (create topics, read their settings, check their
 * partitions), retrying it while Kafka answers with a settling condition: a
 * topic created a moment ago whose metadata has not reached every broker
 * ("This server does not host this topic-partition"), a coordinator still
 * loading. Gives up after `timeoutMs` (kafka.connect_timeout_ms) with the
 * last error; any other error fails at once.
 */
export async function retryWhileSettling<T>(step: string, fn: () => Promise<T>, log: Logger, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const pause = retryDelayMs(attempt);
      if (!isSettling(err) || Date.now() - started + pause > timeoutMs) throw err;
      log.info({ step, attempt, err: describeError(err) }, 'Kafka is still settling; retrying a startup step.');
      await delay(pause, undefined, signal ? { signal } : undefined);
    }
  }
}
