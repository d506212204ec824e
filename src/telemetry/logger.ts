import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Where logs go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
  /**
   * Strings that must never be written (the config's secrets, from the
   * schema's secret flags): masked in every line, whichever field, message
   * or library error carries them. Paths below only catch known keys.
   */
  secrets?: readonly string[];
}

/** Each secret, raw and as it appears inside a JSON string, replaced in one serialized line. */
function scrubber(secrets: readonly string[]): ((line: string) => string) | undefined {
  const forms = [...new Set(secrets.flatMap((x) => [x, JSON.stringify(x).slice(1, -1)]))]
    .filter((x) => x.length >= 4)
    // Longest first: a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return undefined;
  return (line) => {
    let out = line;
    for (const f of forms) if (out.includes(f)) out = out.split(f).join('[redacted]');
    return out;
  };
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
  const scrub = scrubber(opts.secrets ?? []);
  const base = {
    level: opts.level,
    base: { service: 'sift' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
  };
  // pino-pretty as an in-process stream, not a worker transport: log lines
  // written just before exit (fatal errors) must not be lost.
  const stream = usePretty
    ? pretty({ colorize: true, destination, sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' })
    : destination;
  return pino(base, stream);
}
