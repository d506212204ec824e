// `make stack-status` (issue 11, point 9): a stopped stack is an answer, not a
// failure of make. scripts/stack.sh status keeps its exit code 3 for scripts
// that wait on readiness; the make target prints the status and a clear line.
//
// The stack it asks about is an empty one: SIFT_CACHE points scripts/stack.sh
// at a fresh folder, so no pid of it is alive whatever the shared stack on
// this machine is doing (its ports, if open, are reported as "not ours").
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const hasMake = spawnSync('make', ['--version'], { encoding: 'utf8' }).status === 0;

const cache = mkdtempSync(join(tmpdir(), 'sift-make-status-'));
// Elasticsearch's user must be able to traverse it, or stack.sh moves the ES
// files elsewhere (and says so on stderr).
chmodSync(cache, 0o755);
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('make stack-status', () => {
  it.skipIf(!hasMake)('on a stopped stack prints the status and a clear line, and exits 0', () => {
    const r = spawnSync('make', ['--no-print-directory', 'stack-status'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SIFT_CACHE: cache },
    });
    expect(r.stderr).not.toMatch(/Error \d/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^kafka +stopped /m);
    expect(r.stdout).toMatch(/^elasticsearch +stopped /m);
    expect(r.stdout).toContain('make stack-up');
  });
});
