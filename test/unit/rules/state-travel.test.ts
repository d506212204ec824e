/**
 * travel: distance and speed between a group's consecutive events. The
 * distances are the published great-circle figures (New York → London
 * 5,570 km, Paris → London 344 km, computed by hand with the haversine
 * formula on a 6,371 km sphere), not this code's output.
 */
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../src/ecs/index.js';
import { compileRule, createEngine, decodeKeyed, encodeKeyed, formatIssue, parseRuleFile, type CompiledRule, type DetectInput, type StateEntry } from '../../../src/rules/index.js';
import { distanceKm, geoPointOf, travelAdd, travelCodec, type PlaceMark } from '../../../src/rules/state/index.js';
import { MIN, T0 } from './runtime-helpers.js';

const NEW_YORK = { lat: 40.7128, lon: -74.006 };
const LONDON = { lat: 51.5074, lon: -0.1278 };
const PARIS = { lat: 48.8566, lon: 2.3522 };
const HOUR = 60 * MIN;

describe('geo', () => {
  it('haversine distances', () => {
    expect(distanceKm(NEW_YORK, LONDON)).toBeCloseTo(5570, -1);
    expect(Math.round(distanceKm(NEW_YORK, LONDON))).toBe(5570);
    expect(Math.round(distanceKm(PARIS, LONDON))).toBe(344);
    expect(distanceKm(PARIS, PARIS)).toBe(0);
  });

  it('reads the geo_point forms Elasticsearch accepts', () => {
    expect(geoPointOf({ lat: 51.5, lon: -0.12 })).toEqual({ lat: 51.5, lon: -0.12 });
    expect(geoPointOf([-0.12, 51.5])).toEqual({ lat: 51.5, lon: -0.12 });
    expect(geoPointOf('51.5, -0.12')).toEqual({ lat: 51.5, lon: -0.12 });
    for (const bad of [{ lat: 91, lon: 0 }, { lat: '1', lon: 2 }, 'gcpvj0', [1, 2, 3], null, undefined]) expect(geoPointOf(bad)).toBeUndefined();
  });
});

const mark = (t: number, p: { lat: number; lon: number }, id = `m${t}`): PlaceMark => ({ t, id, s: undefined, ...p });
const P = { maxSpeedKmh: 900, minDistanceKm: 100, windowMs: 24 * HOUR };

describe('travelAdd', () => {
  it('New York then London 2 h later is impossible (≈ 2,785 km/h); 7 h later it is a flight', () => {
    const marks: PlaceMark[] = [];
    expect(travelAdd(marks, mark(0, NEW_YORK), P, -Infinity)).toBeUndefined();
    const fired = travelAdd(marks, mark(2 * HOUR, LONDON), P, -Infinity);
    expect(fired?.eventIds).toEqual(['m0', `m${2 * HOUR}`]);
    expect(Math.round(fired?.hop.distanceKm ?? 0)).toBe(5570);
    expect(Math.round(fired?.hop.speedKmh ?? 0)).toBe(2785);
    const slow: PlaceMark[] = [];
    travelAdd(slow, mark(0, NEW_YORK), P, -Infinity);
    expect(travelAdd(slow, mark(7 * HOUR, LONDON), P, -Infinity)).toBeUndefined(); // 796 km/h
  });

  it('short hops are ignored below min_distance_km; the same instant in two places is infinite speed', () => {
    const marks: PlaceMark[] = [];
    travelAdd(marks, mark(0, { lat: 48.8566, lon: 2.3522 }), P, -Infinity);
    // 50 km in one minute (3,000 km/h) but under 100 km.
    expect(travelAdd(marks, mark(MIN, { lat: 48.8566, lon: 3.0344 }), P, -Infinity)).toBeUndefined();
    const same: PlaceMark[] = [];
    travelAdd(same, mark(0, PARIS), P, -Infinity);
    expect(travelAdd(same, mark(0, LONDON), P, -Infinity)?.hop.speedKmh).toBe(Infinity);
  });

  it('a late event is compared with the event after it', () => {
    const marks: PlaceMark[] = [];
    travelAdd(marks, mark(10 * HOUR, LONDON), P, -Infinity);
    // Arrives later, happened 1 h before London: New York → London in 1 h.
    expect(travelAdd(marks, mark(9 * HOUR, NEW_YORK), P, -Infinity)?.eventIds).toEqual([`m${9 * HOUR}`, `m${10 * HOUR}`]);
  });

  it('pairs further apart than the window are not compared; nothing resets after a hop', () => {
    const marks: PlaceMark[] = [];
    travelAdd(marks, mark(0, NEW_YORK), { ...P, windowMs: HOUR }, -Infinity);
    expect(travelAdd(marks, mark(2 * HOUR, LONDON), { ...P, windowMs: HOUR }, -Infinity)).toBeUndefined();
    const trip: PlaceMark[] = [];
    travelAdd(trip, mark(0, NEW_YORK), P, -Infinity);
    expect(travelAdd(trip, mark(HOUR, LONDON), P, -Infinity)).toBeDefined();
    expect(travelAdd(trip, mark(2 * HOUR, LONDON), P, -Infinity)).toBeUndefined();
    expect(travelAdd(trip, mark(3 * HOUR, NEW_YORK), P, -Infinity)).toBeDefined();
  });

  it('round-trips through its codec', () => {
    const marks = [mark(0, NEW_YORK), mark(5, LONDON)];
    expect(travelCodec.decode(JSON.parse(JSON.stringify(travelCodec.encode(marks))))).toEqual(marks);
    expect(travelCodec.decode([[0, 'x', 'lat', 1]])).toBeUndefined();
  });
});

