import { describe, expect, it } from 'vitest';
import { normalizeOktaSystem } from '../../src/ingest/index.js';
import { DEBUG_KEYWORD_KEYS } from '../../src/ingest/normalize/vendors/okta/debug.js';
import { categorize } from '../../src/ingest/normalize/vendors/okta/categories.js';
import { prepareRecords, type PreparedOutcome } from '../helpers/prepared.js';
import { complianceSuite } from '../helpers/compliance.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

const opts = { original: undefined };

/** An event carrying every optional part Sift maps, so the catalog round trip covers them all. */
const EVERYTHING = {
  uuid: 'u-everything',
  published: '2024-05-01T10:00:00.000Z',
  eventType: 'user.authentication.auth_via_mfa',
  actor: { id: '00u1', type: 'User', alternateId: 'a@example.com', displayName: 'A' },
  authenticationContext: { authenticationStep: 0, externalSessionId: 'x', rootSessionId: 'root', interface: 'Okta Verify', issuer: { id: 'i', type: 'T' } },
  client: { ipAddress: '198.51.100.7', device: 'Computer', zone: 'null', userAgent: { rawUserAgent: 'curl/8.5.0', browser: 'UNKNOWN', os: 'Unknown' } },
  device: {
    id: 'd1',
    name: 'MacBookPro18,2',
    os_platform: 'OSX',
    os_version: '13.3.1',
    managed: false,
    registered: true,
    jailbreak: false,
    secure_hardware_present: true,
    disk_encryption_type: 'ALL_INTERNAL_VOLUMES',
    screen_lock_type: 'BIOMETRIC',
    device_integrator: '{"name":"CrowdStrike","score":"90"}',
  },
  debugContext: {
    debugData: {
      ...Object.fromEntries(DEBUG_KEYWORD_KEYS.map((k) => [k, `v-${k}`])),
      requestId: 'r',
      requestUri: '/u',
      url: '/u?',
      threatSuspected: 'false',
      deviceFingerprint: 'fp',
      dtHash: 'h',
      factor: 'OKTA_VERIFY_PUSH',
      clientSecret: 'cs',
      requestedScopes: 'okta.logs.read',
      grantedScopes: 'okta.logs.read',
      grantType: 'client_credentials',
      behaviors: '{New Geo-Location=POSITIVE, New Device=NEGATIVE}',
      risk: '{reasons=Anomalous Device, Anomalous Location, level=HIGH}',
      logOnlySecurityData: '{"risk":{"level":"LOW"},"behaviors":{"New IP":"NEGATIVE"}}',
      originalPrincipal: { id: 'p', type: 'User', alternateId: 'p@example.com', displayName: 'P', detailEntry: null },
      tunnels: '[{"anonymous":true,"operator":"WARP_VPN","type":"VPN"}]',
    },
  },
  target: [
    { id: 't1', type: 'User', alternateId: 't@example.com', displayName: 'T', detailEntry: { methodTypeUsed: 'Okta Verify', other: 'dropped' } },
    { id: 'g1', type: 'UserGroup', alternateId: 'unknown', displayName: 'Sales', detailEntry: null },
    { id: 'idp', type: 'IdentityProvider', changeDetails: { from: { subject: { filter: '^$', list: [1, 2] } }, to: { subject: 'plain' } } },
  ],
};

describe('okta compliance', () => {
  complianceSuite('okta', () => [
    EVERYTHING,
    ...elasticExpected('okta', 'system', 'test-okta-system-no-flattened-events.log').expected.map((d) => JSON.parse((d['event'] as { original: string }).original) as unknown),
    ...pantherLogs('okta_rules').map((p) => p.test.log),
  ]);
});

function normalized(raw: unknown): Record<string, unknown> {
  const r = normalizeOktaSystem(raw, opts);
  if (r.ok !== true) throw new Error(`normalize failed: ${JSON.stringify(r)}`);
  return r.event as unknown as Record<string, unknown>;
}

