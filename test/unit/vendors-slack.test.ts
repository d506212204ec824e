import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leafPaths } from '../../src/ecs/index.js';
import { sourceFor } from '../../src/ingest/index.js';
import { prepareRecords, type PreparedOutcome } from '../helpers/prepared.js';
import { complianceSuite } from '../helpers/compliance.js';
import { CORPUS, elasticExpected, pantherLogs } from '../helpers/corpus.js';

const opts = { original: undefined };
const slack = sourceFor('slack');
if (!slack) throw new Error('no slack source');

function normalize(raw: unknown) {
  return slack!.normalize(raw, opts);
}

const elasticInputs = (): unknown[] =>
  readFileSync(join(CORPUS, 'elastic/slack/audit/test-audit.log'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);

describe('slack compliance', () => {
  complianceSuite('slack', () => [
    ...elasticInputs(),
    { entries: elasticInputs(), response_metadata: { next_cursor: 'dXNlcjpVMEc5V0ZYTlo=' } },
    ...pantherLogs('slack_rules').map((p) => p.test.log),
  ]);
});

/** Every leaf of Elastic's output except what Sift leaves to others (GeoIP, UA parsing) or ignores. */
const UNCLAIMED = [/^ecs\./, /^tags$/, /^event\.(original|ingested)$/, /^source\.(geo|as)\./, /^user_agent\.(?!original$)/];

const sorted = (v: unknown): string => JSON.stringify(Array.isArray(v) ? v.map((x) => JSON.stringify(x)).sort() : v);

describe('slack.audit against Elastic expected documents', () => {
  const { expected } = elasticExpected('slack', 'audit', 'test-audit.log');

  it('matches every claimed field of every expected document', () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const doc of expected) {
      const r = normalize(JSON.parse((doc['event'] as { original: string }).original));
      expect(r.ok).toBe(true);
      if (r.ok !== true) continue;
      const ours = leafPaths(r.event);
      for (const [path, value] of leafPaths(doc)) {
        if (UNCLAIMED.some((re) => re.test(path))) continue;
        compared++;
        const got = ours.get(path);
        const same = path === '@timestamp' ? got === value || Date.parse(String(got)) === Date.parse(String(value)) : sorted(got) === sorted(value);
        if (!same) mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
      }
    }
    expect(compared).toBeGreaterThan(140);
    expect(mismatches).toEqual([]);
  });

  it('keeps the microseconds of an anomaly action_timestamp', () => {
    const doc = expected.find((d) => (d['event'] as { id?: string }).id === 'abc8e17e-c081-4b82-a515-4c54674e3de4');
    const r = normalize(JSON.parse((doc?.['event'] as { original: string }).original));
    expect(r.ok && r.event['@timestamp']).toBe('2023-07-13T12:01:56.345113Z');
  });

  it('categorizes login, user creation, file and malware actions as Elastic does', () => {
    const byAction = new Map(expected.map((d) => [(d['event'] as { action: string }).action, d['event'] as Record<string, unknown>]));
    for (const action of ['user_login', 'user_created', 'file_downloaded', 'file_malicious_content_detected', 'anomaly']) {
      const ev = byAction.get(action);
      const r = normalize(JSON.parse(String(ev?.['original'])));
      if (r.ok !== true) throw new Error(`${action} failed`);
      expect(r.event.event.category, action).toEqual(ev?.['category']);
      expect(new Set(r.event.event.type), action).toEqual(new Set(ev?.['type'] as string[]));
      expect(r.event.event.outcome, action).toEqual(ev?.['outcome']);
    }
  });

  it('uses the entry id as the vendor id and always emits slack.audit', () => {
    for (const raw of elasticInputs()) {
      const r = normalize(raw);
      if (r.ok !== true) throw new Error('normalize failed');
      expect(r.vendorId).toBe((raw as { id: string }).id);
      expect(r.event.event.dataset).toBe('slack.audit');
      expect(r.event.event.module).toBe('slack');
    }
  });
});

