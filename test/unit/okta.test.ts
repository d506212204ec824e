import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafPaths } from '../../src/ecs/index.js';
import { normalizeOktaSystem } from '../../src/ingest/index.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

const opts = { original: undefined };

/** Leaf fields of Elastic's output that Sift's Okta slice maps today. */
const CLAIMED = [
  /^@timestamp$/,
  /^event\.(id|action|kind|outcome|category|type)$/,
  /^user\.(name|email|full_name)$/,
  /^user\.target\.(id|full_name|group\.(id|name))$/,
  /^source\.(ip|domain)$/,
  /^source\.user\./,
  /^client\.(ip|domain)$/,
  /^client\.user\./,
  /^client\.geo\./,
  /^client\.as\./,
  /^user_agent\.original$/,
  /^related\./,
  /^okta\./,
];

/**
 * Claimed fields Sift names differently on purpose: the Elastic version that
 * wrote this corpus kept these OAuth debug keys camelCase; its current
 * pipeline (and Sift) renames them client_secret, grant_type, granted_scopes
 * and requested_scopes.
 */
const RENAMED_SINCE = /^okta\.debug_context\.debug_data\.(clientSecret|grantType|grantedScopes|requestedScopes)$/;

function normalizeValue(v: unknown): unknown {
  if (Array.isArray(v)) return [...v].map((x) => JSON.stringify(x)).sort();
  return v;
}

describe('okta.system normalizer against Elastic expected documents', () => {
  const { expected } = elasticExpected('okta', 'system', 'test-okta-system-no-flattened-events.log');

  it('matches every claimed field of every expected document', () => {
    let compared = 0;
    let refused = 0;
    const mismatches: string[] = [];
    for (const doc of expected) {
      const event = doc['event'] as { original: string };
      const raw = JSON.parse(event.original) as { published: string };
      const result = normalizeOktaSystem(raw, opts);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(raw.published)) {
        // Elastic keeps the ingest-time @timestamp when `published` does not
        // parse ("2025-08-19T19: 49: 51.342Z" in this corpus). Sift never
        // substitutes the clock: such a record goes to the DLQ.
        expect(result).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
        refused++;
        continue;
      }
      expect(result.ok).toBe(true);
      if (result.ok !== true) continue;
      const ours = leafPaths(result.event);
      for (const [path, value] of leafPaths(doc)) {
        if (!CLAIMED.some((re) => re.test(path)) || RENAMED_SINCE.test(path)) continue;
        compared++;
        if (JSON.stringify(normalizeValue(ours.get(path))) !== JSON.stringify(normalizeValue(value))) {
          mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(ours.get(path))}`);
        }
      }
    }
    expect(refused).toBeLessThanOrEqual(1);
    expect(compared).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
  });

  it('categorizes session and authentication events as Elastic does', () => {
    for (const doc of expected) {
      const ev = doc['event'] as { original: string; category?: string[]; type?: string[]; action: string };
      if (!ev.category || !/^(user\.session\.(start|end)|policy\.evaluate_sign_on|user\.authentication\.sso|group\.user_membership\.add)$/.test(ev.action)) continue;
      const r = normalizeOktaSystem(JSON.parse(ev.original), opts);
      if (r.ok !== true) throw new Error('normalize failed');
      expect(new Set(r.event.event.category)).toEqual(new Set(ev.category));
      expect(new Set(r.event.event.type)).toEqual(new Set(ev.type));
    }
  });

  it('returns the uuid as the vendor id', () => {
    const first = expected[0]?.['event'] as { original: string };
    const r = normalizeOktaSystem(JSON.parse(first.original), opts);
    expect(r.ok && r.vendorId).toBe('faf7398a-4f77-11ea-97fb-5925e98228bd');
  });
});

/**
 * Fields where the older pipeline that wrote test-okta-system-events.json
 * (ECS 8.6) differs from the current one, which Sift follows: it cut the
 * domain off user names ("username"), typed sessions "user" instead of
 * "info", left the login out of related.user and moved target ids and names
 * out of okta.target.
 */
const OLD_PIPELINE = /^((source|client)\.user\.name|user\.name|related\.user|event\.type|okta\.target)$/;

describe('okta.system normalizer against the older JSON-wrapped expected documents', () => {
  const { input, expected } = elasticExpected('okta', 'system', 'test-okta-system-events.json');
  // Records 1-3 hold three newline-joined events; Elastic mapped only the first.
  const records = (JSON.parse(input) as { events: { message: string }[] }).events.map((e) => e.message.split('\n')[0] ?? '');

  it('matches every claimed field of the first event of each record', () => {
    expect(records.length).toBe(expected.length);
    let compared = 0;
    const mismatches: string[] = [];
    expected.forEach((doc, i) => {
      const result = normalizeOktaSystem(JSON.parse(records[i] ?? '{}'), opts);
      expect(result.ok).toBe(true);
      if (result.ok !== true) return;
      const ours = leafPaths(result.event);
      for (const [path, value] of leafPaths(doc)) {
        if (!CLAIMED.some((re) => re.test(path)) || OLD_PIPELINE.test(path)) continue;
        compared++;
        if (JSON.stringify(normalizeValue(ours.get(path))) !== JSON.stringify(normalizeValue(value))) {
          mismatches.push(`#${i} ${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(ours.get(path))}`);
        }
      }
    });
    expect(compared).toBeGreaterThan(400);
    expect(mismatches).toEqual([]);
  });
});

