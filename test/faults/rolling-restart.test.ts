/**
 * rolling-restart (keyed mode, hand-written alerts: test/helpers/keyed-attacks.ts).
 *
 * Three `sift run` instances share one group over 6 raw and 6 keyed
 * partitions. Mid-stream they are restarted one at a time, as a Kubernetes
 * rolling update does: SIGTERM, wait for exit 0, start a new one, wait until
 * the group has settled over the three again (raw and keyed partitions), then
 * the next. Each restart hands the leaver's raw and keyed partitions over
 * (the rebalances restore their windows from `<keyed topic>.state` wherever
 * they land). The
 * attacks are spread over four waves (one before, one during each restart),
 * so every attack's window crosses the handovers: a window lost in one misses
 * its alert, a replay counted twice fires early on other events.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { saveLog } from '../helpers/fault-check.js';
import { attackWaves, expectKeyedExactlyOnce, produceSlowly, stopAll, waitSettled } from '../helpers/keyed-attacks.js';
import { PARTITIONS, assignmentOf, cleanupKeyed, keyedConfig, keyedNames, produceRoundRobin, waitAllDetected, writeRules } from '../helpers/keyed-faults.js';
import { createTopic, offsets, startSift, waitFor, type SiftProcess } from '../helpers/stack.js';

const names = keyedNames('rolling');
const rulesDir = writeRules();
afterAll(() => cleanupKeyed(names), 120_000);

const attacks = attackWaves('roll', { thresholdUsers: 8, sequenceUsers: 4, waves: 4, noiseUsers: 5 });

describe('rolling restart of three instances', () => {
  it('restarts each instance in turn mid-stream; every event and stateful alert once', async () => {
    await createTopic(names.topic, PARTITIONS);
    const config = keyedConfig(names, rulesDir);
    let next = await produceRoundRobin(names.topic, attacks.waves[0] ?? []);
    // The first instance creates the topics alone (the same-instant start is fresh-start-race's).
    const all: SiftProcess[] = [startSift(config)];
    const running: SiftProcess[] = [...all];
    try {
      await waitFor(async () => (await offsets(names.detectGroup, names.keyed)).committed > 0, 60_000, 'the first instance\'s detect stage to commit');
      for (let i = 0; i < 2; i++) all.push(startSift(config));
      running.splice(0, running.length, ...all);
      await waitSettled(running, names);
      const started = Date.now();
      const handovers: string[] = [];
      for (let r = 0; r < 3; r++) {
        const producing = produceSlowly(names.topic, attacks.waves[r + 1] ?? [], next);
        const leaving = running[r] as SiftProcess;
        handovers.push(assignmentOf(leaving, names.keyed).join(','));
        leaving.child.kill('SIGTERM');
        expect(await leaving.exited, `instance ${r} exits 0 on SIGTERM`).toBe(0);
        const fresh = startSift(config);
        all.push(fresh);
        running[r] = fresh;
        await waitSettled(running, names);
        next = await producing;
      }
      const rolled = Date.now();
      await waitAllDetected(names, attacks.all.length, running);
      const done = Date.now();
      await stopAll(running);
      await expectKeyedExactlyOnce('rolling-restart', names, attacks, (done - started) / 1000, {
        instances: 3,
        restarts: 3,
        roll_seconds: Math.round((rolled - started) / 100) / 10,
        keyed_partitions_handed_over: handovers.join(' | '),
        partitions: PARTITIONS,
      });
    } finally {
      for (const p of all) p.child.kill('SIGKILL');
      all.forEach((p, i) => saveLog(`rolling-restart-${i}`, p.output()));
    }
  }, 170_000);
});