describe('slack.audit mapping details', () => {
  const base = {
    id: 'e1',
    date_create: 1700000000,
    action: 'role_change_to_admin',
    actor: { type: 'user', user: { id: 'U1', name: 'Ada Admin', email: 'ada@example.com' } },
    context: { location: { type: 'workspace', id: 'T1', name: 'Acme', domain: 'acme' }, ua: 'UA/1.0', ip_address: '198.51.100.7', session_id: 12345 },
  };

  it('puts a user entity in user.target and the actor in user, related.user and source', () => {
    const r = normalize({ ...base, entity: { type: 'user', user: { id: 'U2', name: 'Bob', email: 'bob@example.com', team: 'T1' } } });
    if (r.ok !== true) throw new Error('failed');
    expect(r.event['@timestamp']).toBe('2023-11-14T22:13:20.000Z');
    expect(r.event['user']).toEqual({ id: 'U1', full_name: 'Ada Admin', email: 'ada@example.com', target: { id: 'U2', full_name: 'Bob', email: 'bob@example.com' } });
    expect(r.event['source']).toEqual({ address: '198.51.100.7', ip: '198.51.100.7' });
    expect(r.event['related']).toMatchObject({ user: ['U1', 'ada@example.com'], ip: ['198.51.100.7'] });
    expect(r.event.event).toMatchObject({ category: ['iam'], type: ['change', 'user', 'admin'] });
    const audit = (r.event['slack'] as { audit: Record<string, unknown> }).audit;
    expect(audit['context']).toEqual({ id: 'T1', name: 'Acme', domain: 'acme', type: 'workspace', session_id: '12345' });
    expect(audit['entity']).toMatchObject({ entity_type: 'user', id: 'U2', team: 'T1' });
  });

  it('maps app entities and keeps every details key flattened', () => {
    const log = pantherLogs('slack_rules').find((p) => p.test.name === 'App Installed')?.test.log;
    const r = normalize(log);
    if (r.ok !== true) throw new Error('failed');
    const audit = (r.event['slack'] as { audit: Record<string, Record<string, unknown>> }).audit;
    expect(audit['entity']).toEqual({ entity_type: 'app', id: 'A012F34BFEF', name: 'app-name', is_distributed: false, is_directory_approved: false, scopes: ['admin'] });
    expect(audit['details']).toEqual({ flattened: { app_owner_id: 'W012J3AEWAU', is_internal_integration: true } });
    expect((r.event['user'] as { target?: unknown }).target).toBeUndefined();
    expect(r.event.event.type).toEqual(['info']);
    expect(r.event.event.category).toBeUndefined();
  });

  it('sets file.hash.md5 and related.hash for a malicious file', () => {
    const r = normalize({ ...base, action: 'file_malicious_content_detected', entity: { type: 'file', file: { id: 'F1', name: 'x.zip' } }, details: { md5_hash: 'abc' } });
    if (r.ok !== true) throw new Error('failed');
    expect(r.event['file']).toEqual({ hash: { md5: 'abc' } });
    expect((r.event['related'] as { hash: string[] }).hash).toEqual(['abc']);
  });

  it('reads the entity under the key its type names, and drops an invalid IP', () => {
    const r = normalize({ ...base, context: { ip_address: 'not-an-ip' }, entity: { type: 'channel', channel: { id: 'C1', name: 'general', privacy: 'public', is_shared: true, teams_shared_with: ['T2'] } } });
    if (r.ok !== true) throw new Error('failed');
    expect(r.event['source']).toEqual({ address: 'not-an-ip' });
    expect(r.event['related']).toEqual({ user: ['U1', 'ada@example.com'] });
    expect((r.event['slack'] as { audit: { entity: unknown } }).audit.entity).toEqual({ entity_type: 'channel', id: 'C1', name: 'general', privacy: 'public', is_shared: true, teams_shared_with: ['T2'] });
  });
});

