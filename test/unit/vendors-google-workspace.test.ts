import { describe, expect, it } from 'vitest';
import { datasetsOf, leafPaths } from '../../src/ecs/index.js';
import { sourceFor, type NormalizeResult } from '../../src/ingest/index.js';
import { ACTIVITY_DATASETS } from '../../src/ingest/normalize/vendors/google-workspace/resolve.js';
import { prepareRecords, type PreparedOutcome } from '../helpers/prepared.js';
import { complianceSuite } from '../helpers/compliance.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

const source = sourceFor('google_workspace');
if (!source) throw new Error('no google_workspace source');
const opts = { original: undefined };

/** Every unit of a record, normalized (explode, then normalize). */
function run(raw: unknown, original?: string): NormalizeResult[] {
  const units = source!.explode(raw);
  if (!Array.isArray(units)) return [units as NormalizeResult];
  return (units as unknown[]).map((u) => source!.normalize(u, { original }));
}

function one(raw: unknown): Record<string, unknown> & { event: Record<string, unknown> } {
  const [r] = run(raw);
  if (!r || r.ok !== true) throw new Error(`normalize failed: ${JSON.stringify(r)}`);
  return JSON.parse(JSON.stringify(r.event)) as Record<string, unknown> & { event: Record<string, unknown> };
}

const PAIRS = [
  ['access_transparency', 'test-access-transparency.log'],
  ['token', 'test-token.log'],
  ['group_enterprise', 'test-group-enterprise.log'],
  ['user_accounts', 'test-user-accounts.log'],
] as const;

function elasticInputs(): unknown[] {
  return PAIRS.flatMap(([ds, file]) =>
    elasticExpected('google_workspace', ds, file)
      .input.split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown),
  );
}

function pantherWorkspaceLogs(): { rule: string; log: unknown }[] {
  return pantherLogs('gsuite_activityevent_rules', 'gsuite_reports_rules', 'standard_rules')
    .filter(({ test }) => {
      const t = test as unknown as { log_type?: string; log: { p_log_type?: string } };
      return (t.log_type ?? t.log.p_log_type ?? 'GSuite.ActivityEvent') === 'GSuite.ActivityEvent';
    })
    .filter(({ rule, test }) => !rule.startsWith('Standard') || (test.log as { p_log_type?: string }).p_log_type === 'GSuite.ActivityEvent')
    .map(({ rule, test }) => ({ rule, log: test.log }));
}

/** A member of a normalized document by dotted path (arrays by index). */
function at(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const ACTIVITY = {
  kind: 'admin#reports#activity',
  id: { time: '2024-05-01T10:00:00.123Z', uniqueQualifier: '-42', applicationName: 'login', customerId: 'C0abc' },
  actor: { callerType: 'USER', email: 'alice@example.com', profileId: '1001' },
  ownerDomain: 'example.com',
  ipAddress: '198.51.100.7',
  events: [
    {
      type: 'login',
      name: 'login_success',
      parameters: [
        { name: 'login_type', value: 'google_password' },
        { name: 'login_challenge_method', multiValue: ['password', 'security_key'] },
        { name: 'is_suspicious', boolValue: false },
        { name: 'login_timestamp', intValue: '1714557600123456' },
      ],
    },
    { type: 'account_warning', name: 'suspicious_login', parameters: [{ name: 'affected_email_address', value: 'bob@example.org' }] },
    { type: 'login', name: 'login_failure', parameters: [{ name: 'login_failure_type', value: 'login_failure_invalid_password' }] },
  ],
};

const ALERT = {
  alertId: 'a-1',
  createTime: '2022-07-10T10:49:29.436394Z',
  customerId: '02umwv6u',
  startTime: '2022-07-01T10:38:13.194711Z',
  endTime: '2022-07-01T10:47:04.530834Z',
  updateTime: '2022-07-11T10:00:00Z',
  type: 'User reported phishing',
  source: 'Gmail phishing',
  deleted: false,
  metadata: { assignee: 'soc@example.com', severity: 'HIGH', status: 'NOT_STARTED', alertId: 'a-1' },
  data: {
    '@type': 'type.googleapis.com/google.apps.alertcenter.type.MailPhishing',
    maliciousEntity: { entity: { emailAddress: 'evil@example.net', displayName: 'Evil' }, fromHeader: 'evil@example.net' },
    messages: [{ messageId: 'm1', md5HashSubject: 'abc', recipient: 'alice@example.com', subjectText: 'Hi', date: '2022-07-01T10:38:13.194711Z' }],
    sourceIp: '203.0.113.9',
    isInternal: true,
  },
};

describe('google_workspace compliance', () => {
  complianceSuite('google_workspace', () => [
    ...elasticInputs(),
    ...pantherWorkspaceLogs().map((p) => p.log),
    { kind: 'admin#reports#activities', items: [ACTIVITY] },
    ACTIVITY,
    ALERT,
  ]);
});

/** Elastic leaf values compared the way the conformance command does: arrays as sets, timestamps and numbers normalized. */
function same(expected: unknown, ours: unknown): boolean {
  const canon = (v: unknown): string => {
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v))) return String(Date.parse(v));
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return JSON.stringify(Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))));
    }
    return JSON.stringify(v);
  };
  const set = (v: unknown): string => JSON.stringify([...new Set((Array.isArray(v) ? v : [v]).map(canon))].sort());
  return set(expected) === set(ours);
}

