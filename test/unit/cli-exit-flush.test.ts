/**
 * A command's whole output reaches a slow reader. `sift` exits as soon as a
 * command returns (clients may hold sockets open); output a pipe had not
 * taken yet (past its 64 KiB) was cut off, so `sift rules test --json | jq`
 * read broken JSON. The reader here waits a second before reading anything.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));
const CATALOG = fileURLToPath(new URL('../../docs/rules-catalog.md', import.meta.url));

function slowlyRead(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  child.stdout.pause();
  setTimeout(() => {
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.resume();
  }, 1000);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out: Buffer.concat(chunks).toString('utf8') })));
}

describe('output to a slow pipe', () => {
  it('is whole when sift exits (rules test --json, about 600 KB)', async () => {
    const { code, out } = await slowlyRead(['rules', 'test', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { total: number; failed: number };
    expect(report.total).toBeGreaterThan(500);
  }, 120_000);

  it('is whole when sift exits (the rule catalog)', async () => {
    const expected = readFileSync(CATALOG, 'utf8');
    const { code, out } = await slowlyRead(['rules', 'catalog']);
    expect(code).toBe(0);
    expect(out).toBe(expected);
  }, 60_000);
});
