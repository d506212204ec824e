import { execFileSync } from 'node:child_process';

/**
 * Builds dist/, which the integration tests run as users do (`sift` as a child
 * process). Skipped when the caller built it already (SIFT_TEST_PREBUILT=1:
 * `make test` builds first, then scripts/test-all.sh runs two vitest
 * processes at once, whose setups must not rewrite dist/ under each other's
 * running tests).
 */
export function buildDist(root: string): void {
  if (process.env['SIFT_TEST_PREBUILT'] === '1') return;
  execFileSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