describe('okta.system normalizer on Panther raw events', () => {
  const logs = pantherLogs('okta_rules');
  it('normalizes every raw Okta event that has a timestamp, and refuses the others', () => {
    expect(logs.length).toBeGreaterThan(30);
    let ok = 0;
    for (const { rule, test } of logs) {
      const published = (test.log as { published?: unknown }).published;
      const r = normalizeOktaSystem(test.log, opts);
      if (typeof published === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/.test(published)) {
        expect(r.ok, `${rule}/${test.name}`).toBe(true);
        if (r.ok !== true) continue;
        ok++;
        expect(r.event.event.dataset).toBe('okta.system');
        // Panther's rows lower-case the top-level keys (`eventtype`): the same LogEvent, the same action.
        const log = test.log as { eventType?: unknown; eventtype?: unknown };
        expect(r.event.event.action, `${rule}/${test.name}`).toBe(log.eventType ?? log.eventtype);
        expect(r.event['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      } else {
        // Panther's fixtures sometimes omit or redact `published`: no clock fallback.
        expect(r.ok, `${rule}/${test.name}`).toBe(false);
        if (r.ok === false) expect(r.code).toMatch(/^SIFT_NORMALIZE_(NO|BAD)_TIMESTAMP$/);
      }
    }
    expect(ok).toBeGreaterThan(30);
  });
});

describe('okta.system normalizer on hostile input', () => {
  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        normalizeOktaSystem(v, opts);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary values at the places it reads', () => {
    const anyJson = fc.jsonValue();
    const event = fc.record(
      {
        published: fc.oneof(fc.constant('2024-01-01T00:00:00.000Z'), anyJson),
        uuid: anyJson,
        eventType: anyJson,
        actor: fc.oneof(anyJson, fc.record({ id: anyJson, alternateId: anyJson, displayName: anyJson, type: anyJson })),
        client: fc.oneof(anyJson, fc.record({ ipAddress: anyJson, userAgent: anyJson, geographicalContext: anyJson })),
        target: fc.oneof(anyJson, fc.array(fc.record({ type: fc.constantFrom('User', 'UserGroup'), id: anyJson, alternateId: anyJson }))),
        debugContext: fc.record({ debugData: anyJson }),
        request: fc.record({ ipChain: anyJson }),
        securityContext: anyJson,
        outcome: anyJson,
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(event, (e) => void normalizeOktaSystem(e, opts)), { numRuns: 2000 });
  });

  it('lets no prototype pollution through', () => {
    const hostile = JSON.parse(
      '{"published":"2024-01-01T00:00:00Z","uuid":"u1","eventType":"user.session.start","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},' +
        '"debugContext":{"debugData":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"ok":"1"}},' +
        '"target":[{"__proto__":{"polluted":1},"type":"User","id":"t"}],"request":{"ipChain":[{"__proto__":{"polluted":1},"ip":"1.2.3.4"}]}}',
    ) as unknown;
    const r = normalizeOktaSystem(hostile, opts);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const text = JSON.stringify(r.ok === true ? r.event : null);
    expect(text).not.toContain('__proto__');
    expect(text).not.toContain('polluted');
  });

  it('refuses a missing or unparsable timestamp instead of using the clock', () => {
    const missing = normalizeOktaSystem({ uuid: 'x', eventType: 'user.session.start' }, opts);
    expect(missing).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP', path: '$.published' });
    const bad = normalizeOktaSystem({ uuid: 'x', published: 'yesterday' }, opts);
    expect(bad).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
    const wrongType = normalizeOktaSystem({ uuid: 'x', published: 1700000000 }, opts);
    expect(wrongType).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
  });
});
