/**
 * Okta System Log → ECS (`okta.system`).
 *
 * Vendor schema: https://developer.okta.com/docs/reference/api/system-log/#logevent-object
 * (System Log API v1, LogEvent). Field names under `okta.*` follow Elastic's
 * Okta integration so Kibana content written for it works on these documents.
 */
import type { EcsEvent, JsonObject } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { arr, bool, cleanJson, int, ip, isObj, isoTimestamp, num, obj, pushUnique, str, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { categorize } from './categories.js';

export const DATASET = 'okta.system';

function outcomeOf(result: string | undefined): 'success' | 'failure' | 'unknown' | undefined {
  switch (result) {
    case 'SUCCESS':
    case 'ALLOW':
      return 'success';
    case 'FAILURE':
    case 'DENY':
      return 'failure';
    case undefined:
      return undefined;
    default:
      // SKIPPED, CHALLENGE, UNKNOWN: the action neither clearly succeeded nor failed.
      return 'unknown';
  }
}

const SNAKE_CACHE = new Map<string, string>();
function snake(key: string): string {
  let s = SNAKE_CACHE.get(key);
  if (s === undefined) {
    s = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    if (SNAKE_CACHE.size < 10_000) SNAKE_CACHE.set(key, s);
  }
  return s;
}

/** Okta's camelCase keys → Elastic's snake_case, recursively (for flattened parts). */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    // cleanJson already removed __proto__/constructor/prototype keys.
    for (const key of Object.keys(v)) out[snake(key)] = snakeKeys(v[key]);
    return out;
  }
  return v;
}

/**
 * `undefined` when every member is undefined, else the object itself. Members
 * stay in place (the serializer skips undefined ones): deleting keys would
 * push V8 objects into slow dictionary mode on the hot path.
 */
function compact<T extends JsonObject>(o: T): T | undefined {
  for (const key in o) if (o[key] !== undefined) return o;
  return undefined;
}

function geoOf(geo: Obj | undefined): JsonObject | undefined {
  if (!geo) return undefined;
  const loc = obj(geo, 'geolocation');
  const lat = num(loc, 'lat');
  const lon = num(loc, 'lon');
  return compact({
    city_name: str(geo, 'city'),
    country_name: str(geo, 'country'),
    region_name: str(geo, 'state'),
    postal_code: str(geo, 'postalCode'),
    location: lat !== undefined && lon !== undefined ? { lat, lon } : undefined,
  });
}

/**
 * `logOnlySecurityData` is a JSON document inside a string, carrying Okta's
 * risk verdict ({"risk":{"level":"HIGH","reasons":"…"},"behaviors":{…}}).
 */
