/**
 * kafkajs logs through Sift's pino logger (createKafka's logCreator). A
 * cluster that is starting or rebalancing answers "the coordinator is
 * loading", "no leader" and the like for a few seconds and kafkajs retries
 * them by itself: those lines must not reach an operator at error level
 * (pino 50), while real failures still do. The texts below are kafkajs'
 * own (node_modules/kafkajs/src/protocol/error.js, the messages of error
 * codes 3, 5, 6, 14, 15 and 16) in the shapes kafkajs logs them: a
 * `Response <api>` line from the connection with the text in `error`, a
 * producer retry with the text in the message, a consumer crash that
 * kafkajs restarts.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createKafka, isSettlingCondition } from '../../src/ingest/index.js';
import { createLogger } from '../../src/telemetry/index.js';

const LOADING = "The coordinator is loading and hence can't process requests for this group";
const NO_COORDINATOR = 'The group coordinator is not available';
const NOT_COORDINATOR = 'This is not the correct coordinator for this group';
const NO_LEADER = 'There is no leader for this topic-partition as we are in the middle of a leadership election';
const NOT_HOSTED = 'This server does not host this topic-partition';
const NOT_LEADER = 'This server is not the leader for that topic-partition';

/** Logs kafkajs lines through createKafka's logger and returns the pino records. */
function logged(emit: (logger: ReturnType<ReturnType<typeof createKafka>['logger']>) => void): { level: number; msg: string }[] {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      cb();
    },
  });
  const log = createLogger({ level: 'trace', format: 'json', destination });
  emit(createKafka(loadConfig(undefined).kafka, log).logger());
  return lines.map((l) => JSON.parse(l) as { level: number; msg: string });
}

describe('kafkajs log levels', () => {
  it.each([LOADING, NO_COORDINATOR, NOT_COORDINATOR, NO_LEADER, NOT_HOSTED, NOT_LEADER])('a response answering "%s" logs at debug (20)', (text) => {
    const lines = logged((k) => k.namespace('Connection').error('Response JoinGroup(key: 11, version: 5)', { broker: '127.0.0.1:9092', clientId: 'sift', error: text, correlationId: 3, size: 20 }));
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: 'Response JoinGroup(key: 11, version: 5)' })]);
  });

  it.each([NO_LEADER, NOT_HOSTED, NOT_LEADER])('a producer retry on "%s" logs at debug (20)', (text) => {
    const lines = logged((k) => k.namespace('Producer').error(`Failed to send messages: ${text}`, { retryCount: 0, retryTime: 300 }));
    expect(lines.map((l) => l.level)).toEqual([20]);
  });

  it('a consumer crash on a loading coordinator, which kafkajs restarts, logs at info (30), and so does the restart', () => {
    const lines = logged((k) => {
      const c = k.namespace('Consumer');
      c.error(`Crash: KafkaJSNumberOfRetriesExceeded: ${LOADING}`, { groupId: 'sift', retryCount: 5, stack: 'KafkaJSNonRetriableError\n  at …' });
      c.error('Restarting the consumer in 300ms', { retryCount: 5, retryTime: 300, groupId: 'sift' });
    });
    expect(lines.map((l) => l.level)).toEqual([30, 30]);
  });

  it('real failures stay at error (50): a refused connection, a crash on anything else', () => {
    const lines = logged((k) => {
      k.namespace('Connection').error('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092', clientId: 'sift' });
      k.namespace('Consumer').error('Crash: KafkaJSProtocolError: Not authorized to access group: Group authorization failed', { groupId: 'sift' });
      k.namespace('Connection').error('Response Produce(key: 0, version: 7)', { broker: '127.0.0.1:9092', error: 'The request included a message larger than the max message size the server will accept' });
    });
    expect(lines.map((l) => l.level)).toEqual([50, 50, 50]);
  });

  it('the consumer crash event (source.ts logs it at info when kafkajs restarts) is told apart by the error text alone', () => {
    // kafkajs' KafkaJSNumberOfRetriesExceeded keeps its cause's message.
    for (const text of [LOADING, NO_COORDINATOR, NOT_COORDINATOR, NO_LEADER, NOT_HOSTED, NOT_LEADER]) expect(isSettlingCondition(text)).toBe(true);
    expect(isSettlingCondition('Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe(false);
    expect(isSettlingCondition('Not authorized to access group: Group authorization failed')).toBe(false);
  });

  it('warnings stay warnings; info is debug, as before', () => {
    const lines = logged((k) => {
      k.warn('Some warning', {});
      k.info('Starting', {});
    });
    expect(lines.map((l) => l.level)).toEqual([40, 20]);
  });
});
