import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../helpers/build-dist.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The fault tests stop, kill and freeze Kafka and ES, so they run on a plain
 * stack of their own (`scripts/stack.sh up --faults`, ports 9292 and 9202)
 * while the integration project's files use the first one. Idempotent, like
 * the integration project's setup, which also builds dist/.
 */
export default function setup(): void {
  execFileSync('scripts/stack.sh', ['up', '--faults'], { cwd: root, stdio: 'inherit' });
  buildDist(root);
}
