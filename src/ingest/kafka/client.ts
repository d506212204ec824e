import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { SiftConfig } from '../../config/index.js';
import type { Logger } from '../../telemetry/index.js';

/** kafkajs log lines go through pino, so there is one log stream and one format. */
function logCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: LogEntry): void => {
      const { message, ...rest } = entry;
      const fields = { component: 'kafkajs', ...rest };
      if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.debug(fields, message);
      else log.trace(fields, message);
    };
}

function saslOf(cfg: SiftConfig['kafka']['sasl']): SASLOptions | undefined {
  if (cfg.mechanism === 'none') return undefined;
  return { mechanism: cfg.mechanism, username: cfg.username, password: cfg.password } as SASLOptions;
}

export function createKafka(cfg: SiftConfig['kafka'], log: Logger, clientIdSuffix = ''): Kafka {
  const sasl = saslOf(cfg.sasl);
  const config: KafkaConfig = {
    clientId: `${cfg.client_id}${clientIdSuffix}`,
    brokers: [...cfg.brokers],
    ssl: cfg.ssl,
    logLevel: logLevel.INFO,
    logCreator: logCreator(log),
    retry: { initialRetryTime: 300, retries: 8 },
    connectionTimeout: 3000,
  };
  if (sasl) config.sasl = sasl;
  return new Kafka(config);
}
