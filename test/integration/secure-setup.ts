import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../helpers/build-dist.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The secure project's files run on the secured stack: start it (idempotent;
 * the first start makes its certificates and users, about 30 s) and build
 * dist/, which the tests run as users do. The integration project's global
 * setup builds too: tsc writes the same files either way.
 */
export default function setup(): void {
  execFileSync('scripts/stack.sh', ['up', '--secure'], { cwd: root, stdio: 'inherit' });
  buildDist(root);
}
