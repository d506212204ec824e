import { describe, expect, it } from 'vitest';
import { leafPaths, type EcsEvent } from '../../src/ecs/index.js';
import type { NormalizeResult } from '../../src/ingest/normalize/result.js';
import { GITLAB, normalizeGitlabAudit } from '../../src/ingest/normalize/vendors/gitlab/index.js';
import { complianceSuite } from '../helpers/compliance.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

const opts = { original: undefined };

function inputLines(): string[] {
  return elasticExpected('gitlab', 'audit', 'test-audit.log')
    .input.split('\n')
    .filter((l) => l.trim() !== '');
}

function ok(r: NormalizeResult): EcsEvent {
  if (r.ok !== true) throw new Error(`normalize failed: ${r.code} ${r.message}`);
  return r.event;
}

const canon = (v: unknown): string => {
  if (Array.isArray(v)) return JSON.stringify(v.map(canon).sort());
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) return `n${String(v)}`;
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v))) return `t${Date.parse(v)}`;
  return JSON.stringify(v);
};

/** A streamed audit event, as in GitLab's audit event schema documentation. */
const STREAMED = {
  id: 1653461355,
  author_id: 1,
  entity_id: 6,
  entity_type: 'Project',
  details: {
    author_name: 'Administrator',
    author_email: 'admin@example.com',
    target_id: 6,
    target_type: 'Project',
    target_details: 'Flight',
    custom_message: { protocol: 'ssh', action: 'git-upload-pack' },
    ip_address: '127.0.0.1',
    entity_path: 'flightjs/Flight',
  },
  ip_address: '127.0.0.1',
  author_name: 'Administrator',
  entity_path: 'flightjs/Flight',
  target_details: 'Flight',
  created_at: '2022-05-25T06:49:15.213Z',
  target_type: 'Project',
  target_id: 6,
  event_type: 'repository_git_operation',
};

describe('gitlab compliance', () => {
  complianceSuite('gitlab', () => [...inputLines().map((l) => JSON.parse(l) as unknown), STREAMED, ...pantherLogs('gitlab_rules').map((p) => p.test.log)]);
});

