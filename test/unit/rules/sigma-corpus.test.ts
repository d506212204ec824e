/**
 * The SigmaHQ corpus (shared/corpus/sigma): the importer's acceptance bar.
 * At least 85% of the rules under the rules, rules-emerging-threats and rules-threat-hunting folders convert; every converted file
 * re-parses to the document that was written, names only fields the ECS
 * catalog declares for its datasets, and carries the DRL attribution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileRule, fieldType, parseRuleFile } from '../../../src/rules/index.js';
import { buildReport, convertSigma, findSigmaFiles, type ConvertResult, type SiftRuleDoc } from '../../../src/rules/sigma/index.js';
import { CORPUS, corpusAvailable } from '../../helpers/corpus.js';

const ROOT = join(CORPUS, 'sigma');

interface Converted {
  readonly path: string;
  readonly result: ConvertResult;
}

function convertAll(): { entries: Converted[]; skipped: { path: string; reason: string }[] } {
  const files = findSigmaFiles(ROOT);
  const entries = files.files.map((path) => ({ path, result: convertSigma(readFileSync(join(files.root, path), 'utf8'), path) }));
  return { entries, skipped: [...files.skipped] };
}

/** The ECS field of a Sift detection key (`field|op|flags`). */
const fieldOfKey = (key: string): string => key.split('|')[0] as string;

function fieldsOf(doc: SiftRuleDoc): string[] {
  const out: string[] = [...(doc.output?.fields ?? [])];
  for (const [name, sel] of Object.entries(doc.detection)) {
    if (name === 'condition' || typeof sel === 'string') continue;
    for (const map of Array.isArray(sel) ? sel : [sel]) out.push(...Object.keys(map as object).map(fieldOfKey));
  }
  return out;
}

describe.runIf(corpusAvailable())('SigmaHQ corpus', () => {
  const { entries, skipped } = convertAll();
  const converted = entries.flatMap((e) => (e.result.ok ? [{ path: e.path, ...e.result }] : []));

  it('reads only the rules* folders and says which folders it skipped', () => {
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => /^rules(-[a-z-]+)?\//.test(e.path))).toBe(true);
    expect(entries.some((e) => e.path.startsWith('rules-placeholder/'))).toBe(false);
    expect(skipped.map((s) => s.path)).toEqual(expect.arrayContaining(['rules-placeholder/', 'unsupported/']));
  });

  it('converts at least 85% of the rules', () => {
    const report = buildReport(entries, skipped);
    expect(report.total).toBe(entries.length);
    expect(report.converted / report.total).toBeGreaterThanOrEqual(0.85);
  });

  it('writes files that re-parse to the document, with the attribution header', () => {
    for (const c of converted) {
      expect(parse(c.yaml), c.path).toEqual(JSON.parse(JSON.stringify(c.rule.doc)));
      expect(c.yaml.startsWith(`# converted from Sigma ${c.path} (DRL 1.1, SigmaHQ)\n`), c.path).toBe(true);
      expect(c.yaml, c.path).toContain(`author: `);
    }
  });

  it('compiles every converted rule with Sift\'s compiler, without issues', () => {
    for (const c of converted) {
      const parsed = parseRuleFile(c.yaml, c.path);
      expect(parsed.issues, c.path).toEqual([]);
      const compiled = parsed.rule && compileRule(parsed.rule);
      expect(compiled?.issues, c.path).toEqual([]);
      expect(compiled?.rule?.spec.datasets, c.path).toEqual(c.rule.doc.scope.datasets);
    }
  });

  it('names only fields the ECS catalog declares for the rule datasets', () => {
    for (const c of converted) {
      for (const field of fieldsOf(c.rule.doc)) {
        for (const ds of c.rule.doc.scope.datasets) expect(fieldType(field, ds), `${c.path}: ${field} in ${ds}`).toBeDefined();
      }
    }
  });

  it('gives every rule a distinct, valid, stable id', () => {
    const ids = converted.map((c) => c.rule.doc.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^sigma\.[a-z0-9][a-z0-9._-]{2,121}$/);
    const again = convertAll().entries.flatMap((e) => (e.result.ok ? [e.result.yaml] : []));
    expect(again).toEqual(converted.map((c) => c.yaml));
  });

  it('reports each unsupported rule with the reason', () => {
    const reasons = Object.fromEntries(entries.flatMap((e) => (e.result.ok ? [] : [[e.path.split('/').pop(), e.result.reason]])));
    expect(reasons).toEqual({
      'aws_delete_saml_provider.yml': 'field status has no ECS mapping',
      'aws_update_login_profile.yml': 'modifier fieldref compares two fields of one event; Sift tests fields against literal values',
      'gcp_breakglass_container_workload_deployed.yml': 'field data.protoPayload.resource.type has no ECS mapping',
      'okta_new_behaviours_admin_console.yml': expect.stringContaining('field debugContext.debugData.behaviors: Sift parses this text into an object'),
      'okta_password_in_alternateid_field.yml': expect.stringContaining('field legacyEventType has no ECS mapping'),
    });
  });

  it('reports the rules Sigma itself cannot run, when pointed at them, and imports their count() aggregations', () => {
    const dir = join(ROOT, 'unsupported', 'cloud');
    const files = findSigmaFiles(dir);
    const results = Object.fromEntries(files.files.map((f) => [f, convertSigma(readFileSync(join(dir, f), 'utf8'), f)]));
    const outcome = (r: ConvertResult): unknown => (r.ok ? (r.rule.doc.threshold ?? r.rule.doc.cardinality) : r.kind);
    // By hand from each file's `condition` and `timeframe`: `> n` is a threshold of n + 1.
    expect(Object.fromEntries(Object.entries(results).map(([f, r]) => [f, outcome(r)]))).toEqual({
      'aws_ec2_download_userdata.yml': { count: 11, window: '30m' },
      'aws_enum_backup.yml': { count: 6, window: '10m' },
      'aws_enum_listing.yml': { count: 51, window: '10m' },
      'aws_enum_network.yml': { count: 6, window: '10m' },
      'aws_enum_storage.yml': { count: 6, window: '10m' },
      'aws_lambda_function_created_or_invoked.yml': 'aggregation',
      'aws_macic_evasion.yml': { count: 6, group_by: ['source.address'], window: '10m' },
      'aws_ses_messaging_enabled.yml': 'aggregation',
    });
    const placeholder = findSigmaFiles(join(ROOT, 'rules-placeholder'));
    for (const f of placeholder.files) {
      const r = convertSigma(readFileSync(join(placeholder.root, f), 'utf8'), f);
      expect(r.ok ? '' : r.reason, f).toMatch(/modifier expand expands %placeholders%/);
    }
  });
});