/** Fields Elastic adds that Sift does not claim: GeoIP enrichment, pipeline bookkeeping, the raw event. */
const NOT_CLAIMED = /^(ecs\.version|tags|event\.original|event\.ingested|source\.(geo|as)\.)/;

describe('google_workspace activities against Elastic expected documents', () => {
  for (const [ds, file] of PAIRS) {
    it(`matches every claimed field of ${ds}/${file}`, () => {
      const { input, expected } = elasticExpected('google_workspace', ds, file);
      const lines = input.split('\n').filter((l) => l.trim() !== '');
      expect(lines.length).toBe(expected.length);
      let compared = 0;
      const mismatches: string[] = [];
      lines.forEach((line, i) => {
        const [r] = run(JSON.parse(line), line);
        expect(r?.ok).toBe(true);
        if (r?.ok !== true) return;
        expect(r.event.event.dataset).toBe(`google_workspace.${ds}`);
        const ours = leafPaths(JSON.parse(JSON.stringify(r.event)));
        for (const [path, value] of leafPaths(expected[i])) {
          if (NOT_CLAIMED.test(path)) continue;
          compared++;
          if (!same(value, ours.get(path))) mismatches.push(`${i} ${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(ours.get(path))}`);
        }
      });
      expect(compared).toBeGreaterThan(30);
      expect(mismatches).toEqual([]);
    });
  }

  it('files an event under the application its type documents, not a mislabelled applicationName', () => {
    // groups_enterprise's only event type is moderator_action; Login has no such type.
    const { input } = elasticExpected('google_workspace', 'group_enterprise', 'test-group-enterprise.log');
    const doc = one(JSON.parse(input.trim()));
    expect(doc.event['dataset']).toBe('google_workspace.group_enterprise');
    expect(doc.event['provider']).toBe('login');
    expect(at(doc, 'group')).toEqual({ id: 'asd123d' });
    // A genuine Login event stays Login.
    expect(one(ACTIVITY).event['dataset']).toBe('google_workspace.login');
    // Classic Groups moderator actions name the group by email.
    const classic = one({ ...ACTIVITY, id: { ...ACTIVITY.id, applicationName: 'login' }, events: [{ type: 'moderator_action', name: 'ban_user_with_moderation', parameters: [{ name: 'group_email', value: 'g@example.com' }] }] });
    expect(classic.event['dataset']).toBe('google_workspace.groups');
  });

  it('maps an application it has no data stream for to google_workspace.activity', () => {
    const doc = one({ ...ACTIVITY, id: { ...ACTIVITY.id, applicationName: 'jamboard' }, events: [{ type: 'x', name: 'y', parameters: [{ name: 'p', value: 'v' }] }] });
    expect(doc.event['dataset']).toBe('google_workspace.activity');
    expect((at(doc, 'google_workspace') as { activity: unknown }).activity).toEqual({ p: 'v' });
    expect(datasetsOf('google_workspace')).toContain('google_workspace.activity');
  });

  it('declares every dataset it may emit', () => {
    for (const ds of ACTIVITY_DATASETS) expect(datasetsOf('google_workspace')).toContain(`google_workspace.${ds}`);
    expect(datasetsOf('google_workspace')).toContain('google_workspace.alert');
  });
});

