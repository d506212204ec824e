/**
 * Hot reload of the rules folder as editors and tools really save (issue 11,
 * point 2): by rename (`sed -i`, vim, VS Code, Kubernetes ConfigMaps), then by
 * truncating in place (`cat >`) and by touching, in any order and repeatedly.
 * fs.watch on Linux follows inodes: a watch on the file is lost once a rename
 * replaces it, so the folder must be watched. Also: the reload log names the
 * changed files, and rejection is counted in files, not issues (point 3).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { StateCheckpoint } from '../../src/ingest/index.js';
import { createDetectionStage, loadInitialRules, type DetectionStage } from '../../src/pipeline/detect.js';
import { createLogger, createMetrics, type Metrics } from '../../src/telemetry/index.js';

function rule(id: string, version: number, field = 'event.action'): string {
  return `id: ${id}
name: reload test
description: hot reload
version: ${version}
severity: low
scope: {datasets: [okta.system]}
detection:
  sel: {${field}: user.session.start}
  condition: sel
`;
}

const store: StateCheckpoint = {
  load: (scopes) => Promise.resolve(new Map([...scopes].map((s) => [s, []]))),
  save: () => Promise.resolve(),
};

interface Harness {
  stage: DetectionStage;
  metrics: Metrics;
  lines: string[];
  /** The parsed "Rules reloaded." log lines so far. */
  reloads(): { files?: string[]; rules?: number; rejected?: number }[];
  version(id: string): number | undefined;
}

function start(dir: string): Harness {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: 'info', format: 'json', destination });
  const metrics = createMetrics({ defaultMetrics: false });
  const config = loadConfig(undefined, {}).rules;
  const stage = createDetectionStage({ config: { ...config, reload: true }, rulesDir: dir, checkpoint: store, log, metrics }, loadInitialRules(dir, log));
  return {
    stage,
    metrics,
    lines,
    reloads: () => lines.filter((l) => l.includes('Rules reloaded.')).map((l) => JSON.parse(l) as { files?: string[]; rules?: number; rejected?: number }),
    version: (id) => stage.rules.find((r) => r.spec.id === id)?.spec.version,
  };
}

const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

