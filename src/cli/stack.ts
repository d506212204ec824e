import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../shared/index.js';
import { UsageError } from './args.js';

export const STACK_HELP = `Usage: sift stack <up|down|status|logs|reset>

Run a real Kafka broker (KRaft, 127.0.0.1:9092) and a real Elasticsearch 8
(127.0.0.1:9200) locally, without Docker. Downloads from Maven Central once into
.cache/stack. See docs/stack.md.

  up      start both (reuses running ones), wait until ready
  down    stop exactly the processes 'up' started
  status  one line per service; exit 0 when both run, 3 otherwise
  logs    show where the logs are and tail them
  reset   stop and wipe data (keeps the downloads)`;

const ACTIONS = new Set(['up', 'down', 'status', 'logs', 'reset', 'start', 'stop']);

/** Runs scripts/stack.sh with inherited stdio; resolves with its exit code. */
export function runStackScript(args: readonly string[], quiet = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(packageRoot(), 'scripts', 'stack.sh'), [...args], { stdio: quiet ? 'ignore' : 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function stackCommand(argv: readonly string[]): Promise<number> {
  const action = argv[0];
  if (action === undefined || action === '-h' || action === '--help') {
    console.log(STACK_HELP);
    return action === undefined ? 2 : 0;
  }
  if (!ACTIONS.has(action)) throw new UsageError(`sift stack: unknown action ${JSON.stringify(action)} (use up, down, status, logs or reset)`);
  return runStackScript(argv);
}
