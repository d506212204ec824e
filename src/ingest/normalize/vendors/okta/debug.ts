/**
 * Okta `debugContext.debugData` → `okta.debug_context.debug_data.*`.
 *
 * debugData is an open map of strings whose keys depend on the event type
 * (https://developer.okta.com/docs/reference/api/system-log/#debugcontext-object).
 * Several values are structured text: `behaviors` and `risk` are Java map
 * strings, `logOnlySecurityData` and `tunnels` are JSON documents. Elastic's
 * Okta integration exposes debug data two ways, and Sift emits both:
 * - `flattened`: every key as Okta named it, with the structured strings
 *   parsed (its default, `use_flattened_debug`);
 * - named fields: the well-known keys renamed to snake_case (request_id,
 *   dt_hash, …), the risk verdict (risk_level, risk_reasons, risk_behaviors)
 *   and the other documented keys kept under their own names, with spaces and
 *   dashes in nested keys turned into underscores (its `no_use_flattened_debug`).
 */
import { OKTA_DEBUG_KEYWORD_KEYS as DEBUG_KEYWORD_KEYS } from '../../../../ecs/index.js';
import type { JsonObject, JsonValue } from '../../../../ecs/index.js';
import { cleanJson, isObj, obj, str, type Obj } from '../../accessors.js';
import { compact, embeddedJson } from './util.js';

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

/**
 * True when a plain `", "` split of the map body leaves a part with no `=`
 * (a value that itself holds ", "). Elastic keeps the raw text in
 * `risk_object` exactly then, because its key/value split gives up.
 */
function ambiguousJavaMap(text: string): boolean {
  if (!text.startsWith('{') || !text.endsWith('}')) return true;
  return text.slice(1, -1).split(', ').some((part) => !part.includes('='));
}

const parseJsonText = (text: string | undefined): JsonValue | undefined => embeddedJson(text) as JsonValue | undefined;

const mapObject = (m: Map<string, string>): JsonObject | undefined => (m.size > 0 ? Object.fromEntries(m) : undefined);

const underscore = (key: string): string => key.replace(/[ -]/g, '_');

/** Keys with spaces or dashes ("New Geo-Location") → "New_Geo_Location", recursively. */
function underscoreKeys(v: JsonValue | undefined): JsonValue | undefined {
  if (Array.isArray(v)) return v.map((x) => underscoreKeys(x) ?? null);
  if (isObj(v)) {
    const out: JsonObject = {};
    for (const key of Object.keys(v)) out[underscore(key)] = underscoreKeys(v[key] as JsonValue);
    return out;
  }
  return v;
}

const splitList = (v: string | undefined): string[] | undefined => {
  if (v === undefined) return undefined;
  const list = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  return list.length > 0 ? list : undefined;
};

/**
 * Debug data keys kept under their own (Okta) name as plain keywords, beside
 * the renamed ones: the list is declared once, with the catalog fields, in
 * src/ecs/namespaces/okta.ts. Others stay in `flattened` only.
 */
export { DEBUG_KEYWORD_KEYS };

/** Keys Elastic renames to snake_case (current integration), and their new names. */
const RENAMED: Readonly<Record<string, string>> = {
  requestId: 'request_id',
  requestUri: 'request_uri',
  url: 'url',
  threatSuspected: 'threat_suspected',
  deviceFingerprint: 'device_fingerprint',
  dtHash: 'dt_hash',
  factor: 'factor',
  clientSecret: 'client_secret',
  requestedScopes: 'requested_scopes',
  grantedScopes: 'granted_scopes',
  grantType: 'grant_type',
};

const RENAMED_KEYS: ReadonlyMap<string, string> = new Map(Object.entries(RENAMED));
const KEYWORD_KEYS: ReadonlySet<string> = new Set(DEBUG_KEYWORD_KEYS);

interface Risk {
  readonly object: JsonObject | undefined;
  /** The raw text, kept only when it could not be split into key/values. */
  readonly raw: string | undefined;
}

function riskOf(text: string | undefined): Risk {
  if (text === undefined) return { object: undefined, raw: undefined };
  const parsed = parseJavaMap(text);
  return { object: mapObject(parsed), raw: ambiguousJavaMap(text) ? text : undefined };
}

export function debugDataOf(debug: Obj | undefined): JsonObject | undefined {
  if (!debug) return undefined;
  const security = parseJsonText(str(debug, 'logOnlySecurityData'));
  const securityRisk = obj(isObj(security) ? security : undefined, 'risk');
  const behaviorsText = str(debug, 'behaviors');
  const behaviors = mapObject(parseJavaMap(behaviorsText));
  const risk = riskOf(str(debug, 'risk'));
  const riskObject = risk.object;
  const positive = behaviors ? Object.keys(behaviors).filter((k) => behaviors[k] === 'POSITIVE') : [];
  const tunnels = parseJsonText(str(debug, 'tunnels'));

  // Walk the keys Okta sent (a handful) rather than every key Sift knows
  // (dozens): only defined members are set, so the object stays small and in
  // V8's fast mode on the hot path.
  const out: JsonObject = {};
  const set = (key: string, value: JsonValue | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  for (const key of Object.keys(debug)) {
    const renamed = RENAMED_KEYS.get(key);
    if (renamed !== undefined) set(renamed, str(debug, key));
    else if (KEYWORD_KEYS.has(key)) set(key, str(debug, key));
  }
  set('risk_level', str(securityRisk, 'level') ?? str(riskObject, 'level'));
  set('risk_reasons', splitList(str(securityRisk, 'reasons') ?? str(riskObject, 'reasons')));
  set('risk_behaviors', positive.length > 0 ? positive : undefined);
  set('behaviors', underscoreKeys(behaviors));
  set('risk', riskObject);
  set('risk_object', risk.raw);
  set('logOnlySecurityData', underscoreKeys(security));
  set('originalPrincipal', underscoreKeys(cleanJson(obj(debug, 'originalPrincipal')) as JsonValue | undefined));
  set('tunnels', tunnels);
  set('flattened', flattenedOf(debug, { security, behaviors, risk, tunnels }));
  return compact(out);
}

interface Parsed {
  readonly security: JsonValue | undefined;
  readonly behaviors: JsonObject | undefined;
  readonly risk: Risk;
  readonly tunnels: JsonValue | undefined;
}

/** Every key as Okta sent it, with the structured strings parsed. */
function flattenedOf(debug: Obj, parsed: Parsed): JsonObject | undefined {
  const copy = cleanJson(debug) as JsonObject | undefined;
  if (copy === undefined) return undefined;
  if (parsed.security !== undefined) copy['logOnlySecurityData'] = parsed.security;
  if (parsed.behaviors !== undefined) copy['behaviors'] = parsed.behaviors;
  if (parsed.risk.object !== undefined) copy['risk'] = parsed.risk.object;
  if (parsed.risk.raw !== undefined) copy['risk_object'] = parsed.risk.raw;
  if (parsed.tunnels !== undefined) copy['tunnels'] = parsed.tunnels;
  return copy;
}
