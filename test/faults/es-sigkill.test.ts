/**
 * The Elasticsearch node SIGKILLed mid-stream (no flush: ES replays its
 * translog at the next start), then started again. Bulks in flight at the
 * kill get no answer; what ES acknowledged survives in its translog, and
 * Sift must retry everything it was not told was indexed, commit nothing
 * meanwhile, and deliver every event and alert exactly once
 * (test/helpers/outage.ts).
 */
import { afterAll, describe, it } from 'vitest';
import { cleanupFault, faultNames, stack, stackUp } from '../helpers/fault-check.js';
import { esOutage } from '../helpers/outage.js';

const names = faultNames('es-sigkill');
afterAll(async () => {
  await stackUp(); // starts ES again if the test failed while it was down
  await cleanupFault(names);
});

describe('Elasticsearch crash', () => {
  it('ES SIGKILLed mid-stream, then started again', async () => {
    await esOutage('es-sigkill', names, { count: 1500, seed: 21 }, { begin: () => stack('kill', 'es'), end: () => stack('start', 'es'), holdMs: 4_000 });
  }, 180_000);
});
