import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../helpers/build-dist.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Integration tests run against the real local stack. Start it (idempotent:
 * reuses running services) and build dist/, because the tests run `sift` as a
 * child process exactly as users do.
 */
export default function setup(): void {
  execFileSync('scripts/stack.sh', ['up'], { cwd: root, stdio: 'inherit' });
  buildDist(root);
}
