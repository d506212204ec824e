/**
 * fresh-start-race (keyed mode, hand-written alerts: test/helpers/keyed-attacks.ts).
 *
 * Two `sift run` instances of one group are spawned in the same instant on a
 * fresh cluster state, and held at one starting line (an Elasticsearch proxy
 * releases their check of the alerts index together, the step before they
 * list and create the topics): only the raw topic exists (holding the first wave);
 * the keyed topic, its state topic, the DLQ, the alerts topic and the alert
 * DLQ do not, so both list them as missing and create them at once (one wins
 * each topic, the other gets TOPIC_ALREADY_EXISTS or finds a topic whose
 * leader is not known yet), both restore an empty state, and the group's
 * first rebalances hand partitions from one to the other while they restore.
 * The rest of the traffic arrives while they settle. Every event and every
 * stateful alert exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAlertsIndex } from '../../src/alerts/index.js';
import { saveLog } from '../helpers/fault-check.js';
import { startEsProxy, type EsProxy } from '../helpers/es-proxy.js';
import { attackWaves, expectKeyedExactlyOnce, produceSlowly, stopAll, waitSettled } from '../helpers/keyed-attacks.js';
import { PARTITIONS, cleanupKeyed, keyedConfig, keyedNames, produceRoundRobin, waitAllDetected, writeRules } from '../helpers/keyed-faults.js';
import { createTopic, es, kafka, startSift, type SiftProcess } from '../helpers/stack.js';

const names = keyedNames('fresh-race');
const rulesDir = writeRules();
let proxy: EsProxy | undefined;
afterAll(async () => {
  await proxy?.close();
  await cleanupKeyed(names);
}, 120_000);

const attacks = attackWaves('race', { thresholdUsers: 6, sequenceUsers: 4, waves: 2, noiseUsers: 6 });

/** Which of the topics the race is about exist now. */
async function existing(topics: readonly string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const all = new Set(await admin.listTopics());
    return topics.filter((t) => all.has(t));
  } finally {
    await admin.disconnect();
  }
}

/** Topics an instance says it created ("Created missing topics."). */
function createdBy(p: SiftProcess): string[] {
  const line = p.output().split('\n').find((l) => l.includes('Created missing topics.'));
  return line ? ((JSON.parse(line) as { topics: string[] }).topics ?? []) : [];
}

describe('two instances starting in the same instant on a fresh cluster state', () => {
  it('both create the shared topics at once, settle, and deliver every event and alert once', async () => {
    const raced = [names.keyed, names.keyedState, names.dlq, names.alertsTopic, names.alertsDlq];
    await createTopic(names.topic, PARTITIONS);
    const next = await produceRoundRobin(names.topic, attacks.waves[0] ?? []);
    expect(await existing(raced), 'none of the shared topics exists before the start').toEqual([]);

    // The starting line: Elasticsearch goes through a proxy that holds each instance's check of the
    // alerts index (its last request before it lists and creates the topics) until both have sent it.
    // The alerts index exists already, so that check is all either does there (creating it would take
    // the winner a second and let the other instance list the topics first).
    await ensureAlertsIndex(es, names.alerts);
    proxy = await startEsProxy();
    proxy.setMode({ kind: 'gate', prefix: `/${names.alerts}`, count: 2 });
    const base = keyedConfig(names, rulesDir);
    const config = { ...base, elasticsearch: { ...base.elasticsearch, node: proxy.url } };
    const started = Date.now();
    const running: SiftProcess[] = [startSift(config), startSift(config)];
    try {
      await produceSlowly(names.topic, attacks.waves[1] ?? [], next);
      await waitSettled(running, names);
      const settled = Date.now();
      await waitAllDetected(names, attacks.all.length, running);
      const done = Date.now();
      await stopAll(running);

      const [a, b] = running.map(createdBy);
      await expectKeyedExactlyOnce('fresh-start-race', names, attacks, (done - started) / 1000, {
        instances: 2,
        settle_seconds: Math.round((settled - started) / 100) / 10,
        // Topics each instance found missing and asked Kafka to create (both: the creations raced).
        topics_created_by_first: (a ?? []).filter((t) => raced.includes(t)).length,
        topics_created_by_second: (b ?? []).filter((t) => raced.includes(t)).length,
        joins: running.reduce((n, p) => n + p.output().split('\n').filter((l) => l.includes('Joined the consumer group.')).length, 0),
      });
      // Every raced topic exists once, created by one of the two (or both listed it missing and one won).
      expect((await existing(raced)).sort()).toEqual([...raced].sort());
    } finally {
      for (const p of running) p.child.kill('SIGKILL');
      running.forEach((p, i) => saveLog(`fresh-start-race-${i}`, p.output()));
    }
  }, 150_000);
});
