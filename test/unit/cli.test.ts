import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out: () => out.join('\n'), err: () => err.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('sift CLI', () => {
  it('lists the commands in --help', async () => {
    const io = capture();
    expect(await main(['--help'])).toBe(0);
    for (const cmd of ['run', 'demo', 'generate', 'stack', 'config']) expect(io.out()).toMatch(new RegExp(`^  ${cmd} `, 'm'));
  });

  it('exits 2 with an error naming the field when the config is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'elasticsearch:\n  node: not-a-url\n');
    const io = capture();
    expect(await main(['run', '--config', file])).toBe(2);
    expect(io.err()).toContain('elasticsearch.node');
    expect(io.err()).toContain('an http(s) URL');
  });

  it('exits 2 on an unreadable config file, naming it', async () => {
    const io = capture();
    expect(await main(['run', '--config', '/nonexistent/sift.yaml'])).toBe(2);
    expect(io.err()).toContain('/nonexistent/sift.yaml');
  });

  it('exits 2 on an unknown command or flag', async () => {
    capture();
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['run', '--nope'])).toBe(2);
  });
});
