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
import { debugDataOf } from './debug.js';
import { targetsOf } from './target.js';
import { compact, embeddedJson, snakeClean } from './util.js';

export const DATASET = 'okta.system';

function outcomeOf(result: string | undefined): 'success' | 'failure' | 'unknown' {
  switch (result?.toUpperCase()) {
    case 'SUCCESS':
    case 'ALLOW':
      return 'success';
    case 'FAILURE':
    case 'DENY':
      return 'failure';
    default:
      // SKIPPED, CHALLENGE, UNKNOWN or no outcome at all: the action neither
      // clearly succeeded nor failed (Elastic sets "unknown" the same way).
      return 'unknown';
  }
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

/** The Okta Verify / Device Trust device (`device`, snake_case already), as okta.device.*. */
function deviceOf(device: Obj | undefined): JsonObject | undefined {
  if (!device) return undefined;
  return compact({
    id: str(device, 'id'),
    name: str(device, 'name'),
    os_platform: str(device, 'os_platform'),
    os_version: str(device, 'os_version'),
    managed: bool(device, 'managed'),
    registered: bool(device, 'registered'),
    jailbreak: bool(device, 'jailbreak'),
    secure_hardware_present: bool(device, 'secure_hardware_present'),
    disk_encryption_type: str(device, 'disk_encryption_type'),
    screen_lock_type: str(device, 'screen_lock_type'),
    // Sometimes an object, sometimes a JSON string (Elastic parses the latter).
    device_integrator: integratorOf(device['device_integrator']),
  });
}

function integratorOf(v: unknown): JsonObject | undefined {
  const parsed = typeof v === 'string' ? embeddedJson(v) : cleanJson(v);
  return isObj(parsed) ? (parsed as JsonObject) : undefined;
}

const emailOf = (login: string | undefined): string | undefined => (login !== undefined && login.indexOf('@') > 0 ? login : undefined);

/** The LogEvent's top-level members (System Log API reference), by their lower-cased names. */
const TOP_LEVEL_BY_LOWER = new Map(
  [
    'uuid', 'published', 'eventType', 'version', 'severity', 'legacyEventType', 'displayMessage', 'actor', 'client', 'device',
    'outcome', 'target', 'transaction', 'debugContext', 'authenticationContext', 'securityContext', 'request',
  ].map((k) => [k.toLowerCase(), k]),
);

/**
 * Panther stores Okta LogEvents with lower-cased top-level keys (`eventtype`,
 * `displaymessage`, `authenticationcontext`; nested members keep Okta's
 * case). Such a row is the same LogEvent: its keys are given back their
 * documented names, so it is read exactly as the API's own shape.
 */
function canonicalLogEvent(raw: Obj): Obj {
  if (raw['eventType'] !== undefined || typeof raw['eventtype'] !== 'string') return raw;
  // No prototype: a hostile `__proto__` key stays a plain member.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(raw)) out[TOP_LEVEL_BY_LOWER.get(key) ?? key] = raw[key];
  return out;
}

export function normalizeOktaSystem(input: unknown, opts: NormalizeOptions): NormalizeResult {
  if (!isObj(input)) return failure(ErrorCode.NormalizeNotObject, 'an Okta LogEvent must be a JSON object', '$');
  const raw = canonicalLogEvent(input);
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
  // Every LogEvent has an eventType (the System Log API reference lists it as
  // always present). Without one this is not a LogEvent (a truncated export,
  // another system's record): indexed, it would pass for an event no rule can
  // ever match. Checked after the timestamp, so a record missing
  // both is reported for its timestamp, as it always was.
  if (eventType === undefined) {
    return failure(ErrorCode.DecodeUnknownSource, 'not an Okta System Log LogEvent: it has no "eventType"', '$.eventType');
  }
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

  const actorId = str(actor, 'id');
  const actorLogin = str(actor, 'alternateId');
  const actorName = str(actor, 'displayName');
  const clientIp = ip(client, 'ipAddress');
  const resultText = str(outcome, 'result');
  const cat = categorize(eventType);
  const targets = targetsOf(arr(raw, 'target'));

  const actorUser = compact({ id: actorId, name: actorLogin, email: emailOf(actorLogin), full_name: actorName });

  // Like Elastic: the actor, the target user, the login; and only the client
  // address, since proxies in the IP chain are not "related" to the actor in
  // the sense analysts pivot on.
  const relatedUser: string[] = [];
  pushUnique(relatedUser, actorName, targets.userDisplayName, actorLogin);
  const relatedIp: string[] = [];
  pushUnique(relatedIp, clientIp);

  const asNumber = int(security, 'asNumber');
  const asOrg = str(security, 'asOrg');
  const as = compact({ number: asNumber, organization: asOrg === undefined ? undefined : { name: asOrg } });
  const domain = str(security, 'domain');
  const authnInterface = str(authn, 'interface');

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
      target: compact({ ...targets.user, group: targets.group }),
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
      device: deviceOf(obj(raw, 'device')),
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
        // Elastic's pipeline files `interface` under authentication_provider
        // when no provider is given; kept so queries written for it match.
        authentication_provider: str(authn, 'authenticationProvider') ?? authnInterface,
        authentication_step: int(authn, 'authenticationStep'),
        credential_provider: str(authn, 'credentialProvider'),
        credential_type: str(authn, 'credentialType'),
        external_session_id: str(authn, 'externalSessionId'),
        root_session_id: str(authn, 'rootSessionId'),
        interface: authnInterface,
        issuer: compact({ id: str(issuer, 'id'), type: str(issuer, 'type') }),
      }),
      security_context: compact({
        as,
        domain,
        is_proxy: bool(security, 'isProxy'),
        isp: str(security, 'isp'),
      }),
      debug_context: compact({ debug_data: debugDataOf(debugData) }),
      request: compact({ ip_chain: snakeClean(ipChain) as JsonObject[] | undefined }),
      target: targets.list,
    }),
  };
  return { ok: true, event, vendorId: uuid };
}
