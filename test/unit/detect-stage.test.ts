/**
 * The pipeline's detection stage: hot reload (a bad edit is rejected and the
 * previous version keeps running), quarantine of a throwing rule, and the
 * state checkpoint handed to the store after each batch.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { EcsEvent } from '../../src/ecs/index.js';
import type { StateCheckpoint, StoredStateEntry } from '../../src/ingest/index.js';
import { createDetectionStage, loadInitialRules } from '../../src/pipeline/detect.js';
import type { Prepared } from '../../src/pipeline/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

function rule(version: number, action: string, field = 'event.action'): string {
  return `id: t.reload
name: reload test
description: hot reload
version: ${version}
severity: low
scope: {datasets: [okta.system]}
detection:
  sel: {${field}: ${action}}
  condition: sel
`;
}

function batch(actions: readonly string[]): Prepared {
  const origins = actions.map((action, i) => {
    const event: EcsEvent = { '@timestamp': '2026-01-01T00:00:00.000Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta', action } };
    return { record: { topic: 't', partition: 0, offset: String(i), timestamp: '0', key: null, value: null }, dataset: 'okta.system', eventIndex: 0, event, future: false };
  });
  return { docs: actions.map((_, i) => ({ index: 'x', id: `id${i}`, source: '{}' })), origins, dead: [] };
}

function memoryStore(): StateCheckpoint & { saved: StoredStateEntry[] } {
  const saved: StoredStateEntry[] = [];
  return {
    saved,
    load: (scopes) => Promise.resolve(new Map([...scopes].map((s) => [s, []]))),
    save: (_scope, entries) => {
      saved.push(...entries);
      return Promise.resolve();
    },
  };
}

function logs(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: 'info', format: 'json', destination }), lines };
}

const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

describe('detection stage', () => {
  it('hot-reloads rules, keeping the previous version when an edit does not compile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-reload-'));
    const file = join(dir, 'r.yml');
    writeFileSync(file, rule(1, 'user.session.start'));
    const { log, lines } = logs();
    const metrics = createMetrics({ defaultMetrics: false });
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage({ config: { ...config, reload: true }, rulesDir: dir, checkpoint: memoryStore(), log, metrics }, loadInitialRules(dir, log));
    try {
      stage.assign(new Set(['t/0']));
      expect(await stage.evaluate('t/0', batch(['user.session.start']))).toHaveLength(1);

      writeFileSync(file, rule(2, 'user.session.start', 'user.nmae'));
      await waitFor(() => lines.some((l) => l.includes('Rule edit rejected')), 'the bad edit to be rejected');
      expect(lines.find((l) => l.includes('Rule edit rejected'))).toContain('user.nmae');
      expect(await stage.evaluate('t/0', batch(['user.session.start']))).toHaveLength(1);
      expect(stage.rules.map((r) => r.spec.version)).toEqual([1]);

      writeFileSync(file, rule(3, 'user.account.lock'));
      await waitFor(() => stage.rules[0]?.spec.version === 3, 'the good edit to load');
      expect(await stage.evaluate('t/0', batch(['user.session.start']))).toHaveLength(0);
      expect(await stage.evaluate('t/0', batch(['user.account.lock']))).toHaveLength(1);
    } finally {
      stage.close();
    }
  });

  it('quarantines a rule that throws and keeps evaluating the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-quarantine-'));
    writeFileSync(join(dir, 'r.yml'), rule(1, 'user.session.start'));
    const { log, lines } = logs();
    const metrics = createMetrics({ defaultMetrics: false });
    const good = loadInitialRules(dir, log).rules;
    const base = good[0];
    if (!base) throw new Error('rule did not load');
    const bomb = {
      ...base,
      spec: { ...base.spec, id: 't.bomb' },
      match: () => {
        throw new Error('boom');
      },
    };
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage({ config: { ...config, reload: false }, rulesDir: dir, checkpoint: memoryStore(), log, metrics }, { rules: [bomb, ...good], rejected: [] });
    stage.assign(new Set(['t/0']));
    const first = await stage.evaluate('t/0', batch(['user.session.start', 'user.session.start']));
    expect(first.map((d) => d.rule.spec.id)).toEqual(['t.reload', 't.reload']);
    expect(await stage.evaluate('t/0', batch(['user.session.start']))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Rule quarantined'))).toHaveLength(1);
    expect(await metrics.registry.getSingleMetricAsString('sift_rules_quarantined_total')).toContain('rule="t.bomb"} 1');
    stage.close();
  });

  it('re-evaluates a failed batch from the checkpoint, so its alert is not lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-invalidate-'));
    writeFileSync(join(dir, 'r.yml'), `${rule(1, 'user.session.start')}threshold: {count: 2, group_by: [event.action], window: 1h}\n`);
    const { log } = logs();
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage(
      { config: { ...config, reload: false }, rulesDir: dir, checkpoint: memoryStore(), log, metrics: createMetrics({ defaultMetrics: false }) },
      loadInitialRules(dir, log),
    );
    stage.assign(new Set(['t/0']));
    const b = batch(['user.session.start', 'user.session.start']);
    expect(await stage.evaluate('t/0', b)).toHaveLength(1);
    // Indexing failed: kafkajs refetches the same records. Without invalidate the
    // windows would already hold them and skip them as replays: no alert at all.
    stage.invalidate('t/0');
    expect(await stage.evaluate('t/0', b)).toHaveLength(1);
    stage.close();
  });

  // A checkpoint is several records, possibly in several requests; a crash between two of them
  // must never leave a watermark ahead of the windows it reflects: the redelivered batch would
  // call its own out-of-order events late and never learn them (an extra "new" alert later).
  it('writes the watermark entry only after the windows it reflects are acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-meta-last-'));
    writeFileSync(join(dir, 'r.yml'), `${rule(1, 'user.session.start')}threshold: {count: 5, group_by: [event.action], window: 1h}\n`);
    const { log } = logs();
    const calls: string[][] = [];
    let acknowledged = 0;
    const store: StateCheckpoint = {
      load: (scopes) => Promise.resolve(new Map([...scopes].map((s) => [s, []]))),
      save: async (_scope, entries) => {
        // The meta entry may only be sent once every earlier save resolved.
        if (entries.some((e) => e.key === '@engine')) expect(acknowledged).toBe(calls.length);
        calls.push(entries.map((e) => e.key));
        await new Promise((r) => setTimeout(r, 5));
        acknowledged++;
      },
    };
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage({ config: { ...config, reload: false }, rulesDir: dir, checkpoint: store, log, metrics: createMetrics({ defaultMetrics: false }) }, loadInitialRules(dir, log));
    stage.assign(new Set(['t/0']));
    await stage.evaluate('t/0', batch(['user.session.start', 'user.session.start']));
    await stage.persist('t/0');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.length).toBeGreaterThan(0);
    expect(calls[0]).not.toContain('@engine');
    expect(calls[1]).toEqual(['@engine']);
    stage.close();
  });

  it('retries reading the state topic, and a failed restore never wedges the partition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-restore-'));
    writeFileSync(join(dir, 'r.yml'), rule(1, 'user.session.start'));
    const { log, lines } = logs();
    let failures = 8;
    const flaky: StateCheckpoint = {
      load: (scopes) => (failures-- > 0 ? Promise.reject(new Error('NOT_LEADER_FOR_PARTITION')) : Promise.resolve(new Map([...scopes].map((s) => [s, []])))),
      save: () => Promise.resolve(),
    };
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage(
      { config: { ...config, reload: false }, rulesDir: dir, checkpoint: flaky, log, metrics: createMetrics({ defaultMetrics: false }), restoreRetryMs: 1 },
      loadInitialRules(dir, log),
    );
    stage.assign(new Set(['t/0'])); // from the group-join event: nobody awaits this restore
    // Six attempts fail: the batch fails (kafkajs would refetch it) instead of hanging…
    await expect(stage.evaluate('t/0', batch(['user.session.start']))).rejects.toThrow('NOT_LEADER_FOR_PARTITION');
    expect(lines.some((l) => l.includes('Could not read rule state'))).toBe(true);
    // …and the refetched batch starts a fresh restore, which succeeds on its third attempt.
    expect(await stage.evaluate('t/0', batch(['user.session.start']))).toHaveLength(1);
    stage.close();
  });
});
