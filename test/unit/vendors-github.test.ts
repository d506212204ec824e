import { describe, expect, it } from 'vitest';
import { fieldsOf, leafPaths, type EcsEvent } from '../../src/ecs/index.js';
import type { NormalizeResult } from '../../src/ingest/normalize/result.js';
import { GITHUB, explodeGithub, normalizeGithubAudit } from '../../src/ingest/normalize/vendors/github/index.js';
import { BOOLEAN_KEYS, ID_KEYS, KEYWORD_KEYS, LIST_KEYS, LONG_KEYS } from '../../src/ingest/normalize/vendors/github/fields.js';
import { prepareRecords, type PreparedOutcome } from '../helpers/prepared.js';
import { complianceSuite } from '../helpers/compliance.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

const opts = { original: undefined };
const PAIRS = ['test-api-request-events.log', 'test-enterprise-audit-eventhub.log'];

function inputLines(file: string): string[] {
  return elasticExpected('github', 'audit', file)
    .input.split('\n')
    .filter((l) => l.trim() !== '');
}

/** GitHub.Audit events of the Panther corpus (github_rules also holds GitHub.Webhook payloads). */
function pantherAudit(): unknown[] {
  return pantherLogs('github_rules', 'standard_rules')
    .filter(({ test }) => {
      const t = test as { log_type?: string; log: { p_log_type?: string } };
      const type = t.log.p_log_type ?? t.log_type;
      return type === undefined ? !('sender' in t.log) && 'action' in t.log : type === 'GitHub.Audit';
    })
    .map((p) => p.test.log);
}

function ok(r: NormalizeResult): EcsEvent {
  if (r.ok !== true) throw new Error(`normalize failed: ${r.code} ${r.message}`);
  return r.event;
}

const canon = (v: unknown): string => (Array.isArray(v) ? JSON.stringify(v.map(canon).sort()) : typeof v === 'number' ? String(v) : JSON.stringify(v));

describe('github compliance', () => {
  complianceSuite('github', () => [...PAIRS.flatMap((f) => inputLines(f).map((l) => JSON.parse(l) as unknown)), ...pantherLogs('github_rules').map((p) => p.test.log), ...pantherAudit()]);
});