describe('google_workspace envelopes and ids', () => {
  it('explodes each element of events[] into its own document with a stable vendor id', () => {
    const results = run(ACTIVITY);
    expect(results).toHaveLength(3);
    const ids = results.map((r) => (r.ok === true ? r.vendorId : r.code));
    // docs/sources/google-workspace.md: the activity without `events`, a newline, the event, as JSON text.
    const { events, ...head } = ACTIVITY;
    expect(ids).toEqual(events.map((e) => `${JSON.stringify(head)}\n${JSON.stringify(e)}`));
    expect(run(ACTIVITY).map((r) => (r.ok === true ? r.vendorId : ''))).toEqual(ids);
    expect(results.map((r) => (r.ok === true ? r.event.event.action : ''))).toEqual(['login_success', 'suspicious_login', 'login_failure']);
  });

  it('keys events of an activity without uniqueQualifier by content and index, never all alike', () => {
    const { uniqueQualifier: _uq, ...id } = ACTIVITY.id;
    const ids = run({ ...ACTIVITY, id }).map((r) => (r.ok === true ? r.vendorId : undefined));
    expect(ids.every((v) => typeof v === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(3);
    expect(run({ ...ACTIVITY, id }).map((r) => (r.ok === true ? r.vendorId : undefined))).toEqual(ids);
  });

  it('accepts the activities.list page and a single events object', () => {
    const page = run({ kind: 'admin#reports#activities', etag: 'e', items: [ACTIVITY, { ...ACTIVITY, events: ACTIVITY.events[2] }] });
    expect(page).toHaveLength(4);
    expect(page.every((r) => r.ok === true)).toBe(true);
    // Google omits `items` from a page with no activities: nothing to index, and it is said so.
    expect(source!.explode({ kind: 'admin#reports#activities' })).toMatchObject({ ok: false, code: 'SIFT_DECODE_NO_EVENTS', path: '$.items' });
  });

  it('refuses what is not a Workspace record', () => {
    expect(source!.explode([1, 2])).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    expect(source!.explode({ hello: 'world' })).toMatchObject({ ok: false, code: 'SIFT_DECODE_UNKNOWN_SOURCE' });
    expect(source!.normalize('x', opts)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('fails without id.time, on an unparsable one, and uses Panther p_event_time as the documented fallback', () => {
    const { time: _time, ...noTime } = ACTIVITY.id;
    expect(run({ ...ACTIVITY, id: noTime })[0]).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
    expect(run({ ...ACTIVITY, id: { ...ACTIVITY.id, time: 'yesterday' } })[0]).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
    const panther = one({ id: { applicationName: 'login' }, type: 'login', name: 'login_failure', p_event_time: '2021-06-04 09:59:53.650807', p_log_type: 'GSuite.ActivityEvent' });
    expect(panther['@timestamp']).toBe('2021-06-04T09:59:53.650Z');
  });

  it('normalizes Panther GSuite.ActivityEvent records that carry a time, and refuses the others', () => {
    const logs = pantherWorkspaceLogs();
    expect(logs.length).toBeGreaterThan(80);
    let ok = 0;
    for (const { rule, log } of logs) {
      const l = log as { id?: { time?: string }; p_event_time?: string };
      const [r] = run(log);
      if (l.id?.time !== undefined || l.p_event_time !== undefined) {
        expect(r?.ok, rule).toBe(true);
        ok++;
      } else {
        expect(r, rule).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
      }
    }
    expect(ok).toBeGreaterThan(60);
  });
});

describe('google_workspace per-application mapping', () => {
  it('login: parameters without the login_ prefix, outcome, session categories, event.start, target user', () => {
    const [success, warning, failure] = run(ACTIVITY).map((r) => (r.ok === true ? (JSON.parse(JSON.stringify(r.event)) as unknown) : {}));
    expect(at(success, 'google_workspace.login')).toEqual({
      type: 'google_password',
      challenge_method: ['password', 'security_key'],
      is_suspicious: false,
      timestamp: 1714557600123456,
    });
    expect(at(success, 'event')).toMatchObject({ outcome: 'success', category: ['authentication', 'session'], type: ['start'], start: '2024-05-01T10:00:00.123Z', provider: 'login', id: '-42' });
    expect(at(success, 'user')).toEqual({ id: '1001', name: 'alice', email: 'alice@example.com', domain: 'example.com' });
    expect(at(success, 'source')).toMatchObject({ ip: '198.51.100.7', user: { name: 'alice', domain: 'example.com' } });
    expect(at(success, 'organization')).toEqual({ id: 'C0abc' });
    expect(at(success, 'related')).toMatchObject({ ip: ['198.51.100.7'], user: ['alice'], hosts: ['example.com'] });
    expect(at(warning, 'user.target')).toEqual({ name: 'bob', domain: 'example.org' });
    expect(at(warning, 'related.user')).toEqual(['alice', 'bob']);
    expect(at(warning, 'event')).toMatchObject({ category: ['authentication'], type: ['info'] });
    expect(at(failure, 'event')).toMatchObject({ outcome: 'failure', type: ['start'] });
  });

  it('login: gov_attack_warning is an alert; challenge status decides the outcome of a challenge', () => {
    const warn = one({ ...ACTIVITY, events: [{ type: 'attack_warning', name: 'gov_attack_warning' }] });
    expect(warn.event).toMatchObject({ kind: 'alert', category: ['iam'], type: ['user'] });
    const challenge = one({ ...ACTIVITY, events: [{ type: 'login', name: 'login_challenge', parameters: [{ name: 'login_challenge_status', value: 'Challenge Failed.' }] }] });
    expect(challenge.event['outcome']).toBe('failure');
  });

  it('admin: target user, group and categories', () => {
    const doc = one({
      ...ACTIVITY,
      id: { ...ACTIVITY.id, applicationName: 'admin' },
      events: [{ type: 'GROUP_SETTINGS', name: 'ADD_GROUP_MEMBER', parameters: [{ name: 'USER_EMAIL', value: 'bob@example.org' }, { name: 'GROUP_EMAIL', value: 'team@example.com' }, { name: 'CUSTOM', value: 'x' }] }],
    });
    expect(at(doc, 'event')).toMatchObject({ dataset: 'google_workspace.admin', category: ['iam'], type: ['change', 'group'] });
    expect(at(doc, 'user.target')).toEqual({ name: 'bob', domain: 'example.org', email: 'bob@example.org', group: { name: 'team', domain: 'example.com' } });
    expect(at(doc, 'group')).toEqual({ name: 'team', domain: 'example.com' });
    expect(at(doc, 'google_workspace.admin')).toEqual({ user: { email: 'bob@example.org' }, group: { email: 'team@example.com' }, CUSTOM: 'x' });
    const site = one({ ...ACTIVITY, id: { ...ACTIVITY.id, applicationName: 'admin' }, events: [{ name: 'ADD_WEB_ADDRESS', parameters: [{ name: 'WEB_ADDRESS', value: 'https://sites.example.com:8443/a/b.html?x=1' }] }] });
    expect(at(site, 'url')).toMatchObject({ full: 'https://sites.example.com:8443/a/b.html?x=1', scheme: 'https', domain: 'sites.example.com', port: 8443, path: '/a/b.html', query: 'x=1', extension: 'html' });
    expect(at(site, 'event.type')).toEqual(['creation']);
  });

  it('drive: file fields, owner and categories', () => {
    const doc = one({
      ...ACTIVITY,
      id: { ...ACTIVITY.id, applicationName: 'drive' },
      events: [{ type: 'access', name: 'download', parameters: [{ name: 'doc_id', value: 'd1' }, { name: 'doc_title', value: 'plan.xlsx' }, { name: 'doc_type', value: 'spreadsheet' }, { name: 'owner', value: 'carol@example.com' }, { name: 'primary_event', boolValue: true }] }],
    });
    expect(at(doc, 'file')).toEqual({ name: 'plan.xlsx', type: 'file', extension: 'xlsx', owner: 'carol' });
    expect(at(doc, 'google_workspace.drive')).toEqual({ file: { id: 'd1', type: 'spreadsheet', owner: { email: 'carol@example.com' } }, primary_event: true });
    expect(at(doc, 'event')).toMatchObject({ category: ['file'], type: ['info'] });
    expect(at(doc, 'related.user')).toEqual(['alice', 'carol']);
  });

  it('token: scopes and client, related user lists id, name and email', () => {
    const { input } = elasticExpected('google_workspace', 'token', 'test-token.log');
    const doc = one(JSON.parse(input.trim()));
    expect(at(doc, 'google_workspace.token.client')).toEqual({ id: '923474483785-sqf6uk8vq1rqe853il0g2h4m98ji2fq6.apps.googleusercontent.com', type: 'WEB' });
    expect(at(doc, 'google_workspace.token.num_response_bytes')).toBe(1223);
    expect(at(doc, 'related.user')).toEqual(['1', 'foo', 'foo@bar.com']);
    expect(at(doc, 'event')).toMatchObject({ category: ['iam'], type: ['info', 'user'] });
  });
});

describe('google_workspace Alert Center alerts', () => {
  it('maps an alert and its data', () => {
    const [r] = run({ alerts: [ALERT] });
    expect(r?.ok).toBe(true);
    if (r?.ok !== true) return;
    expect(r.vendorId).toBe('a-1:2022-07-11T10:00:00Z');
    const doc = JSON.parse(JSON.stringify(r.event));
    expect(at(doc, '@timestamp')).toBe('2022-07-10T10:49:29.436Z');
    expect(at(doc, 'event')).toMatchObject({ kind: 'alert', dataset: 'google_workspace.alert', action: 'Gmail phishing', id: 'a-1', category: ['email', 'threat', 'malware'], type: ['info'] });
    expect(at(doc, 'source')).toEqual({ ip: '203.0.113.9' });
    expect(at(doc, 'user')).toMatchObject({ email: 'soc@example.com', name: 'Evil' });
    const data = at(doc, 'google_workspace.alert.data');
    expect(at(data, 'type')).toBe('type.googleapis.com/google.apps.alertcenter.type.MailPhishing');
    expect(at(data, 'malicious_entity')).toEqual({ entity: { email_address: 'evil@example.net', display_name: 'Evil' }, from_header: 'evil@example.net' });
    expect(at(data, 'messages.0')).toMatchObject({ id: 'm1', md5: { hash: { subject: 'abc' } }, recipient_email: 'alice@example.com', subject_text: 'Hi' });
    expect(at(data, 'source')).toEqual({ ip: '203.0.113.9' });
    expect(at(doc, 'google_workspace.alert.metadata')).toMatchObject({ severity: 'HIGH', status: 'NOT_STARTED' });
  });

  it('refuses an alert without createTime', () => {
    const { createTime: _c, ...rest } = ALERT;
    expect(run(rest)[0]).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP' });
  });
});

describe('google_workspace dataset routing and helpers', () => {
  it('never moves the event types documented for login, token, saml and user_accounts', async () => {
    const { resolveDataset } = await import('../../src/ingest/normalize/vendors/google-workspace/resolve.js');
    // Google's event catalogs (Reports API appendix): the types each application's events carry.
    const catalogs: Record<string, readonly string[]> = {
      login: ['login', 'account_warning', 'attack_warning', 'blocked_sender', 'email_forwarding_change', '2sv_change', 'password_change', 'recovery_info_change', 'titanium_change', 'risky_sensitive_action'],
      token: ['auth'],
      saml: ['login'],
      user_accounts: ['2sv_change', 'password_change', 'recovery_info_change', 'titanium_change', 'email_forwarding_change'],
    };
    const expected: Record<string, string> = { login: 'login', token: 'token', saml: 'saml', user_accounts: 'user_accounts' };
    for (const [app, types] of Object.entries(catalogs)) {
      for (const type of types) {
        for (const params of [{}, { group_id: 'g1', member_id: 'm1' }]) {
          expect(resolveDataset(app, type, params).dataset, `${app}/${type}`).toBe(expected[app]);
        }
      }
    }
    // Applications without a catalog entry always follow applicationName.
    expect(resolveDataset('drive', 'access_transparency', {}).dataset).toBe('drive');
    expect(resolveDataset('groups_enterprise', 'moderator_action', {}).dataset).toBe('group_enterprise');
    expect(resolveDataset('mobile', 'device_updates', {}).dataset).toBe('device');
  });

  it('setPath refuses prototype keys on the one-segment fast path too', async () => {
    const { setPath } = await import('../../src/ingest/normalize/vendors/google-workspace/util.js');
    const tree: Parameters<typeof setPath>[0] = {};
    setPath(tree, '__proto__', { polluted: true });
    setPath(tree, 'constructor', 1);
    setPath(tree, '', 1);
    setPath(tree, 'plain', 'x');
    setPath(tree, 'a.b', 1);
    setPath(tree, 'a.__proto__.c', 1);
    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
    expect(tree).toEqual({ plain: 'x', a: { b: 1 } });
  });
});

/** Records through the batch stage: each document as dataset:action with its _id, each dead letter as written. */
function prepared(...values: unknown[]): PreparedOutcome {
  return prepareRecords('google_workspace', values.map((v) => JSON.stringify(v)));
}

describe('google_workspace: every record is indexed or dead-lettered (issue 9)', () => {
  const LOGIN_ACTIONS = ['google_workspace.login:login_success', 'google_workspace.login:suspicious_login', 'google_workspace.login:login_failure'];
  const noEvents = (path: string) => ({ actions: [], ids: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path, eventIndex: 0 }] });

  it('dead-letters an activities page whose items is an object', () => {
    expect(prepared({ kind: 'admin#reports#activities', etag: 'e', items: { a: ACTIVITY } })).toMatchObject({
      actions: [],
      dead: [{ stage: 'decode', code: 'SIFT_DECODE_UNKNOWN_SOURCE', path: '$.items', eventIndex: 0 }],
    });
  });

  it('dead-letters each non-object item of a page and indexes the activities beside it', () => {
    expect(prepared({ kind: 'admin#reports#activities', etag: 'e', items: [1, ACTIVITY, 'x'] })).toMatchObject({
      actions: LOGIN_ACTIONS,
      dead: [
        { stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', path: '$', eventIndex: 0 },
        { stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', path: '$', eventIndex: 4 },
      ],
    });
  });

  it('dead-letters an alerts page holding a non-object', () => {
    expect(prepared({ alerts: [1] })).toMatchObject({ actions: [], dead: [{ stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', path: '$', eventIndex: 0 }] });
  });

  it('dead-letters the empty pages: no items, empty items, no alerts', () => {
    expect(prepared({ kind: 'admin#reports#activities', etag: 'e' })).toEqual(noEvents('$.items'));
    expect(prepared({ kind: 'admin#reports#activities', etag: 'e', items: [] })).toEqual(noEvents('$.items'));
    expect(prepared({ items: [], nextPageToken: 't' })).toEqual(noEvents('$.items'));
    expect(prepared({ alerts: [], nextPageToken: 't' })).toEqual(noEvents('$.alerts'));
  });

  it('indexes an alert or an activity that also carries an empty page key', () => {
    expect(prepared({ ...ALERT, alerts: [] })).toMatchObject({ actions: ['google_workspace.alert:Gmail phishing'], dead: [] });
    expect(prepared({ ...ACTIVITY, alerts: [] })).toMatchObject({ actions: LOGIN_ACTIONS, dead: [] });
    expect(prepared({ ...ACTIVITY, items: [] })).toMatchObject({ actions: LOGIN_ACTIONS, dead: [] });
  });

  it('dead-letters a non-object member of events[] and indexes the events beside it', () => {
    expect(prepared({ ...ACTIVITY, events: [ACTIVITY.events[0], 7] })).toMatchObject({
      actions: ['google_workspace.login:login_success'],
      dead: [{ stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', path: '$', eventIndex: 1 }],
    });
  });
});

describe('google_workspace: events of one activity never share an _id (issue 9)', () => {
  const ADMIN = {
    kind: 'admin#reports#activity',
    id: { time: '2024-05-01T10:00:00.000Z', uniqueQualifier: '-7', applicationName: 'admin', customerId: 'C01' },
    actor: { callerType: 'USER', email: 'root@example.com', profileId: '1' },
    ipAddress: '198.51.100.7',
  };
  const grant = (user: string) => ({ type: 'DELEGATED_ADMIN_SETTINGS', name: 'GRANT_ADMIN_PRIVILEGE', parameters: [{ name: 'USER_EMAIL', value: user }, { name: 'ROLE_NAME', value: '_SEED_ADMIN_ROLE' }] });
  const GRANTS = ['google_workspace.admin:GRANT_ADMIN_PRIVILEGE', 'google_workspace.admin:GRANT_ADMIN_PRIVILEGE'];

  it('indexes GRANT_ADMIN_PRIVILEGE to two users, flattened by Panther, as two documents', () => {
    const panther = (user: string) => ({ ...ADMIN, type: 'DELEGATED_ADMIN_SETTINGS', name: 'GRANT_ADMIN_PRIVILEGE', parameters: { USER_EMAIL: user, ROLE_NAME: '_SEED_ADMIN_ROLE' } });
    const out = prepared(panther('alice@example.com'), panther('bob@example.com'));
    expect(out.actions).toEqual(GRANTS);
    expect(new Set(out.ids).size).toBe(2);
  });

  it('indexes them as two documents when split one event per record, as Elastic leaves them', () => {
    const out = prepared({ ...ADMIN, events: grant('alice@example.com') }, { ...ADMIN, events: grant('bob@example.com') });
    expect(out.actions).toEqual(GRANTS);
    expect(new Set(out.ids).size).toBe(2);
  });

  it('gives an event the same _id whether it arrives in events[] or split out, and again on redelivery', () => {
    const listed = prepared({ ...ADMIN, events: [grant('alice@example.com'), grant('bob@example.com')] });
    const split = prepared({ ...ADMIN, events: grant('alice@example.com') }, { ...ADMIN, events: grant('bob@example.com') });
    expect(listed.actions).toEqual(GRANTS);
    expect(new Set(listed.ids).size).toBe(2);
    expect(split.ids).toEqual(listed.ids);
    expect(prepared({ ...ADMIN, events: [grant('alice@example.com'), grant('bob@example.com')] }).ids).toEqual(listed.ids);
  });

  it('keeps two identical events of one activity apart (a count, not a duplicate)', () => {
    const out = prepared({ ...ADMIN, events: [grant('alice@example.com'), grant('alice@example.com')] });
    expect(out.actions).toEqual(GRANTS);
    expect(new Set(out.ids).size).toBe(2);
  });
});
