import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The secure project's files run on the secured stack: start it (idempotent;
 * the first start makes its certificates and users, about 30 s) and build
 * dist/, which the tests run as users do. The integration project's global
 * setup builds too: tsc writes the same files either way.
 */
export default function setup(): void {
  execFileSync('scripts/stack.sh', ['up', '--secure'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