function securityDataOf(debug: Obj): Obj | undefined {
  const text = str(debug, 'logOnlySecurityData');
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObj(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Okta writes `risk` and `behaviors` as Java map strings:
 * "{reasons=Anomalous Device, Anomalous Location, level=HIGH}". Values may
 * contain ", ", so split only where a new `key=` starts.
 */
export function parseJavaMap(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (text === undefined || !text.startsWith('{') || !text.endsWith('}')) return out;
  for (const part of text.slice(1, -1).split(/, (?=[\w .-]+=)/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

const splitList = (v: string | undefined): string[] | undefined =>
  v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter((x) => x !== '');

function debugDataOf(debug: Obj | undefined): JsonObject | undefined {
  if (!debug) return undefined;
  const securityRisk = obj(securityDataOf(debug), 'risk');
  const risk = parseJavaMap(str(debug, 'risk'));
  const behaviors = parseJavaMap(str(debug, 'behaviors'));
  const positive = [...behaviors].filter(([, v]) => v === 'POSITIVE').map(([k]) => k);
  return compact({
    request_id: str(debug, 'requestId'),
    request_uri: str(debug, 'requestUri'),
    url: str(debug, 'url'),
    threat_suspected: str(debug, 'threatSuspected'),
    device_fingerprint: str(debug, 'deviceFingerprint'),
    dt_hash: str(debug, 'dtHash'),
    factor: str(debug, 'factor'),
    risk_level: str(securityRisk, 'level') ?? risk.get('level'),
    risk_reasons: splitList(str(securityRisk, 'reasons') ?? risk.get('reasons')),
    risk_behaviors: positive.length > 0 ? positive : undefined,
    flattened: cleanJson(debug) as JsonObject | undefined,
  });
}

export function normalizeOktaSystem(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'an Okta LogEvent must be a JSON object', '$');
  const published = raw['published'];
  if (published === undefined || published === null) {
    return failure(ErrorCode.NormalizeNoTimestamp, 'Okta LogEvent has no "published" timestamp', '$.published');
  }
  const timestamp = typeof published === 'string' ? isoTimestamp(published) : undefined;
  if (timestamp === undefined) {
    return failure(ErrorCode.NormalizeBadTimestamp, 'Okta "published" is not an RFC 3339 timestamp', '$.published');
  }

  const uuid = str(raw, 'uuid');
  const eventType = str(raw, 'eventType');
  const actor = obj(raw, 'actor');
  const client = obj(raw, 'client');
  const userAgent = obj(client, 'userAgent');
  const outcome = obj(raw, 'outcome');
  const security = obj(raw, 'securityContext');
  const authn = obj(raw, 'authenticationContext');
  const issuer = obj(authn, 'issuer');
  const transaction = obj(raw, 'transaction');
  const debugData = obj(obj(raw, 'debugContext'), 'debugData');
  const ipChain = arr(obj(raw, 'request'), 'ipChain');
  const targets = arr(raw, 'target');

  const actorId = str(actor, 'id');
  const actorLogin = str(actor, 'alternateId');
  const actorName = str(actor, 'displayName');
  const clientIp = ip(client, 'ipAddress');
  const resultText = str(outcome, 'result');
  const cat = eventType === undefined ? undefined : categorize(eventType);

  const actorUser = compact({
    id: actorId,
    name: actorLogin,
    email: actorLogin?.includes('@') ? actorLogin : undefined,
    full_name: actorName,
  });

  // The subject of admin actions: the first User target, and the group when
  // the action is about a group membership.
  let targetUser: JsonObject | undefined;
  let targetGroup: JsonObject | undefined;
  const relatedUser: string[] = [];
  const relatedIp: string[] = [];
  pushUnique(relatedUser, actorName);
  for (const t of targets ?? []) {
    if (!isObj(t)) continue;
    const type = str(t, 'type');
    if (type === 'User' && targetUser === undefined) {
      const login = str(t, 'alternateId');
      targetUser = compact({
        id: str(t, 'id'),
        name: login,
        email: login?.includes('@') ? login : undefined,
        full_name: str(t, 'displayName'),
      });
      pushUnique(relatedUser, str(t, 'displayName'));
    } else if (type === 'UserGroup' && targetGroup === undefined) {
      targetGroup = compact({ id: str(t, 'id'), name: str(t, 'displayName') });
    }
  }
  pushUnique(relatedUser, actorLogin);
  // Like Elastic, only the client address: proxies in the IP chain are not
  // "related" to the actor in the sense analysts pivot on.
  pushUnique(relatedIp, clientIp);

  const asNumber = int(security, 'asNumber');
  const asOrg = str(security, 'asOrg');
  const as = compact({ number: asNumber, organization: asOrg === undefined ? undefined : { name: asOrg } });
  const domain = str(security, 'domain');

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: {
      kind: 'event',
      dataset: DATASET,
      module: 'okta',
      provider: 'okta',
      id: uuid,
      action: eventType,
      outcome: outcomeOf(resultText),
      category: cat ? [...cat.category] : undefined,
      type: cat ? [...cat.type] : undefined,
      reason: str(outcome, 'reason'),
      original: opts.original,
    },
    message: str(raw, 'displayMessage'),
    user: compact({
      ...actorUser,
      target: compact({ ...targetUser, group: targetGroup }),
    }),
    source: compact({ ip: clientIp, domain, user: actorUser }),
    client: compact({ ip: clientIp, domain, user: actorUser, geo: geoOf(obj(client, 'geographicalContext')), as }),
    user_agent: compact({ original: str(userAgent, 'rawUserAgent') }),
    related: compact({
      user: relatedUser.length > 0 ? relatedUser : undefined,
      ip: relatedIp.length > 0 ? relatedIp : undefined,
    }),
    okta: compact({
      uuid,
      event_type: eventType,
      version: str(raw, 'version'),
      severity: str(raw, 'severity'),
      display_message: str(raw, 'displayMessage'),
      actor: compact({ id: actorId, type: str(actor, 'type'), alternate_id: actorLogin, display_name: actorName }),
      client: compact({
        id: str(client, 'id'),
        ip: clientIp,
        device: str(client, 'device'),
        zone: str(client, 'zone'),
        user_agent: compact({
          browser: str(userAgent, 'browser'),
          os: str(userAgent, 'os'),
          raw_user_agent: str(userAgent, 'rawUserAgent'),
        }),
      }),
      outcome: compact({ result: resultText, reason: str(outcome, 'reason') }),
      transaction: compact({
        id: str(transaction, 'id'),
        type: str(transaction, 'type'),
        detail: compact({
          request_api_token_id: str(obj(transaction, 'detail'), 'requestApiTokenId'),
          root_api_token_id: str(obj(transaction, 'detail'), 'rootApiTokenId'),
        }),
      }),
      authentication_context: compact({
        authentication_provider: str(authn, 'authenticationProvider'),
        authentication_step: int(authn, 'authenticationStep'),
        credential_provider: str(authn, 'credentialProvider'),
        credential_type: str(authn, 'credentialType'),
        external_session_id: str(authn, 'externalSessionId'),
        interface: str(authn, 'interface'),
        issuer: compact({ id: str(issuer, 'id'), type: str(issuer, 'type') }),
      }),
      security_context: compact({
        as,
        domain,
        is_proxy: bool(security, 'isProxy'),
        isp: str(security, 'isp'),
      }),
      debug_context: compact({ debug_data: debugDataOf(debugData) }),
      request: compact({ ip_chain: snakeKeys(cleanJson(ipChain)) as JsonObject[] | undefined }),
      target: snakeKeys(cleanJson(targets)) as JsonObject[] | undefined,
    }),
  };
  return { ok: true, event, vendorId: uuid };
}