/** What `sed -i` and most editors do: write a sibling temp file, rename it over the rule. */
function saveByRename(file: string, text: string): void {
  const temp = `${file}.tmp${Math.random().toString(36).slice(2)}`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

describe('rules hot reload', () => {
  it('sees two rename-saves of the same file in a row, then cat > and touch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-rename-'));
    const file = join(dir, 'r.yml');
    writeFileSync(file, rule('t.a', 1));
    const h = start(dir);
    try {
      saveByRename(file, rule('t.a', 2));
      await waitFor(() => h.version('t.a') === 2, 'the first rename-save to load');
      saveByRename(file, rule('t.a', 3));
      await waitFor(() => h.version('t.a') === 3, 'the second rename-save to load');
      writeFileSync(file, rule('t.a', 4)); // cat > file: same inode, truncated and rewritten
      await waitFor(() => h.version('t.a') === 4, 'the in-place write after two renames to load');
      const before = h.reloads().length;
      const later = new Date(Date.now() + 5_000);
      utimesSync(file, later, later); // touch: nothing changes but the time, the operator still asks for a reload
      await waitFor(() => h.reloads().length > before, 'the touch to reload');
      saveByRename(file, rule('t.a', 5));
      await waitFor(() => h.version('t.a') === 5, 'a third rename-save to load');
      // Every reload names the file that changed, relative to the folder.
      for (const r of h.reloads()) expect(r.files).toEqual(['r.yml']);
    } finally {
      h.stage.close();
    }
  });

  it('watches sub-folders, including ones created after the start, through renames', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-subdir-'));
    mkdirSync(join(dir, 'okta'));
    const nested = join(dir, 'okta', 'n.yml');
    writeFileSync(nested, rule('t.n', 1));
    const h = start(dir);
    try {
      saveByRename(nested, rule('t.n', 2));
      await waitFor(() => h.version('t.n') === 2, 'the nested rename-save to load');
      saveByRename(nested, rule('t.n', 3));
      await waitFor(() => h.version('t.n') === 3, 'the second nested rename-save to load');
      mkdirSync(join(dir, 'later'));
      writeFileSync(join(dir, 'later', 'l.yml'), rule('t.l', 1));
      await waitFor(() => h.version('t.l') === 1, 'a rule in a new folder to load');
      saveByRename(join(dir, 'later', 'l.yml'), rule('t.l', 2));
      await waitFor(() => h.version('t.l') === 2, 'a rename-save in the new folder to load');
      rmSync(join(dir, 'later'), { recursive: true });
      await waitFor(() => h.version('t.l') === undefined, 'the removed folder\'s rule to unload');
      expect(h.reloads().at(-1)?.files).toEqual(['later/l.yml']);
    } finally {
      h.stage.close();
    }
  });

  it('follows a Kubernetes ConfigMap update (the ..data symlink swapped by rename)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-configmap-'));
    // The kubelet's layout: r.yml → ..data/r.yml, ..data → ..2026_v1 (a timestamped folder).
    mkdirSync(join(dir, '..v1'));
    writeFileSync(join(dir, '..v1', 'r.yml'), rule('t.c', 1));
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync('..data/r.yml', join(dir, 'r.yml'));
    const h = start(dir);
    try {
      expect(h.version('t.c')).toBe(1);
      mkdirSync(join(dir, '..v2'));
      writeFileSync(join(dir, '..v2', 'r.yml'), rule('t.c', 2));
      symlinkSync('..v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, '..v1'), { recursive: true });
      await waitFor(() => h.version('t.c') === 2, 'the swapped ConfigMap to load');
      expect(h.reloads().at(-1)?.files).toEqual(['r.yml']);
    } finally {
      h.stage.close();
    }
  });

  it('ignores files that are not rules (editor swap and temp files)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-noise-'));
    writeFileSync(join(dir, 'r.yml'), rule('t.a', 1));
    const h = start(dir);
    try {
      writeFileSync(join(dir, '.r.yml.swp'), 'swap');
      writeFileSync(join(dir, 'notes.txt'), 'text');
      await new Promise((r) => setTimeout(r, 800));
      expect(h.reloads()).toEqual([]);
      writeFileSync(join(dir, 'r.yml'), rule('t.a', 2));
      await waitFor(() => h.version('t.a') === 2, 'the rule edit to load');
      expect(h.reloads().map((r) => r.files)).toEqual([['r.yml']]);
    } finally {
      h.stage.close();
    }
  });

  it('counts rejected files, not issues, in the log, the gauge and the stage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-rejected-'));
    writeFileSync(join(dir, 'a.yml'), rule('t.a', 1));
    writeFileSync(join(dir, 'b.yml'), rule('t.b', 1));
    const h = start(dir);
    try {
      // One file, two issues: two unknown fields.
      saveByRename(join(dir, 'b.yml'), rule('t.b', 2, 'user.nmae').replace('sel: {', 'sel: {source.ipp: 1, '));
      await waitFor(() => h.reloads().length === 1, 'the bad edit to be reloaded');
      expect(h.lines.filter((l) => l.includes('Rule edit rejected'))).toHaveLength(2);
      expect(h.reloads()[0]).toMatchObject({ files: ['b.yml'], rules: 2, rejected: 1 });
      expect(h.version('t.b')).toBe(1); // the previous version keeps running
      expect(h.stage.rejected).toBe(1);
      expect(await h.metrics.registry.getSingleMetricAsString('sift_rules_rejected')).toMatch(/^sift_rules_rejected 1$/m);
      expect(await h.metrics.registry.getSingleMetricAsString('sift_rules_reloads_total')).toMatch(/^sift_rules_reloads_total\{outcome="partial"\} 1$/m);
      saveByRename(join(dir, 'b.yml'), rule('t.b', 3));
      await waitFor(() => h.version('t.b') === 3, 'the fixed file to load');
      expect(h.stage.rejected).toBe(0);
      expect(await h.metrics.registry.getSingleMetricAsString('sift_rules_rejected')).toMatch(/^sift_rules_rejected 0$/m);
    } finally {
      h.stage.close();
    }
  });
});

describe('rules at start (issue 11, point 3)', () => {
  function folder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sift-start-'));
    writeFileSync(join(dir, 'good.yml'), rule('t.good', 1));
    writeFileSync(join(dir, 'bad.yml'), rule('t.bad', 1, 'user.nmae').replace('sel: {', 'sel: {source.ipp: 1, '));
    return dir;
  }
  const quiet = createLogger({ level: 'silent', format: 'json' });

  it('refuses to start on a rule file that does not compile, naming the file, the problem and rules.allow_invalid', () => {
    const dir = folder();
    let thrown: unknown;
    try {
      loadInitialRules(dir, quiet);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    const message = (thrown as Error).message;
    expect(message).toContain('1 rule file does not compile');
    expect(message).toContain(`${join(dir, 'bad.yml')}:8:`);
    expect(message).toContain('unknown field "user.nmae"');
    expect(message).toContain('unknown field "source.ipp"');
    expect(message).toContain('rules.allow_invalid: true');
    expect((thrown as { code?: string }).code).toBe('SIFT_RULES_INVALID');
  });

  it('with allowInvalid, starts with the others and reports the rejected file to the stage and the gauge', async () => {
    const dir = folder();
    const initial = loadInitialRules(dir, quiet, { allowInvalid: true });
    expect(initial.rules.map((r) => r.spec.id)).toEqual(['t.good']);
    expect(initial.rejected).toEqual([join(dir, 'bad.yml')]);
    const metrics = createMetrics({ defaultMetrics: false });
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage({ config: { ...config, reload: false }, rulesDir: dir, checkpoint: store, log: quiet, metrics }, initial);
    expect(stage.rejected).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('sift_rules_rejected')).toMatch(/^sift_rules_rejected 1$/m);
    stage.close();
  });

  it('starts as before when every file compiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-start-ok-'));
    writeFileSync(join(dir, 'good.yml'), rule('t.good', 1));
    expect(loadInitialRules(dir, quiet)).toMatchObject({ rejected: [] });
  });
});
