import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/index.js';
import { SiftError, describeError, packageRoot } from '../shared/index.js';
import { UsageError } from './args.js';

interface Command {
  summary: string;
  /** Loaded on demand: `sift rules lint` need not parse the Kafka and
   *  Elasticsearch clients, and startup is most of a short command's time. */
  load: () => Promise<(argv: readonly string[]) => Promise<number>>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  run: { summary: 'consume raw topics → ECS → Elasticsearch (the main job)', load: async () => (await import('./run.js')).runCommand },
  demo: { summary: 'end-to-end demo on the local stack with generated Okta traffic', load: async () => (await import('./demo.js')).demoCommand },
  generate: { summary: 'produce realistic vendor audit events to Kafka (or stdout)', load: async () => (await import('./generate.js')).generateCommand },
  rules: { summary: 'detection rules: test | lint | explain <id> | import-sigma (no Kafka or ES needed) | backtest (reads ES)', load: async () => (await import('./rules.js')).rulesCommand },
  replay: { summary: 'run raw vendor events through decode → normalize → detect and print the alerts', load: async () => (await import('./replay.js')).replayCommand },
  stack: { summary: 'local Kafka + Elasticsearch without Docker: up | down | status | logs', load: async () => (await import('./stack.js')).stackCommand },
  conformance: { summary: 'compare Sift\'s ECS with Elastic\'s expected documents (--corpus <dir> [--json])', load: async () => (await import('./conformance.js')).conformanceCommand },
  config: { summary: 'check a config file, or print the configuration reference', load: async () => (await import('./config-cmd.js')).configCommand },
  ecs: { summary: 'regenerate the field types and docs/ecs-fields.md from the ECS catalog', load: async () => (await import('./ecs-cmd.js')).ecsCommand },
  kibana: { summary: 'Kibana 8 data views and dashboards: export [--out file] | import --url <kibana>', load: async () => (await import('./kibana.js')).kibanaCommand },
};

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    `sift ${version()}: SaaS audit logs from Kafka, normalized to ECS, indexed into Elasticsearch`,
    '',
    'Usage: sift <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'sift <command> --help' for a command's options. Docs: README.md and docs/.",
  ].join('\n');
}

/**
 * Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    console.log(version());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`sift: unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return 2;
  }
  try {
    const run = await command.load();
    return await run(rest);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(`sift ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof SiftError && err.stage === 'config') {
      console.error(`sift ${name}: ${err.message}`);
      return 2;
    }
    console.error(`sift ${name}: ${describeError(err)}`);
    return 1;
  }
}
