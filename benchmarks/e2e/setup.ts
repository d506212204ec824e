import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { generateOkta, produceRecords } from '../../src/generate/index.js';
import { BROKERS, ES_URL, reachable } from '../live.js';

/** The stack, its clients and the topics of the e2e and soak benchmarks. */
const STACK_SH = fileURLToPath(new URL('../../../scripts/stack.sh', import.meta.url));

export interface Stack {
  kafka: Kafka;
  es: Client;
}

/** Connects to the local stack, starting it first (and saying so) when it does not answer. */
export async function stackUp(say: (s: string) => void): Promise<Stack> {
  const kafka = new Kafka({ clientId: 'sift-bench-e2e', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const why = await reachable(kafka);
  if (why !== undefined) {
    say(`the local stack does not answer (${why}): starting it with scripts/stack.sh up`);
    execFileSync(STACK_SH, ['up'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const again = await reachable(kafka);
    if (again !== undefined) throw new Error(`the local stack is still unreachable after scripts/stack.sh up: ${again}`);
  }
  return { kafka, es: new Client({ node: ES_URL, requestTimeout: 120_000 }) };
}

export async function createTopics(kafka: Kafka, topics: readonly { topic: string; numPartitions: number; compacted?: boolean }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions, replicationFactor: 1, ...(t.compacted ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}) })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics that exist among `names` and any whose name starts with one of `prefixes`. */
export async function deleteTopics(kafka: Kafka, prefixes: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const all = await admin.listTopics();
    const doomed = all.filter((t) => prefixes.some((p) => t.startsWith(p)));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } catch {
    // Best effort: a leftover topic costs disk, not correctness.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The bench's input: `events` generated Okta records, seeded, so every run and every contender sees the same ones. */
export const oktaRecords = (events: number): Iterable<string> => generateOkta({ count: events, seed: 15, start: new Date('2026-01-01T00:00:00Z') });

/** Produces the bench's Okta records (oktaRecords) as fast as the broker takes them. */
export async function produceOkta(kafka: Kafka, topic: string, events: number, say: (s: string) => void): Promise<void> {
  let last = 0;
  await produceRecords({
    kafka,
    topic,
    rate: 0,
    records: oktaRecords(events),
    onProgress: (sent) => {
      if (sent - last >= 50_000 || sent === events) {
        last = sent;
        say(`produced ${sent.toLocaleString('en-US')} of ${events.toLocaleString('en-US')} records`);
      }
    },
  });
}
