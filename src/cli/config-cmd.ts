import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, renderConfigReference, type SiftConfig } from '../config/index.js';
import { packageRoot, SiftError } from '../shared/index.js';
import { parse, UsageError } from './args.js';

export const CONFIG_HELP = `Usage: sift config <check|docs> [options]

  check [-c <file>]   validate a config file (and env overrides); print the effective config, secrets redacted,
                      then a verdict line: 'config OK: <file>' (exit 0) or the errors and
                      'config INVALID: <file> (N errors)' (exit 2)
  docs [--write]      print the configuration reference (--write: update docs/config.md)`;

function redact(value: unknown, key = ''): unknown {
  if (/password|api_key/.test(key)) return value === '' ? '' : '[redacted]';
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  return value;
}

export async function configCommand(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'docs') {
    const { values } = parse(rest, { write: { type: 'boolean' } });
    const text = renderConfigReference();
    if (values.write) writeFileSync(join(packageRoot(), 'docs', 'config.md'), text);
    else process.stdout.write(text);
    return 0;
  }
  if (action === 'check') {
    const { values } = parse(rest, { config: { type: 'string', short: 'c' } });
    const source = values.config ?? 'no file (defaults and SIFT_* environment variables)';
    let config: SiftConfig;
    try {
      config = loadConfig(values.config);
    } catch (err) {
      // The last line is the verdict either way, for a reader and for a script's `tail -1`.
      if (!(err instanceof SiftError) || err.stage !== 'config') throw err;
      console.error(`sift config: ${err.message}`);
      const n = err instanceof ConfigError ? err.issues.length : 1;
      console.error(`config INVALID: ${source} (${n} error${n === 1 ? '' : 's'})`);
      return 2;
    }
    console.log(JSON.stringify(redact(config), null, 2));
    console.log(`config OK: ${source}`);
    return 0;
  }
  if (action === undefined || action === '--help' || action === '-h') {
    console.log(CONFIG_HELP);
    return action === undefined ? 2 : 0;
  }
  throw new UsageError(`sift config: unknown action ${JSON.stringify(action)} (use check or docs)`);
}
