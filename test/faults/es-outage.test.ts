/**
 * Elasticsearch hung (SIGSTOP) and Elasticsearch down (stopped, restarted)
 * mid-stream: Sift holds the batch, commits nothing while ES cannot take it,
 * shows it on sift_ingest_paused, and once ES is back delivers every event and
 * alert exactly once (test/helpers/outage.ts).
 */
import { afterAll, describe, it } from 'vitest';
import { cleanupFault, faultNames, stack, stackUp, type FaultNames } from '../helpers/fault-check.js';
import { esOutage } from '../helpers/outage.js';

const used: FaultNames[] = [];
afterAll(async () => {
  await stackUp(); // thaws or restarts ES if a failed test left it down
  for (const names of used) await cleanupFault(names);
});

function names(label: string): FaultNames {
  const n = faultNames(label);
  used.push(n);
  return n;
}

describe('Elasticsearch outages mid-stream', () => {
  it('ES frozen (SIGSTOP) for 10 s, then thawed', async () => {
    await esOutage('es-frozen', names('es-frozen'), { count: 3000, seed: 11 }, { begin: () => stack('freeze', 'es'), end: () => stack('thaw', 'es'), holdMs: 10_000 });
  }, 180_000);

  it('ES stopped, then restarted', async () => {
    await esOutage('es-restarted', names('es-restarted'), { count: 3000, seed: 11 }, { begin: () => stack('stop', 'es'), end: () => stack('start', 'es'), holdMs: 5_000 });
  }, 240_000);
});
