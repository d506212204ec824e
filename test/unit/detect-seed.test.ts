/**
 * The detection stage seeds new_terms rules (src/pipeline/new-terms-seed.ts
 * reads Elasticsearch; here a stub seeder stands in for it): at start, and
 * on a hot reload only the new_terms rules that are new or changed; batches
 * wait for the seeds, so no event meets a half-read baseline.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { EcsEvent } from '../../src/ecs/index.js';
import type { StateCheckpoint } from '../../src/ingest/index.js';
import { createDetectionStage, loadInitialRules } from '../../src/pipeline/detect.js';
import type { Prepared } from '../../src/pipeline/index.js';
import type { CompiledRule, NewTermsSeed } from '../../src/rules/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';

const T = Date.parse('2026-06-01T12:00:00.000Z');

function newCountryRule(id: string, version = 1): string {
  return `id: ${id}
name: new country
description: a country new for the user
version: ${version}
severity: low
scope: {datasets: [okta.system]}
detection:
  ok: {event.action: user.session.start, event.outcome: success}
  condition: ok
new_terms: {fields: [client.geo.country_name], group_by: [user.name], history: 14d}
`;
}

const THRESHOLD = `id: t.threshold
name: many sign-ins
description: not a new_terms rule, never seeded
version: 1
severity: low
scope: {datasets: [okta.system]}
detection:
  ok: {event.action: user.session.start}
  condition: ok
threshold: {count: 100, group_by: [user.name], window: 1h}
`;

function signIns(countries: readonly string[]): Prepared {
  const origins = countries.map((country, i) => {
    const event: EcsEvent = {
      '@timestamp': new Date(T + i * 1000).toISOString(),
      event: { kind: 'event', dataset: 'okta.system', module: 'okta', action: 'user.session.start', outcome: 'success' },
      user: { name: 'alice' },
      client: { geo: { country_name: country } },
    };
    return { record: { topic: 't', partition: 0, offset: String(i), timestamp: String(T), key: null, value: null }, dataset: 'okta.system', eventIndex: 0, event, future: false };
  });
  return { docs: countries.map((_, i) => ({ index: 'x', id: `id${i}`, source: '{}' })), origins, dead: [] };
}

const noState: StateCheckpoint = { load: (scopes) => Promise.resolve(new Map([...scopes].map((s) => [s, []]))), save: () => Promise.resolve() };
const quietLog = () => createLogger({ level: 'silent', format: 'json', destination: new Writable({ write: (_c, _e, done) => done() }) });

/** History knows alice from Netherlands a day before. */
const aliceFromNl: NewTermsSeed = { tuples: new Map([['["alice","Netherlands"]', [T - 86_400_000, T - 86_400_000]]]), groups: new Map([['["alice"]', [T - 86_400_000, T - 86_400_000]]]) };

describe('detection stage: new_terms seeding', () => {
  it('seeds new_terms rules at start, waits for the seed before evaluating, and reseeds only new or changed rules on reload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-seed-'));
    writeFileSync(join(dir, 'a.yml'), newCountryRule('t.country-a'));
    writeFileSync(join(dir, 'threshold.yml'), THRESHOLD);
    const asked: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const seeder = async (rule: CompiledRule): Promise<NewTermsSeed | undefined> => {
      asked.push(`${rule.spec.id}@${rule.spec.version}`);
      await gate;
      return aliceFromNl;
    };
    const log = quietLog();
    const config = loadConfig(undefined, {}).rules;
    const stage = createDetectionStage({ config: { ...config, reload: true }, rulesDir: dir, checkpoint: noState, log, metrics: createMetrics({ defaultMetrics: false }), seedNewTerms: seeder }, loadInitialRules(dir, log));
    try {
      stage.assign(new Set(['t/0']));
      expect(asked).toEqual(['t.country-a@1']);
      // The batch waits for the seed: alice's first sign-in from Brazil is new at once, Netherlands is known.
      const pending = stage.evaluate('t/0', signIns(['Brazil', 'Netherlands']));
      release();
      expect((await pending).map((d) => d.groupKey)).toEqual(['["alice","Brazil"]']);

      writeFileSync(join(dir, 'b.yml'), newCountryRule('t.country-b'));
      for (let i = 0; i < 100 && !asked.includes('t.country-b@1'); i++) await new Promise((r) => setTimeout(r, 50));
      // The unchanged rule keeps its seed; the threshold rule is never seeded.
      expect(asked).toEqual(['t.country-a@1', 't.country-b@1']);
      writeFileSync(join(dir, 'a.yml'), newCountryRule('t.country-a', 2));
      for (let i = 0; i < 100 && !asked.includes('t.country-a@2'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(asked).toEqual(['t.country-a@1', 't.country-b@1', 't.country-a@2']);
    } finally {
      stage.close();
    }
  });
});
