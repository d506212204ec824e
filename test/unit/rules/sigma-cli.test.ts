/** `sift rules import-sigma`: files written, the JSON report contract, exit codes. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importSigmaCommand } from '../../../src/cli/import-sigma.js';
import { loadRules } from '../../../src/rules/index.js';
import { CORPUS, corpusAvailable } from '../../helpers/corpus.js';
import { sigmaText } from './sigma-helpers.js';

let dir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sift-sigma-'));
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe.runIf(corpusAvailable())('on the SigmaHQ corpus', () => {
  it('writes one file per converted rule and reports JSON with total, converted, unsupported first', async () => {
    const code = await importSigmaCommand([join(CORPUS, 'sigma'), '--out', join(dir, 'out'), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as Record<string, unknown> & { total: number; converted: number; unsupported: { path: string; reason: string }[] };
    expect(Object.keys(report).slice(0, 3)).toEqual(['total', 'converted', 'unsupported']);
    expect(report.converted / report.total).toBeGreaterThanOrEqual(0.85);
    expect(report.unsupported.every((u) => typeof u.path === 'string' && typeof u.reason === 'string')).toBe(true);
    expect(report['skipped']).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'rules-placeholder/' }), expect.objectContaining({ path: 'unsupported/' })]));
    const files = listFiles(join(dir, 'out'));
    expect(files).toHaveLength(report.converted);
    expect(files.some((f) => f.endsWith(join('rules', 'identity', 'okta', 'okta_user_created.yml')))).toBe(true);
    // The output directory loads as a rule set: ids unique, every rule compiled.
    const loaded = loadRules([join(dir, 'out')]);
    expect(loaded.issues).toEqual([]);
    expect(loaded.rules).toHaveLength(report.converted);
  });

  it('prints a table per source in human mode', async () => {
    expect(await importSigmaCommand([join(CORPUS, 'sigma'), '-o', join(dir, 'out')])).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^Sigma import: \d+ rules, \d+ converted, \d+ unsupported\./);
    expect(text).toMatch(/\n {2}okta +\d+ +\d+ +\d+\n/);
    expect(text).toContain('Skipped folders:\n  rules-placeholder/ ');
  });
});

describe('single files and errors', () => {
  it('converts one file, mirroring its name, and reports an unsupported one without failing', async () => {
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yml');
    writeFileSync(good, sigmaText({ selection: { eventType: 'user.session.start' }, condition: 'selection' }));
    writeFileSync(bad, sigmaText({ selection: { eventType: 'x' }, condition: 'selection | count() > 3' }));
    expect(await importSigmaCommand([good, '--out', join(dir, 'o1'), '--json'])).toBe(0);
    expect(readFileSync(join(dir, 'o1', 'good.yml'), 'utf8')).toContain('event.action: user.session.start');
    out = [];
    expect(await importSigmaCommand([bad, '--out', join(dir, 'o2'), '--json'])).toBe(0);
    const report = JSON.parse(out.join('\n')) as { total: number; converted: number; unsupported: { path: string; reason: string }[] };
    expect(report).toMatchObject({ total: 1, converted: 0, unsupported: [{ path: 'bad.yml', reason: expect.stringMatching(/aggregation/) }] });
  });

  it.each([
    ['no input', ['--out', 'x']],
    ['two inputs', ['a', 'b', '--out', 'x']],
    ['no --out', ['x.yml']],
    ['unknown flag', ['x.yml', '--out', 'x', '--frobnicate']],
    ['missing input', ['/nonexistent/sigma', '--out', 'x']],
  ])('%s is a usage error (exit 2)', async (_name, argv) => {
    expect(await importSigmaCommand(argv)).toBe(2);
    expect(err.join('\n')).toMatch(/^sift rules import-sigma: /);
  });

  it('prints help', async () => {
    expect(await importSigmaCommand(['--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/^Usage: sift rules import-sigma <file\|dir> --out <dir> \[--json\]/);
  });
});
