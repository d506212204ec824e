/**
 * `sift rules import-sigma` and hostile inputs or outputs (issue 13, found by
 * the probe): one Sigma file with an alias bomb is that file's failure while
 * the rest convert; a symbolic link already under --out is never written
 * through; two inputs for one output (`a.yaml` + `a.yml`) are both refused.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importSigmaCommand } from '../../../src/cli/import-sigma.js';
import { billionLaughs } from '../../helpers/yaml-bombs.js';
import { sigmaText } from './sigma-helpers.js';

let dir: string;
let out: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sift-sigma-out-'));
  out = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

interface Report {
  total: number;
  converted: number;
  unsupported: { path: string; reason: string }[];
  by_kind: Record<string, number>;
}

const report = (): Report => JSON.parse(out.join('\n')) as Report;

function inputs(files: Record<string, string>): string {
  const input = join(dir, 'in');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(input, name, '..'), { recursive: true });
    writeFileSync(join(input, name), text);
  }
  return input;
}

const rule = (eventType: string): string => sigmaText({ selection: { eventType }, condition: 'selection' });

describe('import-sigma on hostile files', () => {
  it('reports an alias bomb as that file failing, located, and converts the rest', async () => {
    // Lines 1-2 are title and logsource; x3 is line 6, and its 8th *a2 (column 45) crosses 10,000 nodes.
    const bomb = billionLaughs('title: Bomb\nlogsource: {product: okta}\n', 'detection:\n  selection:\n    eventType: *a9\n  condition: selection\n');
    const input = inputs({ 'a.yml': rule('user.session.start'), 'bomb.yml': bomb, 'c.yml': rule('user.account.lock') });
    expect(await importSigmaCommand([input, '--out', join(dir, 'out'), '--json'])).toBe(0);
    expect(report()).toMatchObject({
      total: 3,
      converted: 2,
      unsupported: [{ path: 'bomb.yml', reason: 'line 6, column 45: YAML aliases expand to more than 10,000 nodes here (*a2 stands for 1,111); write the values out instead' }],
    });
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['a.yml', 'c.yml']);
  });

  it('never writes through a symbolic link under --out, file or folder, and says so', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(join(outside, 'folder'), { recursive: true });
    writeFileSync(join(outside, 'precious.txt'), 'keep me\n');
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    symlinkSync(join(outside, 'precious.txt'), join(outDir, 'linked.yml'));
    symlinkSync(join(outside, 'folder'), join(outDir, 'sub'));
    const input = inputs({ 'linked.yml': rule('user.session.start'), 'sub/x.yml': rule('user.account.lock'), 'plain.yml': rule('user.session.end') });
    expect(await importSigmaCommand([input, '--out', outDir, '--json'])).toBe(1);
    expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('keep me\n');
    expect(readdirSync(join(outside, 'folder'))).toEqual([]);
    expect(existsSync(join(outDir, 'plain.yml'))).toBe(true);
    const r = report();
    expect(r).toMatchObject({ total: 3, converted: 1, by_kind: { output: 2 } });
    expect(r.unsupported).toEqual([
      { path: 'linked.yml', reason: `${join(outDir, 'linked.yml')} is a symbolic link; import-sigma does not write through links under --out (remove it, or choose another --out)` },
      { path: 'sub/x.yml', reason: `${join(outDir, 'sub')} is a symbolic link; import-sigma does not write through links under --out (remove it, or choose another --out)` },
    ]);
  });

  it('refuses a.yaml and a.yml together instead of one overwriting the other', async () => {
    const input = inputs({ 'a.yaml': rule('user.session.start'), 'a.yml': rule('user.account.lock'), 'b.yml': rule('user.session.end') });
    expect(await importSigmaCommand([input, '--out', join(dir, 'out'), '--json'])).toBe(1);
    const reason = 'a.yaml and a.yml would all be written to a.yml; rename all but one (nothing of them was written)';
    expect(report()).toMatchObject({ total: 3, converted: 1, unsupported: [{ path: 'a.yaml', reason }, { path: 'a.yml', reason }] });
    expect(readdirSync(join(dir, 'out'))).toEqual(['b.yml']);
  });
});
