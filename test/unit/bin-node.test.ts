// bin/sift.js on a system Node older than package.json's engines (issue 11,
// point 6). After `make`, the Node the Makefile fetched sits in
// .cache/node-v<version>/; the launcher must run Sift on it, so a user whose
// PATH starts with the distribution's Node 20 gets neither npm's EBADENGINE
// nor Sift on an unsupported runtime.
//
// Which Node ran Sift is observed from outside the code under test: a
// preloaded module (NODE_OPTIONS=--import, honoured by Node 20 and 24 alike)
// appends `<process.version> <script>` to a file in every Node process the
// launch starts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SYSTEM_NODE = '/usr/bin/node';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };
// ">=22" in package.json: the major a Node must reach.
const minMajor = Number(/^>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);

function majorOf(node: string): number {
  const r = spawnSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : NaN;
}

const systemMajor = existsSync(SYSTEM_NODE) ? majorOf(SYSTEM_NODE) : NaN;
const cached = existsSync(join(ROOT, '.cache'))
  ? readdirSync(join(ROOT, '.cache')).filter((d) => /^node-v\d+\.\d+\.\d+$/.test(d) && existsSync(join(ROOT, '.cache', d, 'bin', 'node')))
  : [];
const built = existsSync(join(ROOT, 'dist', 'src', 'main.js'));
const why = !(systemMajor < minMajor)
  ? `${SYSTEM_NODE} is not older than node ${pkg.engines.node} here`
  : cached.length === 0
    ? 'no Node under .cache/ (run `make node`)'
    : !built
      ? 'dist/ not built'
      : '';

const dir = mkdtempSync(join(tmpdir(), 'sift-bin-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/sift.js on an old system Node', () => {
  it.skipIf(why !== '')(`runs Sift on the Makefile's Node, without EBADENGINE${why ? ` (skipped: ${why})` : ''}`, () => {
    const trace = join(dir, 'trace.txt');
    const preload = join(dir, 'preload.mjs');
    writeFileSync(preload, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(trace)}, process.version + ' ' + process.argv[1] + '\\n');\n`);
    // Only the distribution's directories on PATH, as in a fresh shell after `make`.
    const r = spawnSync(SYSTEM_NODE, [join(ROOT, 'bin', 'sift.js'), '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: '/usr/bin:/bin', HOME: dir, NODE_OPTIONS: `--import=${preload}` },
    });
    expect(r.stderr).not.toMatch(/EBADENGINE|Unsupported engine/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
    const runs = readFileSync(trace, 'utf8').trim().split('\n');
    // The launcher starts on the system Node; Sift itself must run on a Node ≥ the engines' major.
    const sift = runs.filter((l) => / \S*dist\/src\/main\.js$|bin\/sift\.js$/.test(l)).at(-1) ?? '';
    expect(runs[0], 'the launcher first starts on the system Node').toMatch(new RegExp(`^v${systemMajor}\\.`));
    expect(Number(/^v(\d+)\./.exec(sift)?.[1]), `the Node that ran Sift (trace: ${runs.join(' | ')})`).toBeGreaterThanOrEqual(minMajor);
  });
});
