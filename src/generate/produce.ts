import { Partitioners, type Kafka } from 'kafkajs';

export interface ProduceOptions {
  kafka: Kafka;
  topic: string;
  records: Iterable<string>;
  /** Records per second; 0 = as fast as the broker takes them. */
  rate: number;
  batchSize?: number;
  onProgress?: (sent: number) => void;
  signal?: AbortSignal;
}

/** Produces records in batches at a target rate; resolves with the count sent. */
export async function produceRecords(opts: ProduceOptions): Promise<number> {
  // Idempotent: a send retried after a leader change must not write its records twice.
  const producer = opts.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const batchSize = opts.batchSize ?? (opts.rate > 0 ? Math.max(1, Math.min(500, Math.ceil(opts.rate / 10))) : 500);
  const started = Date.now();
  let sent = 0;
  let batch: { value: string }[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await producer.send({ topic: opts.topic, acks: -1, messages: batch });
    sent += batch.length;
    batch = [];
    opts.onProgress?.(sent);
    if (opts.rate > 0) {
      const due = started + (sent / opts.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  try {
    for (const value of opts.records) {
      if (opts.signal?.aborted) break;
      batch.push({ value });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return sent;
}