const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);

describe('okta debug data', () => {
  const ev = normalized(EVERYTHING);
  const debug = at(ev, 'okta.debug_context.debug_data') as Record<string, unknown>;

  it('renames the well-known keys and keeps the documented others under their own names', () => {
    expect(debug).toMatchObject({
      request_id: 'r',
      request_uri: '/u',
      url: '/u?',
      threat_suspected: 'false',
      device_fingerprint: 'fp',
      dt_hash: 'h',
      factor: 'OKTA_VERIFY_PUSH',
      client_secret: 'cs',
      grant_type: 'client_credentials',
      granted_scopes: 'okta.logs.read',
      requested_scopes: 'okta.logs.read',
      authnRequestId: 'v-authnRequestId',
      protocol: 'v-protocol',
    });
  });

  it('parses behaviors, risk, logOnlySecurityData and tunnels, with _ for spaces and dashes in names', () => {
    expect(debug['behaviors']).toEqual({ New_Geo_Location: 'POSITIVE', New_Device: 'NEGATIVE' });
    expect(debug['risk_behaviors']).toEqual(['New Geo-Location']);
    expect(debug['risk']).toEqual({ reasons: 'Anomalous Device, Anomalous Location', level: 'HIGH' });
    // The key/value split is ambiguous (a reason list holds ", "): the raw text is kept too.
    expect(debug['risk_object']).toBe('{reasons=Anomalous Device, Anomalous Location, level=HIGH}');
    // logOnlySecurityData's verdict wins over the Java map's.
    expect(debug['risk_level']).toBe('LOW');
    expect(debug['logOnlySecurityData']).toEqual({ risk: { level: 'LOW' }, behaviors: { New_IP: 'NEGATIVE' } });
    expect(debug['tunnels']).toEqual([{ anonymous: true, operator: 'WARP_VPN', type: 'VPN' }]);
    expect(debug['originalPrincipal']).toEqual({ id: 'p', type: 'User', alternateId: 'p@example.com', displayName: 'P' });
  });

  it('keeps every key as Okta named it in flattened, structured values parsed', () => {
    const flat = debug['flattened'] as Record<string, unknown>;
    expect(flat['behaviors']).toEqual({ 'New Geo-Location': 'POSITIVE', 'New Device': 'NEGATIVE' });
    expect(flat['logOnlySecurityData']).toEqual({ risk: { level: 'LOW' }, behaviors: { 'New IP': 'NEGATIVE' } });
    expect(flat['risk_object']).toBe('{reasons=Anomalous Device, Anomalous Location, level=HIGH}');
    expect(flat['requestId']).toBe('r');
  });

  it('keeps no risk_object when the risk map splits cleanly, and ignores unparsable JSON', () => {
    const e = normalized({ ...EVERYTHING, debugContext: { debugData: { risk: '{level=LOW}', tunnels: '[not json', logOnlySecurityData: '{' } } });
    const d = at(e, 'okta.debug_context.debug_data') as Record<string, unknown>;
    expect(d['risk']).toEqual({ level: 'LOW' });
    expect(d['risk_object']).toBeUndefined();
    expect(d['risk_level']).toBe('LOW');
    expect(d['tunnels']).toBeUndefined();
    expect(d['logOnlySecurityData']).toBeUndefined();
  });

  it('does not parse embedded JSON that is too deep or too large to copy safely', () => {
    // 20,000 characters (under the size cap), 10,000 levels deep.
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const e = normalized({ ...EVERYTHING, device: { device_integrator: deep }, debugContext: { debugData: { tunnels: deep, logOnlySecurityData: `{"a":"${'x'.repeat(70_000)}"}` } } });
    const d = at(e, 'okta.debug_context.debug_data') as Record<string, unknown>;
    expect(d['tunnels']).toBeUndefined();
    expect(d['logOnlySecurityData']).toBeUndefined();
    expect(at(e, 'okta.device')).toBeUndefined();
    // Brackets inside strings do not count as nesting.
    const ok = normalized({ ...EVERYTHING, debugContext: { debugData: { tunnels: `[{"note":"${'['.repeat(100)}"}]` } } });
    expect(at(ok, 'okta.debug_context.debug_data.tunnels')).toEqual([{ note: '['.repeat(100) }]);
  });
});

