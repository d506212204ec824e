/**
 * The Kafka broker SIGKILLed mid-stream (no controlled shutdown: leadership
 * is not handed over, the log is recovered at the next start, the group
 * coordinator reloads its offsets), then started again. Sift's fetches,
 * commits, dead letters, alerts and checkpoints fail meanwhile; it must
 * ride it out and deliver every event and alert exactly once
 * (test/helpers/outage.ts).
 */
import { afterAll, describe, it } from 'vitest';
import { cleanupFault, faultNames, stack, stackUp } from '../helpers/fault-check.js';
import { brokerOutage } from '../helpers/outage.js';

const names = faultNames('kafka-sigkill');
afterAll(async () => {
  await stackUp(); // starts the broker again if the test failed while it was down
  await cleanupFault(names);
});

describe('Kafka broker crash', () => {
  it('delivers every event and alert exactly once across a broker SIGKILL mid-stream', async () => {
    await brokerOutage('kafka-sigkill', names, { count: 2000, seed: 22 }, async () => {
      await stack('kill', 'kafka');
      await stack('start', 'kafka');
    });
  }, 240_000);
});