const RULE = `id: test.travel
name: t
description: t
version: 1
severity: high
scope: {datasets: [okta.system]}
detection:
  sign_in: {event.action: user.session.start, event.outcome: success}
  condition: sign_in
travel: {group_by: [user.name], location: client.geo.location, max_speed_kmh: 900, min_distance_km: 200}
output: {fields: [source.ip]}
`;

function compiled(text = RULE): CompiledRule {
  const parsed = parseRuleFile(text, 't.yml');
  expect(parsed.issues.map(formatIssue)).toEqual([]);
  const c = compileRule(parsed.rule as NonNullable<typeof parsed.rule>);
  expect(c.issues.map(formatIssue)).toEqual([]);
  return c.rule as CompiledRule;
}

function signIn(at: number, user: string, place: { lat: number; lon: number } | undefined, n: number): DetectInput {
  const event = {
    '@timestamp': new Date(T0 + at).toISOString(),
    event: { kind: 'event', dataset: 'okta.system', module: 'okta', action: 'user.session.start', outcome: 'success' },
    user: { name: user },
    source: { ip: `192.0.2.${n}` },
    // Where Okta's normalizer puts client.geographicalContext.geolocation.
    ...(place ? { client: { geo: { location: place } } } : {}),
  } as unknown as EcsEvent;
  return { event, id: `e${n}`, offset: String(n) };
}

describe('a travel rule in the engine', () => {
  const events = [
    signIn(0, 'alice', NEW_YORK, 1),
    signIn(0, 'bob', PARIS, 2),
    signIn(1 * HOUR, 'bob', LONDON, 3), // 344 km/h: possible
    signIn(2 * HOUR, 'alice', LONDON, 4), // 5,570 km in 2 h: alert
    signIn(2 * HOUR + MIN, 'alice', undefined, 5), // no location: skipped
  ];

  it('raises one alert with the hop in its fields (local mode)', () => {
    const d = createEngine([compiled()]).partition('t/0').evaluate(events);
    expect(d.map((x) => [x.groupKey, x.eventIds, x.fields])).toEqual([['["alice"]', ['e1', 'e4'], { 'user.name': 'alice', 'source.ip': '192.0.2.4', 'travel.distance_km': 5570, 'travel.speed_kmh': 2785 }]]);
  });

  it('checkpoints and restores: the second sign-in after a restart still pairs with the first', () => {
    const p = createEngine([compiled()]).partition('t/0');
    p.evaluate(events.slice(0, 1));
    const saved: StateEntry[] = p.checkpoint();
    const q = createEngine([compiled()]).partition('t/0');
    q.restore(saved);
    expect(q.evaluate(events.slice(1)).map((x) => x.eventIds)).toEqual([['e1', 'e4']]);
    // Replaying the first event again after the restore does not apply it twice.
    expect(q.evaluate(events.slice(0, 1))).toEqual([]);
  });

  it('routes by the group in keyed mode and fires in the detect stage from the projected event', () => {
    const engine = createEngine([compiled()]);
    const routed = engine.route('okta/0', events);
    expect(routed.detections).toEqual([]);
    // The location field travels in the keyed record (four events have a user; all four are keyed).
    const keyed = routed.keyed.map((k) => decodeKeyed(k.key, encodeKeyed(k)));
    expect(keyed.map((k) => (typeof k === 'string' ? k : k.key))).toEqual(['["alice"]', '["bob"]', '["bob"]', '["alice"]', '["alice"]']);
    const first = keyed[0];
    expect(typeof first === 'string' ? first : [first?.event.source, first?.event.client]).toEqual([{ ip: '192.0.2.1' }, { geo: { location: NEW_YORK } }]);
    const d = engine.partition('sift.keyed/0').evaluateKeyed(keyed.filter((k) => typeof k !== 'string'));
    expect(d.map((x) => x.eventIds)).toEqual([['e1', 'e4']]);
  });

  it('refuses a location field the dataset lacks, and bad numbers', () => {
    const bad = (travel: string): string =>
      parseRuleFile(RULE.replace(/^travel: .*$/m, `travel: ${travel}`), 't.yml').issues.map(formatIssue).join('\n') ||
      compileRule(parseRuleFile(RULE.replace(/^travel: .*$/m, `travel: ${travel}`), 't.yml').rule as NonNullable<ReturnType<typeof parseRuleFile>['rule']>).issues.map(formatIssue).join('\n');
    expect(bad('{max_speed_kmh: 0}')).toContain('travel.max_speed_kmh');
    expect(bad('{max_speed_kmh: 900, location: client.geo.locaton}')).toContain('unknown field "client.geo.locaton"');
    expect(bad('{min_distance_km: 10}')).toContain('travel.max_speed_kmh');
  });
});
