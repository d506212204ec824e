import { ConfigError, configSpec, loadConfig, secretValues, type SiftConfig } from '../config/index.js';
import { createPipeline, preflight } from '../pipeline/index.js';
import { takeEarlySignal } from './early-signals.js';
import { describeError } from '../shared/index.js';
import { createLogger, createMetrics, type Logger } from '../telemetry/index.js';
import { parse } from './args.js';

export const RUN_HELP = `Usage: sift run [--config <file>]

Consume the raw topics, normalize to ECS and index into Elasticsearch.
Offsets are committed only after every record of a batch is indexed or
dead-lettered. Stops gracefully on SIGTERM/SIGINT (a second signal exits at once).

Options:
  -c, --config <file>   YAML or JSON config (default: built-in defaults for the local stack)
  -h, --help            show this help`;

/** Installs SIGTERM/SIGINT handlers that resolve once; a second signal exits hard. */
export function onShutdownSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (seen) {
        log.warn({ signal }, 'Second signal: exiting now without draining.');
        process.exit(130);
      }
      seen = true;
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
    // A signal that came while the modules loaded (early-signals.ts) counts as the first.
    const early = takeEarlySignal();
    if (early !== undefined) handler(early);
  });
}

/** The logger of a command that runs on `config`: every secret it holds (by the schema's flags) is masked in every line. */
export function loggerFor(config: SiftConfig): Logger {
  return createLogger({ level: config.telemetry.log_level, format: config.telemetry.log_format, secrets: secretValues(configSpec, config) });
}

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  const config = loadConfig(values.config);
  const log = loggerFor(config);
  // Before connecting to anything, and the same function `sift config check` calls.
  const checked = await preflight(config);
  for (const w of checked.warnings) log.warn({ issue: w }, 'Alert sink target does not resolve yet; every request checks again.');
  if (checked.issues.length > 0) throw new ConfigError(values.config ?? 'defaults', checked.issues);
  const metrics = createMetrics();
  const pipeline = createPipeline({ config, log, metrics });
  const signal = onShutdownSignal(log);
  const startup = new AbortController();
  void signal.then(() => startup.abort(new Error('shutdown requested during startup')));
  try {
    await Promise.race([pipeline.start(startup.signal), pipeline.fatal.then((e) => Promise.reject(e))]);
  } catch (err) {
    await pipeline.stop().catch(() => undefined);
    if (startup.signal.aborted) {
      log.info('Shut down during startup; nothing was consumed or committed.');
      return 0;
    }
    log.fatal({ err: describeError(err) }, 'Sift could not start.');
    return 1;
  }
  const ended = await Promise.race([signal.then((s) => ({ kind: 'signal' as const, s })), pipeline.fatal.then((e) => ({ kind: 'fatal' as const, e }))]);
  if (ended.kind === 'fatal') {
    log.fatal({ err: describeError(ended.e) }, 'Stopped consuming on a fatal error; nothing further was committed.');
    await pipeline.stop();
    return 1;
  }
  log.info({ signal: ended.s, timeoutMs: config.pipeline.shutdown_timeout_ms }, 'Shutting down: draining in-flight batches.');
  const { drained } = await pipeline.stop();
  const s = pipeline.stats;
  log.info({ drained, consumed: s.consumed, indexed: s.indexed, deadLettered: s.deadLettered }, drained ? 'Stopped cleanly.' : 'Stopped at the deadline; undrained batches were not committed and will be re-read.');
  return 0;
}
