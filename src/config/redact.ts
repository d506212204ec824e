/**
 * Redaction driven by the spec's `secret` flags, not by key names: a field
 * is secret because its spec says so, wherever it sits and whatever it is
 * called. `sift config check` prints `redactConfig`, validation shows
 * values through `shownValue`, and the logger scrubs `secretValues` out of
 * every line it writes.
 */
import { redactUrl, redactUrlAsWritten, urlSecretParts } from '../shared/index.js';
import type { FieldSpec, ObjectSpec } from './spec.js';

type Env = Readonly<Record<string, string | undefined>>;
type Raw = Record<string, unknown>;

export const REDACTED = '[redacted]';

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `Name: value` → `Name: [redacted]`; an item without a colon is all secret. */
function redactHeader(item: string): string {
  const colon = item.indexOf(':');
  return colon < 0 ? REDACTED : `${item.slice(0, colon)}: ${REDACTED}`;
}

function redactField(f: FieldSpec, v: unknown): unknown {
  if (f.kind === 'object') return redactObject(f, v);
  if (f.kind === 'list') return Array.isArray(v) ? v.map((item) => redactObject(f.item, item)) : v;
  const secret = f.secret;
  if (!secret) return v;
  // An empty value is shown as empty: "not set" is worth seeing and holds nothing.
  if (v === '' || v === undefined) return v;
  if (Array.isArray(v)) return v.map((item) => (typeof item === 'string' && secret === 'header' ? redactHeader(item) : REDACTED));
  if (typeof v === 'string' && secret === 'url') return redactUrlAsWritten(v);
  return REDACTED;
}


function redactObject(s: ObjectSpec, v: unknown): unknown {
  if (!isObject(v)) return v;
  const out: Raw = {};
  for (const [key, value] of Object.entries(v)) {
    const f = Object.hasOwn(s.fields, key) ? s.fields[key] : undefined;
    out[key] = f ? redactField(f, value) : value;
  }
  return out;
}

/** A copy of a validated config with every secret masked, for printing. */
export function redactConfig(s: ObjectSpec, value: unknown): unknown {
  return redactObject(s, value);
}

function collect(f: FieldSpec, v: unknown, env: Env, out: string[]): void {
  if (f.kind === 'object') {
    if (isObject(v)) for (const [key, inner] of Object.entries(f.fields)) collect(inner, v[key], env, out);
    return;
  }
  if (f.kind === 'list') {
    if (Array.isArray(v)) for (const item of v) collect(f.item, item, env, out);
    return;
  }
  if (f.secretEnv && typeof v === 'string' && v !== '') {
    const held = env[v];
    if (held !== undefined && held !== '') out.push(held, ...urlSecretParts(held));
  }
  if (!f.secret) return;
  const values = Array.isArray(v) ? v : [v];
  for (const item of values) {
    if (typeof item !== 'string' || item === '') continue;
    if (f.secret === 'url') out.push(...urlSecretParts(item));
    else if (f.secret === 'header') out.push(item.slice(item.indexOf(':') + 1).trim());
    else out.push(item);
  }
}

/**
 * Every secret string a config holds (and the environment variables its
 * `*_env` fields name), for the logger to scrub. Strings under 4 characters
 * are left out: masking every "a" would wreck the logs and protect nothing.
 */
export function secretValues(s: ObjectSpec, value: unknown, env: Env = process.env): string[] {
  const out: string[] = [];
  collect(s, value, env, out);
  return [...new Set(out.filter((x) => x.length >= 4))];
}

/** Whether a spec holds a secret anywhere below it: a wrong-typed value there is not echoed either. */
export function holdsSecret(f: FieldSpec): boolean {
  if (f.kind === 'object') return Object.values(f.fields).some(holdsSecret);
  if (f.kind === 'list') return holdsSecret(f.item);
  return Boolean(f.secret);
}

/** How validation shows a value of field `f` in an error: secrets masked the way the spec says. */
export function shownValue(f: FieldSpec, v: unknown, describe: (v: unknown) => string): string {
  const secret = f.kind === 'object' || f.kind === 'list' ? holdsSecret(f) : f.secret;
  if (!secret) return describe(v);
  if (typeof v !== 'string') return typeof v === 'object' || v === undefined ? describe(v) : '(secret value)';
  if (secret === 'url') return JSON.stringify(redactUrl(v));
  if (secret === 'header') return JSON.stringify(redactHeader(v));
  return '(secret value)';
}
