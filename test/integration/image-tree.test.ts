/**
 * The Docker image's file layout, without a Docker engine (issue 11, point 1):
 * test/helpers/dockerfile.ts rebuilds the runtime stage's tree in a temp
 * folder by following the Dockerfile's own COPY lines (dist/src from this
 * checkout's build, node_modules symlinked because `npm ci --omit=dev` needs
 * the registry), then this test runs the image's ENTRYPOINT + CMD (`node
 * dist/src/main.js run`) in its WORKDIR, with the image's ENV, against the
 * local stack. The image must detect out of the box: "Detection rules loaded."
 * reports every rule file shipped under rules/, loaded from inside the tree,
 * and no rule folder is missing ("cannot read: ENOENT").
 *
 * The expected count is the number of rule files in the repository's rules/,
 * counted here on disk, not by Sift's loader.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageTree, type ImageTree } from '../helpers/dockerfile.js';
import { ROOT, cleanup, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

/** Rule files under `dir`, recursively (*.yml, *.yaml: what docs/rules.md says a rules folder holds). */
function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const shipped = ruleFiles(join(ROOT, 'rules'));
const names = uniqueNames('imagetree');
const dir = mkdtempSync(join(tmpdir(), 'sift-image-tree-'));
let tree: ImageTree;

beforeAll(() => {
  tree = buildImageTree(ROOT, join(dir, 'image'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  // The keyed topics derive from the group id (src/pipeline/keyed.ts), unique to this test.
  await cleanup(names, [`${names.id}.alerts`, `${names.id}.alerts.dlq`, `${names.id}.state`, `${names.group}.keyed`, `${names.group}.keyed.state`]);
});

describe('the Docker image tree, built as the Dockerfile builds it', () => {
  it('ships the rules: `sift run` in it loads every shipped rule from the image', async () => {
    expect(shipped.length, 'rule files in the repository rules/').toBeGreaterThan(0);
    expect(tree.entrypoint[0], 'the image runs node').toBe('node');

    const config = testConfig(names);
    const file = join(dir, 'sift.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...config,
        alerts: { topic: `${names.id}.alerts`, dlq_topic: `${names.id}.alerts.dlq` },
        rules: { state_topic: `${names.id}.state` },
      }),
    );
    // The image's ENV on a clean environment: no SIFT_* of the test runner
    // (a SIFT_RULES_DIR there would hide a missing rules/ in the image).
    const hostEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIFT_')));
    // Only the telemetry listener differs from the image: 0.0.0.0:9464 is
    // private to a container, but on this host another Sift may hold it.
    const env = { ...hostEnv, ...tree.env, SIFT_HTTP_HOST: '127.0.0.1', SIFT_HTTP_PORT: '0', SIFT_LOG_LEVEL: 'info' };
    // The image's node is Node 24; so is the one running this test.
    const argv = [...tree.entrypoint.slice(1), ...tree.cmd, '--config', file];
    const child = spawn(process.execPath, argv, { cwd: tree.workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let exitCode: number | string | undefined;
    const exited = new Promise<number | string>((resolve) =>
      child.on('exit', (code, signal) => {
        exitCode = code ?? signal ?? -1;
        resolve(exitCode);
      }),
    );
    const context = () => `substitutions: ${tree.substitutions.join('; ')}\noutput:\n${out}`;
    try {
      await waitFor(() => exitCode !== undefined || /Detection rules loaded\./.test(out), 120_000, 'sift run to load its rules');
      const line = out.split('\n').find((l) => l.includes('Detection rules loaded.'));
      expect(line, `no "Detection rules loaded." line (exit ${String(exitCode)})\n${context()}`).toBeDefined();
      const loaded = JSON.parse(line ?? '{}') as { rules?: number; dir?: string };
      expect(out, context()).not.toMatch(/cannot read: ENOENT/);
      expect(loaded.rules, `rules loaded vs ${shipped.length} rule files shipped\n${context()}`).toBe(shipped.length);
      // Loaded from the image's own copy, not from this checkout.
      expect(relative(tree.workdir, loaded.dir ?? '')).toBe('rules');
    } finally {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
    }
    expect(exitCode, context()).toBe(0);
  });
});
