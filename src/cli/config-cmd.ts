import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configSpec, loadConfig, redactConfig, renderConfigReference, type ConfigIssue, type SiftConfig } from '../config/index.js';
import { preflight } from '../pipeline/index.js';
import { packageRoot, SiftError } from '../shared/index.js';
import { parse, UsageError } from './args.js';

export const CONFIG_HELP = `Usage: sift config <check|docs> [options]

  check [-c <file>]   validate a config file (and env overrides) with every check sift run makes before it
                      connects (topics, alert sinks: scheme, allowlist, addresses); print the effective config,
                      secrets redacted, then a verdict line: 'config OK: <file>' (exit 0) or the errors and
                      'config INVALID: <file> (N errors)' (exit 2)
  docs [--write]      print the configuration reference (--write: update docs/config.md)`;

function invalid(source: string, message: string, n: number): number {
  // The last line is the verdict either way, for a reader and for a script's `tail -1`.
  console.error(`sift config: ${message}`);
  console.error(`config INVALID: ${source} (${n} error${n === 1 ? '' : 's'})`);
  return 2;
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
      if (!(err instanceof SiftError) || err.stage !== 'config') throw err;
      return invalid(source, err.message, err instanceof ConfigError ? err.issues.length : 1);
    }
    // The same function sift run calls before connecting: what passes here starts there.
    const checked = await preflight(config);
    for (const w of checked.warnings) console.error(`warning: ${w} (every request checks again)`);
    if (checked.issues.length > 0) {
      const issues: readonly ConfigIssue[] = checked.issues;
      return invalid(source, new ConfigError(values.config ?? 'defaults', issues).message, issues.length);
    }
    console.log(JSON.stringify(redactConfig(configSpec, config), null, 2));
    console.log(`config OK: ${source}`);
    return 0;
  }
  if (action === undefined || action === '--help' || action === '-h') {
    console.log(CONFIG_HELP);
    return action === undefined ? 2 : 0;
  }
  throw new UsageError(`sift config: unknown action ${JSON.stringify(action)} (use check or docs)`);
}
