import { kafka } from './stack.js';

/**
 * Produces each topic's records in order, exactly once, and checks the topics
 * hold exactly that many. The producer is idempotent: a plain one retries a
 * whole multi-topic request when one partition's leader is not known yet (a
 * topic created a moment ago), which writes the other topics' records twice,
 * and a test counting alerts would then count the duplicates' alerts.
 * Every topic must be new (empty) and have one partition.
 */
export async function produceExactly(batches: readonly { topic: string; values: readonly string[] }[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.sendBatch({ acks: -1, topicMessages: batches.map((b) => ({ topic: b.topic, messages: b.values.map((value) => ({ value })) })) });
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const b of batches) {
      const held = (await admin.fetchTopicOffsets(b.topic)).reduce((n, p) => n + Number(p.high), 0);
      if (held !== b.values.length) throw new Error(`${b.topic} holds ${held} records, not the ${b.values.length} produced`);
    }
  } finally {
    await admin.disconnect();
  }
}