describe('github.audit against Elastic expected documents', () => {
  // user_agent.* parsing is done centrally; tags/ecs.version/data_stream are Fleet bookkeeping.
  const NOT_CLAIMED = /^(user_agent\.(name|version|os\.|device\.)|tags$|ecs\.version$|data_stream\.)/;

  for (const file of PAIRS) {
    it(`matches every claimed field of ${file}`, () => {
      const { expected } = elasticExpected('github', 'audit', file);
      let compared = 0;
      const mismatches: string[] = [];
      for (const doc of expected) {
        const original = (doc['event'] as { original: string }).original;
        const ours = leafPaths(ok(normalizeGithubAudit(JSON.parse(original), { original })));
        for (const [path, raw] of leafPaths(doc)) {
          if (NOT_CLAIMED.test(path)) continue;
          // This corpus copy of the Event Hubs pair predates Elastic adding
          // actor_id to related.user (its later expected file has it, as the
          // API-request pair does); Sift follows the current pipeline.
          const actorId = String((JSON.parse(original) as { actor_id?: unknown }).actor_id);
          const value = file === 'test-enterprise-audit-eventhub.log' && path === 'related.user' && Array.isArray(raw) ? [...raw, actorId] : raw;
          compared++;
          if (canon(ours.get(path)) !== canon(value)) mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(ours.get(path))}`);
        }
      }
      expect(compared).toBeGreaterThan(40);
      expect(mismatches).toEqual([]);
    });
  }

  it('keeps ids as keyword text, splits token scopes and reads the API request fields', () => {
    const [line] = inputLines('test-api-request-events.log');
    const e = ok(normalizeGithubAudit(JSON.parse(line ?? ''), opts));
    expect(e['github']).toMatchObject({
      actor_id: '11111',
      business_id: '222222',
      org_id: '3333333',
      token_id: '555555',
      token_scopes: ['repo', 'read:org'],
      status_code: 200,
      route: '/repos/{owner}/{repo}/pulls',
      hashed_token: 'E8Fzcgs3TQXqhrKKC/qNR+2XZnaK3ykQBSAt1kPMiJs=',
    });
    expect(e.event.outcome).toBe('success');
    expect(e['organization']).toEqual({ id: '3333333', name: 'user-delete' });
  });

  it('uses _document_id as the vendor id and github.audit as the dataset', () => {
    const r = normalizeGithubAudit(JSON.parse(inputLines('test-enterprise-audit-eventhub.log')[0] ?? ''), opts);
    expect(r.ok && r.vendorId).toBe('Nm4EoecTsz6kAS-87bAEfA');
    expect(r.ok && r.event.event.dataset).toBe('github.audit');
    const noId = normalizeGithubAudit({ action: 'repo.create', actor: 'a', created_at: 1583364251067 }, opts);
    expect(noId.ok && noId.vendorId).toBeUndefined();
  });
});

describe('github.audit mapping of legacy (REST API) entries, as Elastic maps them', () => {
  const base = { actor: 'octo-admin', org: 'octo-org', created_at: 1611618266125 };

  it('org.* actions: iam, group and user types, organization as the group', () => {
    const e = ok(normalizeGithubAudit({ ...base, action: 'org.add_member', user: 'new-hire', actor_location: { country_code: 'DE' } }, opts));
    expect(e.event.category).toEqual(['configuration', 'web', 'iam']);
    expect(e.event.type).toEqual(['group', 'user', 'creation']);
    expect(e['group']).toEqual({ name: 'octo-org' });
    expect(e['user']).toEqual({ name: 'octo-admin', target: { name: 'new-hire', group: { name: 'octo-org' } } });
    expect(e['related']).toEqual({ user: ['octo-admin', 'new-hire'] });
    expect(e['client']).toEqual({ geo: { country_iso_code: 'DE' } });
    expect(e['source']).toEqual({ geo: { country_iso_code: 'DE' } });
    expect(e['@timestamp']).toBe('2021-01-25T23:44:26.125Z');
  });

  it('team.* actions take the team from data.team; the target user gets it as group only when there is one', () => {
    const add = ok(normalizeGithubAudit({ ...base, action: 'team.add_repository', data: { team: 'octo-org/admins' }, repo: 'octo-org/r' }, opts));
    expect(add['group']).toEqual({ name: 'octo-org/admins' });
    expect(add['github']).toMatchObject({ team: 'octo-org/admins', category: 'team', repo: 'octo-org/r' });
    expect(add['user']).toEqual({ name: 'octo-admin' });
    const remove = ok(normalizeGithubAudit({ ...base, action: 'team.remove_member', team: 'octo-org/devs', user: 'leaver' }, opts));
    expect(remove.event.type).toEqual(['group', 'user', 'deletion']);
    expect((remove['user'] as { target: unknown }).target).toEqual({ name: 'leaver', group: { name: 'octo-org/devs' } });
  });

  it('data.old_user becomes user.target.group.name; workflow data keeps its ids as text', () => {
    const t = ok(normalizeGithubAudit({ ...base, action: 'repo.transfer', data: { old_user: 'previous-owner' } }, opts));
    expect(t['user']).toEqual({ name: 'octo-admin', target: { group: { name: 'previous-owner' } } });
    expect(t.event.type).toEqual(['change']);
    const w = ok(
      normalizeGithubAudit(
        { ...base, action: 'workflows.delete_workflow_run', data: { workflow_id: 5295458, head_branch: 'main', started_at: '2021-02-25T23:29:00.000Z', event: 'push', workflow_run_id: 601065160, run_attempt: 2 } },
        opts,
      ),
    );
    expect(w.event.type).toEqual(['deletion']);
    expect((w['github'] as Record<string, unknown>)['data']).toEqual({ event: 'push', head_branch: 'main', workflow_id: '5295458', workflow_run_id: '601065160', started_at: '2021-02-25T23:29:00.000Z' });
    expect((w['github'] as Record<string, unknown>)['flattened']).toEqual({ data: { run_attempt: 2 } });
  });

  it('uses operation_type only where the action wording decides nothing', () => {
    const types = (action: string, operation_type?: string): unknown => ok(normalizeGithubAudit({ ...base, action, operation_type }, opts)).event.type;
    expect(types('repo.destroy')).toEqual(['change']);
    expect(types('repo.destroy', 'remove')).toEqual(['deletion']);
    expect(types('git.clone', 'access')).toEqual(['access']);
    expect(types('repo.add_member', 'modify')).toEqual(['creation']);
    const sso = ok(normalizeGithubAudit({ ...base, action: 'business.sso_response', operation_type: 'authentication' }, opts));
    expect(sso.event.category).toEqual(['configuration', 'web', 'authentication']);
    expect(sso.event.type).toEqual(['info']);
  });

  it('maps actor_ip to source/client/related and drops one that is not an address', () => {
    const e = ok(normalizeGithubAudit({ ...base, action: 'git.clone', actor_ip: '5.6.7.8', actor_id: 42, user: '', user_id: 0 }, opts));
    expect(e['source']).toEqual({ ip: '5.6.7.8' });
    expect(e['related']).toEqual({ user: ['octo-admin', '42'], ip: ['5.6.7.8'] });
    expect((e['github'] as Record<string, unknown>)['actor_ip']).toBe('5.6.7.8');
    expect(e['user']).toEqual({ id: '42', name: 'octo-admin' });
    const bad = ok(normalizeGithubAudit({ ...base, action: 'git.clone', actor_ip: 'not-an-ip' }, opts));
    expect(bad['source']).toBeUndefined();
    expect(bad['related']).toEqual({ user: ['octo-admin'] });
  });

  it('keeps per-action keys with no named field in github.flattened, without Panther metadata', () => {
    const e = ok(normalizeGithubAudit({ ...base, action: 'hook.create', config: { url: 'https://x.test' }, p_log_type: 'GitHub.Audit', hook_id: 12 }, opts));
    expect((e['github'] as Record<string, unknown>)['flattened']).toEqual({ config: { url: 'https://x.test' } });
    expect((e['github'] as Record<string, unknown>)['hook_id']).toBe('12');
  });

  it('declares every github.* key it copies', () => {
    const names = new Set((fieldsOf('github.audit') ?? []).map((f) => f.name));
    for (const key of [...KEYWORD_KEYS, ...ID_KEYS, ...BOOLEAN_KEYS, ...LONG_KEYS, ...LIST_KEYS]) expect(names, key).toContain(`github.${key}`);
  });
});

describe('github.audit timestamps', () => {
  const t = (entry: Record<string, unknown>): NormalizeResult => normalizeGithubAudit({ action: 'repo.create', actor: 'a', ...entry }, opts);

  it('reads @timestamp first, then created_at; epoch ms as number or text, ISO and Panther text', () => {
    expect(ok(t({ '@timestamp': 1741611465102, created_at: 1 }))['@timestamp']).toBe('2025-03-10T12:57:45.102Z');
    expect(ok(t({ created_at: '1621305118553.0' }))['@timestamp']).toBe('2021-05-18T02:31:58.553Z');
    expect(ok(t({ created_at: '2022-08-16 16:56:49.309' }))['@timestamp']).toBe('2022-08-16T16:56:49.309Z');
    expect(ok(t({ created_at: '2021-05-18T04:31:58.553+02:00' }))['@timestamp']).toBe('2021-05-18T02:31:58.553Z');
    expect(ok(t({ at_sign_timestamp: '2024-04-09 06:17:55.186000000', created_at: '2024-03-13 22:36:27.788' }))['@timestamp']).toBe('2024-04-09T06:17:55.186Z');
    // An unreadable @timestamp falls back to created_at, GitHub's other event time.
    expect(ok(t({ '@timestamp': 'soon', created_at: 1621305118553 }))['@timestamp']).toBe('2021-05-18T02:31:58.553Z');
  });

  it('refuses entries without a usable time, never using the clock', () => {
    expect(t({})).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
    expect(t({ created_at: '2024-12-17 00:00:00000000' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP', path: "$['created_at']" });
    expect(t({ created_at: 1e300 })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
    expect(t({ created_at: true })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
    expect(normalizeGithubAudit({ action: 'opened', sender: { login: 'x' }, repository: {} }, opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_WRONG_TYPE' });
    expect(normalizeGithubAudit('repo.create', opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('normalizes every Panther GitHub.Audit event that carries a readable time', () => {
    let normalized = 0;
    for (const log of pantherAudit()) {
      const r = normalizeGithubAudit(log, opts);
      const l = log as Record<string, unknown>;
      const hasTime = ['@timestamp', 'at_sign_timestamp', 'created_at'].some((k) => l[k] !== undefined && !String(l[k]).includes('00:00:00000000'));
      if (hasTime) {
        expect(r.ok, JSON.stringify(log).slice(0, 120)).toBe(true);
        normalized++;
        if (r.ok) expect(r.event.event.action).toBe(l['action']);
      } else {
        expect(r.ok).toBe(false);
      }
    }
    expect(normalized).toBeGreaterThan(30);
  });
});

describe('github explode', () => {
  const entry = { action: 'repo.create', actor: 'a', created_at: 1583364251067 };

  it('unwraps Azure Event Hubs batches and Splunk HEC events, passes entries through', () => {
    expect(explodeGithub({ records: [entry, entry] })).toEqual([entry, entry]);
    expect(explodeGithub({ time: 1583364251, sourcetype: 'github:audit', event: entry })).toEqual([entry]);
    expect(explodeGithub(entry)).toEqual([entry]);
    // A workflow entry's own `event` key is not an envelope.
    const workflow = { ...entry, action: 'workflows.created_workflow_run', event: 'push' };
    expect(explodeGithub(workflow)).toEqual([workflow]);
    expect(GITHUB.explode).toBe(explodeGithub);
  });

  it('refuses records that are not objects', () => {
    expect(explodeGithub('text')).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    expect(explodeGithub(null)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('sets event.original when given', () => {
    const original = JSON.stringify(entry);
    expect(ok(normalizeGithubAudit(entry, { original })).event.original).toBe(original);
  });
});

/** One record through the batch stage: each document as dataset:action, each dead letter as written. */
function prepared(value: unknown): Omit<PreparedOutcome, 'ids'> {
  const { actions, dead } = prepareRecords('github', [JSON.stringify(value)]);
  return { actions, dead };
}

describe('github: every record is indexed or dead-lettered (issue 9)', () => {
  const entry = { action: 'repo.destroy', actor: 'octo-admin', org: 'octo-org', repo: 'octo-org/site', created_at: 1611618266125, _document_id: 'doc-1' };

  it('indexes an entry that also carries an empty "records" key', () => {
    expect(prepared({ ...entry, records: [] })).toEqual({ actions: ['github.audit:repo.destroy'], dead: [] });
  });

  it('dead-letters an Event Hubs batch with no records', () => {
    expect(prepared({ records: [] })).toEqual({ actions: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path: '$.records', eventIndex: 0 }] });
  });

  it('dead-letters each non-object member of an Event Hubs batch and indexes the others', () => {
    expect(prepared({ records: [entry, 'x'] })).toEqual({
      actions: ['github.audit:repo.destroy'],
      dead: [{ stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', path: '$', eventIndex: 1 }],
    });
  });
});
