/**
 * waitForKafka against a local port nobody listens on (no Kafka needed): it
 * gives up at its deadline with an error naming the broker, reports each
 * retry once, and lets none of kafkajs' own retry lines out above debug.
 * The child-process version of this is test/integration/kafka-unreachable.test.ts.
 */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { waitForKafka } from '../../src/ingest/index.js';
import { ErrorCode, SiftError } from '../../src/shared/index.js';
import { createLogger } from '../../src/telemetry/index.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('waitForKafka', () => {
  it('fails at the deadline with SIFT_KAFKA_UNAVAILABLE naming the broker, after one report per retry and no kafkajs line above debug', async () => {
    const broker = `127.0.0.1:${await closedPort()}`;
    const lines: { level: number }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l) as { level: number });
        cb();
      },
    });
    const log = createLogger({ level: 'trace', format: 'json', destination });
    const cfg = { ...loadConfig(undefined).kafka, brokers: [broker] };
    const retries: number[] = [];
    const err = await waitForKafka(cfg, log, 3500, undefined, (attempt) => retries.push(attempt)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SiftError);
    expect((err as SiftError).code).toBe(ErrorCode.KafkaUnavailable);
    expect((err as SiftError).message).toContain(broker);
    // Retries after 1 s and 2 s, the third pause cut to the 3.5 s deadline: attempts at about 0, 1, 3 and 3.5 s.
    expect(retries).toEqual([1, 2, 3]);
    expect((err as SiftError).message).toContain('after 4 attempts');
    expect(lines.filter((l) => l.level > 20)).toEqual([]);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const broker = `127.0.0.1:${await closedPort()}`;
    const log = createLogger({ level: 'silent', format: 'json' });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('shutdown requested during startup')), 300);
    // The abort's own reason, not the 60 s deadline's SIFT_KAFKA_UNAVAILABLE, ends the wait.
    await expect(waitForKafka({ ...loadConfig(undefined).kafka, brokers: [broker] }, log, 60_000, abort.signal)).rejects.not.toMatchObject({ code: ErrorCode.KafkaUnavailable });
  });
});
