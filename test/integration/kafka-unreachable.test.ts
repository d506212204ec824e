/**
 * Issue 11, point 4: `sift run` against a broker nobody listens on. It used
 * to print kafkajs' retries and stack traces at error level for about 88 s
 * before "Sift could not start". Now it waits `kafka.connect_timeout_ms`,
 * says "Waiting for Kafka." once per retry with the brokers it tries, and
 * fails with one line that names the address. Elasticsearch is the real
 * local one, so only Kafka is missing.
 */
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, startSift, testConfig, uniqueNames } from '../helpers/stack.js';

const names = uniqueNames('nokafka');
afterAll(() => cleanup(names));

/** A local port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Line {
  level: number;
  msg: string;
  brokers?: string[];
  attempt?: number;
  err?: string;
  component?: string;
}

describe('sift run with an unreachable broker', () => {
  it('warns "Waiting for Kafka." once per retry with the broker, logs nothing at error level, and exits 1 within the timeout with a last line naming the address', async () => {
    const broker = `127.0.0.1:${await closedPort()}`;
    const timeoutMs = 6000;
    const sift = startSift(testConfig(names, { kafka: { brokers: [broker], connect_timeout_ms: timeoutMs } }));
    const code = await Promise.race([sift.exited, new Promise((r) => setTimeout(() => r('still running after 45 s'), 45_000))]);
    if (code === 'still running after 45 s') sift.child.kill('SIGKILL');
    const lines = sift
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);

    expect(code).toBe(1);
    // Nothing at error level (50): the only line at 50 or above is the last, the fatal (60) one.
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([]);
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['Sift could not start.']);
    const last = lines.at(-1);
    expect(last?.level).toBe(60);
    expect(last?.msg).toBe('Sift could not start.');
    expect(last?.err).toContain(broker);

    const waiting = lines.filter((l) => l.msg === 'Waiting for Kafka.');
    // 6 s with retries after 1, 2 and 4 s (the last one cut to the deadline): at least two retries.
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    waiting.forEach((l, i) => {
      expect(l.level).toBe(40);
      expect(l.brokers).toEqual([broker]);
      expect(l.attempt).toBe(i + 1);
    });
    // One line per retry: the failure counts the attempts, one more than the warnings.
    expect(last?.err).toContain(`${waiting.length + 1} attempts`);
    // kafkajs' own connection retries stay below info.
    expect(lines.filter((l) => l.component === 'kafkajs' && l.level >= 30)).toEqual([]);
  });
});
