/**
 * Lookup tables reload with the rules (issue 13, construct 1): saving a
 * table recompiles the rules that use it; a table that no longer loads keeps
 * its last good version running (inside the previous rules) and is counted as
 * rejected, like a rule edit that does not compile.
 */
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { EcsEvent } from '../../src/ecs/index.js';
import type { StateCheckpoint } from '../../src/ingest/index.js';
import { createDetectionStage, loadInitialRules } from '../../src/pipeline/detect.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const RULE = `id: t.vip
name: vip
description: vip
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  sel: {user.name|in_lookup: vips}
  condition: sel
`;
const store: StateCheckpoint = { load: (scopes) => Promise.resolve(new Map([...scopes].map((s) => [s, []]))), save: () => Promise.resolve() };
const ev = (name: string): EcsEvent => ({ '@timestamp': '2024-01-01T00:00:00Z', event: { kind: 'event', dataset: 'okta.system' }, user: { name } }) as unknown as EcsEvent;
const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};
const save = (file: string, text: string): void => {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
};

describe('lookup table hot reload', () => {
  it('a saved table recompiles its rules; a broken one keeps the last good table and is counted as rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-lookup-reload-'));
    mkdirSync(join(dir, 'lookups'));
    const table = join(dir, 'lookups', 'vips.csv');
    writeFileSync(table, 'user\nalice\n');
    writeFileSync(join(dir, 'r.yml'), RULE);
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage({ config: { ...config, reload: true }, rulesDir: dir, checkpoint: store, log, metrics: createMetrics({ defaultMetrics: false }) }, loadInitialRules(dir, log));
    const matches = (name: string): boolean => stage.rules[0]?.match(ev(name)) === true;
    try {
      expect([matches('alice'), matches('bob')]).toEqual([true, false]);
      save(table, 'user\nalice\nbob\n');
      await waitFor(() => matches('bob'), 'the saved table to reload');
      save(table, 'user\nalice\n"carol\n'); // unclosed quote: does not load
      await waitFor(() => stage.rejected === 2, 'the broken table to be rejected');
      // The table file and the rule that uses it are both rejected; the last good table (alice, bob) keeps running.
      expect([matches('alice'), matches('bob'), matches('carol')]).toEqual([true, true, false]);
      expect(lines.some((l) => l.includes('vips.csv:3:1 lookup table \\"vips\\": a quoted field is never closed'))).toBe(true);
      save(table, 'user\ncarol\n');
      await waitFor(() => stage.rejected === 0 && matches('carol'), 'the fixed table to load');
      expect(matches('bob')).toBe(false);
    } finally {
      stage.close();
    }
  });
});
