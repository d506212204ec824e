/**
 * Startup steps against a cluster that is still settling: a topic created a
 * moment ago may be unknown to the broker asked ("This server does not host
 * this topic-partition"), which once stopped `sift run` at start
 * (keyed-detection's local half, two pipelines creating topics at once).
 */
import { describe, expect, it } from 'vitest';
import { retryWhileSettling } from '../../src/ingest/index.js';
import { createLogger } from '../../src/telemetry/index.js';
import { Writable } from 'node:stream';

const quiet = createLogger({ level: 'fatal', format: 'json', destination: new Writable({ write: (_c, _e, done) => done() }) });

/** As kafkajs raises it: a protocol error flagged retriable, wrapped once after its own retries. */
function notHosted(): Error {
  const inner = Object.assign(new Error('This server does not host this topic-partition'), { retriable: true, type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  return Object.assign(new Error('Number of retries exceeded'), { originalError: inner });
}

describe('retryWhileSettling', () => {
  it('retries a step the cluster refuses while settling, and returns its result', async () => {
    let calls = 0;
    const result = await retryWhileSettling('create topics', async () => {
      calls++;
      if (calls < 3) throw notHosted();
      return 'created';
    }, quiet, 10_000);
    expect(result).toBe('created');
    expect(calls).toBe(3);
  }, 15_000);

  it('fails at once on any other error', async () => {
    let calls = 0;
    await expect(
      retryWhileSettling('create topics', async () => {
        calls++;
        throw new Error('Topic authorization failed');
      }, quiet, 10_000),
    ).rejects.toThrow('Topic authorization failed');
    expect(calls).toBe(1);
  });

  it('gives up with the last error once the next pause would pass the timeout', async () => {
    let calls = 0;
    await expect(
      retryWhileSettling('create topics', async () => {
        calls++;
        throw notHosted();
      }, quiet, 2_500),
    ).rejects.toThrow('Number of retries exceeded');
    expect(calls).toBe(2); // pauses 1 s, then 2 s would pass 2.5 s
  }, 10_000);
});