describe('okta device, session and targets', () => {
  const ev = normalized(EVERYTHING);

  it('maps the Okta Verify device, parsing a JSON device_integrator', () => {
    expect(at(ev, 'okta.device')).toEqual({
      id: 'd1',
      name: 'MacBookPro18,2',
      os_platform: 'OSX',
      os_version: '13.3.1',
      managed: false,
      registered: true,
      jailbreak: false,
      secure_hardware_present: true,
      disk_encryption_type: 'ALL_INTERNAL_VOLUMES',
      screen_lock_type: 'BIOMETRIC',
      device_integrator: { name: 'CrowdStrike', score: '90' },
    });
  });

  it('maps the root session and files interface as the provider when none is given (as Elastic does)', () => {
    expect(at(ev, 'okta.authentication_context.root_session_id')).toBe('root');
    expect(at(ev, 'okta.authentication_context.interface')).toBe('Okta Verify');
    expect(at(ev, 'okta.authentication_context.authentication_provider')).toBe('Okta Verify');
  });

  it('keeps target ids and names, the verification detail keys only, and changeDetails values as text', () => {
    expect(at(ev, 'okta.target')).toEqual([
      { id: 't1', type: 'User', alternate_id: 't@example.com', display_name: 'T', detailEntry: { methodTypeUsed: 'Okta Verify' } },
      { id: 'g1', type: 'UserGroup', alternate_id: 'unknown', display_name: 'Sales' },
      { id: 'idp', type: 'IdentityProvider', changeDetails: { from: { subject: '{filter=^$, list=[1, 2]}' }, to: { subject: 'plain' } } },
    ]);
    expect(at(ev, 'user.target')).toEqual({ id: 't1', name: 't@example.com', email: 't@example.com', full_name: 'T', group: { id: 'g1', name: 'Sales' } });
    expect(at(ev, 'related.user')).toEqual(['A', 'T', 'a@example.com']);
  });

  it('reports an event with no outcome as outcome unknown', () => {
    expect(at(normalized({ uuid: 'x', published: '2024-01-01T00:00:00Z', eventType: 'user.session.start' }), 'event.outcome')).toBe('unknown');
    expect(at(normalized({ uuid: 'x', published: '2024-01-01T00:00:00Z', eventType: 'user.session.start', outcome: { result: 'DENY' } }), 'event.outcome')).toBe('failure');
  });

  it('does not take a login starting with @ for an email', () => {
    const e = normalized({ uuid: 'x', published: '2024-01-01T00:00:00Z', eventType: 'user.session.start', actor: { alternateId: '@svc' } });
    expect(at(e, 'user.name')).toBe('@svc');
    expect(at(e, 'user.email')).toBeUndefined();
  });
});

describe('okta categorization', () => {
  it.each([
    ['user.session.start', ['authentication', 'session'], ['start', 'info']],
    ['user.lifecycle.create', ['iam'], ['info', 'creation']],
    ['user.lifecycle.suspend', ['iam'], ['info', 'change']],
    ['policy.rule.add', ['configuration'], ['change']],
    ['application.lifecycle.delete', ['configuration'], ['deletion']],
    ['system.org.rate_limit.violation', ['network'], ['info']],
    ['security.request.blocked', ['network'], ['denied']],
    ['user.account.lock', ['iam'], ['user', 'change']],
    ['group.lifecycle.create', ['iam'], ['group', 'creation']],
    ['user.mfa.factor.deactivate', ['iam', 'authentication'], ['user', 'deletion']],
    ['app.oauth2.as.token.grant', ['authentication'], ['info']],
    ['system.api_token.create', ['iam'], ['creation']],
  ])('%s', (type, category, eventType) => {
    expect(categorize(type)).toEqual({ category, type: eventType });
  });

  it('leaves unknown families uncategorized', () => {
    expect(categorize('something.new')).toBeUndefined();
  });
});