describe('slack timestamps', () => {
  it('refuses a missing or unparsable date_create instead of using the clock', () => {
    expect(normalize({ id: 'x', action: 'user_login' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP', path: '$.date_create' });
    expect(normalize({ id: 'x', date_create: 'yesterday' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP', path: '$.date_create' });
    expect(normalize({ id: 'x', date_create: { s: 1 } })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
    expect(normalize({ id: 'x', date_create: 1e300 })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
  });

  it('reads epoch seconds as numbers or digit strings, and Panther-style UTC strings', () => {
    const at = (date_create: unknown) => {
      const r = normalize({ id: 'x', date_create });
      return r.ok ? r.event['@timestamp'] : r.code;
    };
    expect(at(1521214343)).toBe('2018-03-16T15:32:23.000Z');
    expect(at('1521214343')).toBe('2018-03-16T15:32:23.000Z');
    expect(at('2021-06-08 22:16:15')).toBe('2021-06-08T22:16:15.000Z');
    expect(at('2024-08-19 13:54:53.000000000')).toBe('2024-08-19T13:54:53.000Z');
  });

  it('prefers details.action_timestamp (milliseconds or microseconds)', () => {
    const ms = normalize({ date_create: 1, details: { action_timestamp: 1673631621862 } });
    expect(ms.ok && ms.event['@timestamp']).toBe('2023-01-13T17:40:21.862Z');
    const us = normalize({ date_create: 1, details: { action_timestamp: 1724075641026703 } });
    expect(us.ok && us.event['@timestamp']).toBe('2024-08-19T13:54:01.026703Z');
  });

  it('normalizes every Panther Slack event that has a date_create, and refuses the others', () => {
    const logs = pantherLogs('slack_rules');
    expect(logs.length).toBeGreaterThan(40);
    let ok = 0;
    for (const { rule, test } of logs) {
      const r = normalize(test.log);
      if ((test.log as { date_create?: unknown }).date_create !== undefined) {
        expect(r.ok, `${rule}/${test.name}`).toBe(true);
        if (r.ok === true) ok++;
      } else {
        expect(r, `${rule}/${test.name}`).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
      }
    }
    expect(ok).toBeGreaterThan(25);
  });
});

describe('slack explode', () => {
  it('splits an audit/v1/logs page into its entries and passes a single entry through', () => {
    const entries = elasticInputs();
    expect(slack.explode({ entries, response_metadata: { next_cursor: '' } })).toEqual(entries);
    expect(slack.explode({ entries: [] })).toMatchObject({ ok: false, code: 'SIFT_DECODE_NO_EVENTS', path: '$.entries' });
    expect(slack.explode(entries[0])).toEqual([entries[0]]);
  });

  it('refuses what is not an entry or a page', () => {
    expect(slack.explode('text')).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    expect(slack.explode(null)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    expect(slack.explode({ entries: { a: 1 } })).toMatchObject({ ok: false, code: 'SIFT_DECODE_UNKNOWN_SOURCE', path: '$.entries' });
    expect(normalize([1, 2])).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });
});

/** One record through the batch stage: each document as dataset:action, each dead letter as written. */
function prepared(value: unknown): Omit<PreparedOutcome, 'ids'> {
  const { actions, dead } = prepareRecords('slack', [JSON.stringify(value)]);
  return { actions, dead };
}

describe('slack: every record is indexed or dead-lettered (issue 9)', () => {
  const entry = { id: 'e-9', date_create: 1700000000, action: 'user_login', actor: { type: 'user', user: { id: 'U1', name: 'Ada', email: 'ada@example.com' } }, entity: { type: 'user', user: { id: 'U1', name: 'Ada' } }, context: { location: { type: 'workspace', id: 'T1' }, ip_address: '198.51.100.7' } };

  it('indexes an audit entry that also carries an empty "entries" key', () => {
    expect(prepared({ ...entry, entries: [] })).toEqual({ actions: ['slack.audit:user_login'], dead: [] });
  });

  it('dead-letters a page with no entries', () => {
    expect(prepared({ entries: [], response_metadata: { next_cursor: '' } })).toEqual({ actions: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path: '$.entries', eventIndex: 0 }] });
  });
});
