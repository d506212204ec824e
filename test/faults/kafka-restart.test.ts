/**
 * The Kafka broker restarted mid-stream (controlled shutdown, then start):
 * fetches, commits, dead letters and state checkpoints all fail for a while.
 * Sift must ride it out and deliver every event and alert exactly once
 * (test/helpers/outage.ts).
 */
import { afterAll, describe, it } from 'vitest';
import { cleanupFault, faultNames, stack, stackUp } from '../helpers/fault-check.js';
import { brokerOutage } from '../helpers/outage.js';

const names = faultNames('kafka-restart');
afterAll(async () => {
  await stackUp();
  await cleanupFault(names);
});

describe('Kafka broker restart', () => {
  it('delivers every event and alert exactly once across a broker restart mid-stream', async () => {
    await brokerOutage('kafka-restart', names, { count: 4000, seed: 13 }, () => stack('restart', 'kafka'));
  }, 240_000);
});
