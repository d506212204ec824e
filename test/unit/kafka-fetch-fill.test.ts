import type { ConsumerConfig, Kafka } from 'kafkajs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createKafkaSource } from '../../src/ingest/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const quiet = createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

/** The consumer config a source asks kafkajs for (a stand-in Kafka; unit test only). */
function consumerConfigOf(fetchFill?: { minBytes: number; waitMs: number }): ConsumerConfig | undefined {
  let seen: ConsumerConfig | undefined;
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      seen = config;
      return { events: {}, on: () => undefined };
    },
  } as unknown as Kafka;
  createKafkaSource({
    kafka,
    groupId: 'g',
    topics: ['t'],
    fromBeginning: true,
    sessionTimeoutMs: 30_000,
    partitionsConcurrently: 6,
    maxBytesPerPartition: 4 * 1024 * 1024,
    metrics: createMetrics({ defaultMetrics: false }),
    log: quiet,
    isFatal: () => false,
    onFatal: () => undefined,
    ...(fetchFill ? { fetchFill } : {}),
  });
  return seen;
}

describe('fetch fill', () => {
  it('asks the broker to wait for more records only when told to (the detect stage, rules.keyed_fetch_wait_ms)', () => {
    const filled = consumerConfigOf({ minBytes: 1024 * 1024, waitMs: 250 });
    expect(filled?.minBytes).toBe(1048576);
    expect(filled?.maxWaitTimeInMs).toBe(250);
    const plain = consumerConfigOf();
    expect(plain?.minBytes).toBeUndefined();
    expect(plain?.maxWaitTimeInMs).toBeUndefined();
  });
});
