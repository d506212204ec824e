/**
 * A supervisor may stop `sift run` at any moment, including while Node still
 * loads its modules. The process must then end as a clean shutdown during
 * startup (exit 0), never die by the signal (which reads as a crash). The
 * kill-loop fault test met this when its last instance had nothing left to do.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

/**
 * Spawns Sift and sends SIGTERM `delayMs` after its first line of JS ran
 * (SIFT_SIGNAL_PROBE makes it say so), so a loaded machine's slow bootstrap
 * cannot move the signal before any handler could exist.
 */
function runThenTerm(args: readonly string[], delayMs: number): Promise<number | string> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SIFT_SIGNAL_PROBE: '1' } });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let armed = false;
  child.stderr?.on('data', (d: Buffer) => {
    if (armed || !d.toString().includes('sift: loading')) return;
    armed = true;
    setTimeout(() => child.kill('SIGTERM'), delayMs);
  });
  return exited;
}

describe('a stop signal while sift starts', () => {
  // Closed ports: nothing could be consumed even if startup got that far.
  const dir = mkdtempSync(join(tmpdir(), 'sift-early-'));
  const config = join(dir, 'sift.json');
  writeFileSync(config, JSON.stringify({ kafka: { brokers: ['127.0.0.1:1'] }, elasticsearch: { node: 'http://127.0.0.1:1' }, telemetry: { http_port: -1 } }));

  // From Sift's first line (before it, Node's own bootstrap takes the default
  // action: nothing can be installed yet) through module loading (≈ 0.5 s
  // here) and startup.
  it.each([0, 20, 100, 250, 500, 900])('sift run stopped %i ms after its first line exits 0', async (delayMs) => {
    expect(await runThenTerm(['run', '--config', config], delayMs)).toBe(0);
    // A budget for a whole process start and stop on a loaded machine (≈ 2.5 s quiet), not a timing assertion.
  }, 30_000);

  it('another command stopped while loading ends as interrupted (143), not killed', async () => {
    expect(await runThenTerm(['rules', 'test'], 20)).toBe(143);
  }, 30_000);
});
