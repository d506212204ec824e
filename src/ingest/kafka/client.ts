import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { tlsOptions, type SiftConfig } from '../../config/index.js';
import type { Logger } from '../../telemetry/index.js';

/**
 * kafkajs' texts (src/protocol/error.js, codes 3, 5, 6, 14, 15, 16) for what a
 * starting or rebalancing cluster answers for a few seconds: a coordinator
 * still loading its group state, a partition without a leader yet. kafkajs
 * retries all of them by itself, so at error level they only alarm the
 * operator of a healthy cluster (the demo's first run printed two).
 */
const SETTLING = [
  "The coordinator is loading and hence can't process requests",
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition',
  'This server does not host this topic-partition',
  'This server is not the leader for that topic-partition',
] as const;

/** Whether `text` holds one of the conditions a settling cluster answers, which kafkajs retries. */
export function isSettlingCondition(text: string): boolean {
  return SETTLING.some((s) => text.includes(s));
}

type PinoLevel = 'error' | 'warn' | 'debug' | 'info' | 'trace';

/**
 * The pino level of one kafkajs log line. Errors that are a settling cluster
 * go down: a request's `Response …` line and a producer retry to debug (the
 * retry that follows is what matters), a consumer crash kafkajs restarts
 * from, and its "Restarting the consumer" line, to info. Any other error
 * stays an error; a crash on anything else still logs its own error line.
 */
function levelOf(level: logLevel, message: string, error: unknown): PinoLevel {
  if (level === logLevel.ERROR) {
    if (message.startsWith('Restarting the consumer')) return 'info';
    if (isSettlingCondition(message) || (typeof error === 'string' && isSettlingCondition(error))) {
      return message.startsWith('Crash:') ? 'info' : 'debug';
    }
    return 'error';
  }
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'debug';
  return 'trace';
}

/** kafkajs log lines go through pino, so there is one log stream and one format. */
function logCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: LogEntry): void => {
      const { message, ...rest } = entry;
      log[levelOf(level, message, rest['error'])]({ component: 'kafkajs', ...rest }, message);
    };
}

/**
 * While Sift waits for the brokers (waitForKafka), each failed attempt is one
 * "Waiting for Kafka." line; kafkajs' own lines about the same refused
 * connection would only repeat it with stack traces.
 */
function quietLogCreator(log: Logger) {
  return () =>
    ({ log: entry }: LogEntry): void => {
      const { message, ...rest } = entry;
      log.debug({ component: 'kafkajs', ...rest }, message);
    };
}

function saslOf(cfg: SiftConfig['kafka']['sasl']): SASLOptions | undefined {
  if (cfg.mechanism === 'none') return undefined;
  return { mechanism: cfg.mechanism, username: cfg.username, password: cfg.password } as SASLOptions;
}

export function kafkaConfig(cfg: SiftConfig['kafka'], log: Logger, clientIdSuffix = '', quiet = false): KafkaConfig {
  const sasl = saslOf(cfg.sasl);
  const config: KafkaConfig = {
    clientId: `${cfg.client_id}${clientIdSuffix}`,
    brokers: [...cfg.brokers],
    // The TLS files were checked at start (preflight); with none set this is Node's default verification.
    ssl: cfg.ssl ? { ...tlsOptions(cfg.tls, 'kafka.tls') } : false,
    logLevel: logLevel.INFO,
    logCreator: quiet ? quietLogCreator(log) : logCreator(log),
    retry: { initialRetryTime: 300, retries: 8 },
    connectionTimeout: 3000,
  };
  if (sasl) config.sasl = sasl;
  return config;
}

export function createKafka(cfg: SiftConfig['kafka'], log: Logger, clientIdSuffix = ''): Kafka {
  return new Kafka(kafkaConfig(cfg, log, clientIdSuffix));
}
