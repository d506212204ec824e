import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Where logs go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
}

/**
 * Paths whose values are replaced with "[redacted]" wherever they appear in a
 * log record. Secrets reach logs mostly through config dumps and client errors.
 */
export const REDACT_PATHS = [
  'password',
  'api_key',
  'apiKey',
  '*.password',
  '*.api_key',
  '*.apiKey',
  '*.*.password',
  '*.*.api_key',
  'config.kafka.sasl.password',
  'config.elasticsearch.api_key',
  'config.elasticsearch.password',
  'headers.authorization',
  '*.headers.authorization',
  // Alert sinks: hook URLs carry tokens, PagerDuty keys and webhook secrets are credentials.
  'routing_key',
  'secret',
  '*.routing_key',
  '*.secret',
  'config.alerts.sinks[*].url',
  'config.alerts.sinks[*].routing_key',
  'config.alerts.sinks[*].secret',
];

export function createLogger(opts: LoggerOptions): Logger {
  const destination = opts.destination ?? process.stdout;
  const usePretty = opts.format === 'pretty' || (opts.format === 'auto' && 'isTTY' in destination && destination.isTTY === true);
  const base = {
    level: opts.level,
    base: { service: 'sift' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // pino-pretty as an in-process stream, not a worker transport: log lines
  // written just before exit (fatal errors) must not be lost.
  const stream = usePretty
    ? pretty({ colorize: true, destination, sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' })
    : destination;
  return pino(base, stream);
}