describe('gitlab.audit against Elastic expected documents', () => {
  // GeoIP/ASN values are Elastic's test databases (not in the input); tags/ecs.version are bookkeeping.
  const NOT_CLAIMED = /^((client|source)\.(geo|as)\.|tags$|ecs\.version$)/;

  it('matches every claimed field of test-audit.log', () => {
    const { expected } = elasticExpected('gitlab', 'audit', 'test-audit.log');
    let compared = 0;
    const mismatches: string[] = [];
    for (const doc of expected) {
      const original = (doc['event'] as { original: string }).original;
      const ours = leafPaths(ok(normalizeGitlabAudit(JSON.parse(original), { original })));
      for (const [path, value] of leafPaths(doc)) {
        if (NOT_CLAIMED.test(path)) continue;
        compared++;
        if (canon(ours.get(path)) !== canon(value)) mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(ours.get(path))}`);
      }
    }
    expect(compared).toBeGreaterThan(35);
    expect(mismatches).toEqual([]);
  });

  it('reads created_at as the event time, time as the fallback, and maps severity', () => {
    const [first, second] = inputLines().map((l) => ok(normalizeGitlabAudit(JSON.parse(l), opts)));
    expect(first?.['@timestamp']).toBe('2024-05-10T17:46:49.058Z');
    expect(second?.['@timestamp']).toBe('2018-10-17T17:38:22.523Z');
    expect(first?.event.severity).toBe(1);
    const warn = ok(normalizeGitlabAudit({ severity: 'WARN', time: '2018-10-17T17:38:22.523Z', created_at: 'yesterday' }, opts));
    expect(warn['@timestamp']).toBe('2018-10-17T17:38:22.523Z');
    expect(warn.event.severity).toBe(2);
  });

  it('uses the whole line as the vendor id of a log line (a correlation id names a request, not an event)', () => {
    const lines = inputLines();
    const [first, second] = lines.map((l) => normalizeGitlabAudit(JSON.parse(l), opts));
    // docs/sources/gitlab.md: `line:` + the line as JSON text.
    expect(first?.ok && first.vendorId).toBe(`line:${JSON.stringify(JSON.parse(lines[0] ?? ''))}`);
    expect(first?.ok && first.event.event.id).toBe('01HXHSTQ5A02PJVVW2H8FZZ77A');
    expect(second?.ok && second.vendorId).toBe(`line:${JSON.stringify(JSON.parse(lines[1] ?? ''))}`);
    // Two events of one request that differ only in severity are two documents.
    const warn = normalizeGitlabAudit({ ...JSON.parse(lines[0] ?? ''), severity: 'WARN' }, opts);
    expect(warn.ok && first?.ok && warn.vendorId !== first.vendorId).toBe(true);
    expect(second?.ok && second.event.event.dataset).toBe('gitlab.audit');
  });
});

describe('gitlab.audit streamed and API events', () => {
  it('maps the streaming schema onto the same fields', () => {
    const r = normalizeGitlabAudit(STREAMED, opts);
    expect(r.ok && r.vendorId).toBe('1653461355');
    const e = ok(r);
    expect(e['@timestamp']).toBe('2022-05-25T06:49:15.213Z');
    expect(e.event).toMatchObject({ id: '1653461355', action: 'repository_git_operation', category: ['web'], type: ['info'], kind: 'event', dataset: 'gitlab.audit', module: 'gitlab' });
    expect(e['user']).toEqual({ id: '1', name: 'Administrator', email: 'admin@example.com' });
    expect(e['client']).toEqual({ ip: '127.0.0.1', address: '127.0.0.1' });
    expect(e['source']).toEqual({ ip: '127.0.0.1', address: '127.0.0.1' });
    expect(e['related']).toEqual({ user: ['1', 'Administrator'], ip: ['127.0.0.1'] });
    const audit = (e['gitlab'] as { audit: Record<string, unknown> }).audit;
    expect(audit).toMatchObject({ id: '1653461355', entity_id: 6, entity_type: 'Project', entity_path: 'flightjs/Flight', target_id: '6', target_type: 'Project', target_details: 'Flight', event_type: 'repository_git_operation', created_at: '2022-05-25T06:49:15.213Z' });
    // custom_message is an object here: it stays in details, not in the keyword field.
    expect(audit['custom_message']).toBeUndefined();
    expect((audit['details'] as Record<string, unknown>)['custom_message']).toEqual({ protocol: 'ssh', action: 'git-upload-pack' });
  });

  it('reads API events whose names live in details, and a user target', () => {
    const e = ok(
      normalizeGitlabAudit(
        { id: 'b3b2c1', author_id: 7, entity_id: 9, entity_type: 'User', created_at: '2024-01-02T03:04:05.000+01:00', details: { author_name: 'Ops', target_id: 9, target_type: 'User', target_details: 'Mallory', custom_message: 'Ask for password reset', ip_address: '2001:db8::1', event_name: 'password_reset_requested' } },
        opts,
      ),
    );
    expect(e['@timestamp']).toBe('2024-01-02T02:04:05.000Z');
    expect(e.event.action).toBe('password_reset_requested');
    expect(e['message']).toBe('Ask for password reset');
    expect(e['user']).toEqual({ id: '7', name: 'Ops', target: { id: '9', name: 'Mallory' } });
    expect(e['related']).toEqual({ user: ['7', 'Ops', '9', 'Mallory'], ip: ['2001:db8::1'] });
  });

  it('keeps unknown keys (also unknown meta.* keys) in gitlab.audit.flattened and drops a bad remote_ip', () => {
    const e = ok(normalizeGitlabAudit({ time: '2024-05-10T17:46:49.065Z', 'meta.remote_ip': 'unknown', 'meta.search.page': 2, memberships: ['a'], from: { a: 1 } }, opts));
    expect(e['client']).toBeUndefined();
    expect((e['gitlab'] as { audit: Record<string, unknown> }).audit['flattened']).toEqual({ 'meta.search.page': 2, memberships: ['a'], from: { a: 1 } });
  });

  it('reads meta keys shipped as a nested object', () => {
    const e = ok(normalizeGitlabAudit({ time: '2024-05-10T17:46:49.065Z', meta: { user: 'root', user_id: 1, remote_ip: '67.43.156.18' } }, opts));
    expect((e['gitlab'] as { audit: Record<string, unknown> }).audit['meta']).toEqual({ user: 'root', user_id: 1 });
    expect(e['source']).toEqual({ ip: '67.43.156.18', address: '67.43.156.18' });
  });

  it('refuses events without a usable time, never using the clock', () => {
    for (const { test } of pantherLogs('gitlab_rules')) expect(normalizeGitlabAudit(test.log, opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
    expect(normalizeGitlabAudit({ created_at: 'not a time' }, opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP', path: '$.created_at' });
    expect(normalizeGitlabAudit({ time: 1715363209 }, opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP', path: '$.time' });
    expect(normalizeGitlabAudit([STREAMED], opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('takes one event per record (no envelope) and sets event.original when given', () => {
    expect(GITLAB.explode(STREAMED)).toEqual([STREAMED]);
    const original = JSON.stringify(STREAMED);
    expect(ok(normalizeGitlabAudit(STREAMED, { original })).event.original).toBe(original);
  });
});