describe('snakeClean (okta.request.ip_chain)', () => {
  it('equals snake_casing a cleanJson() copy, in one walk', async () => {
    const { cleanJson } = await import('../../src/ingest/normalize/accessors.js');
    const { snake, snakeClean } = await import('../../src/ingest/normalize/vendors/okta/util.js');
    const reference = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reference);
      if (typeof v === 'object' && v !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[snake(k)] = reference(x);
        return out;
      }
      return v;
    };
    const chain: unknown[] = [
      { ip: '10.0.0.1', geographicalContext: { city: 'X', geolocation: { lat: 1, lon: 2 }, postalCode: null }, version: 'V4', source: null },
      { ip: null, emptyThing: {}, emptyList: [], list: [null, { a: null }] },
      null,
      JSON.parse('{"constructor":1,"prototype":2}') as unknown,
      { camelCase: [1, 'two', true], nestedObject: { deepKey: { deeperKey: 'x' } } },
    ];
    expect(snakeClean(chain)).toEqual(reference(cleanJson(chain)));
    expect(snakeClean([])).toBeUndefined();
    expect(snakeClean([{ a: null }])).toBeUndefined();
  });

  it('never sets a prototype from a key that snake_cases to __proto__', async () => {
    const { snakeClean } = await import('../../src/ingest/normalize/vendors/okta/util.js');
    const out = snakeClean(JSON.parse('[{"__Proto__":{"ip":"1.2.3.4"},"ip":"10.0.0.1"}]')) as Record<string, unknown>[];
    const first = out[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(first).toEqual({ ip: '10.0.0.1' });
  });
});

/** One record through the batch stage: each document as dataset:action, each dead letter as written. */
function prepared(value: unknown): Omit<PreparedOutcome, 'ids'> {
  const { actions, dead } = prepareRecords('okta', [JSON.stringify(value)]);
  return { actions, dead };
}

describe('okta: a record that is not a LogEvent is never indexed as one (issue 9)', () => {
  it('dead-letters a record without eventType as an unknown shape', () => {
    const noType = { uuid: 'u-9', published: '2024-05-01T10:00:00.000Z', actor: { id: '00u1', type: 'User', alternateId: 'alice@example.com' }, outcome: { result: 'SUCCESS' } };
    expect(prepared(noType)).toEqual({ actions: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_UNKNOWN_SOURCE', path: '$.eventType', eventIndex: 0 }] });
  });

  it('reads Panther\'s lower-cased rows (eventtype, displaymessage, …) as the LogEvent they are', () => {
    const lowered = { uuid: 'u-10', published: '2024-05-01T10:00:00.000Z', eventtype: 'user.session.start', displaymessage: 'User login to Okta', actor: { id: '00u1' } };
    expect(prepared(lowered)).toEqual({ actions: ['okta.system:user.session.start'], dead: [] });
  });

  it('keeps a hostile __proto__ key of a lower-cased row a plain member', () => {
    const hostile = JSON.parse('{"uuid":"u-11","published":"2024-05-01T10:00:00.000Z","eventtype":"user.session.start","__proto__":{"polluted":1}}') as unknown;
    expect(prepared(hostile)).toEqual({ actions: ['okta.system:user.session.start'], dead: [] });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('indexes the same record with its eventType', () => {
    const ok = { uuid: 'u-9', published: '2024-05-01T10:00:00.000Z', eventType: 'user.session.start', actor: { id: '00u1', type: 'User', alternateId: 'alice@example.com' }, outcome: { result: 'SUCCESS' } };
    expect(prepared(ok)).toEqual({ actions: ['okta.system:user.session.start'], dead: [] });
  });
});
