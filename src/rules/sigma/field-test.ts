/**
 * One Sigma detection item (`field|modifiers: value(s)`) → one Sift field
 * test (`ecs.field|op|flags: value(s)`).
 */
import { base64, base64offset, windash, type Expansion } from './encode.js';
import { resolveField, type ResolvedField } from './fields/resolve.js';
import { ValueRewrite } from './fields/types.js';
import type { SigmaSource } from './logsource.js';
import { readChain, type Chain, type Transform } from './modifiers.js';
import { regexTokens } from './regex-flags.js';
import { ANY, hasSpecialText, hasWildcards, parseSigmaString, plainText, toSiftPattern, type SigmaString } from './sigma-string.js';
import { ok, unsupported, UnsupportedKind, type SiftValue, type Step } from './types.js';

export interface Scope {
  readonly source: SigmaSource;
  readonly datasets: readonly string[];
}

export interface SiftTest {
  readonly key: string;
  readonly value: SiftValue | readonly SiftValue[];
}

type Scalar = string | number | boolean | null;

const bad = (reason: string): Step<never> => unsupported(UnsupportedKind.value, reason);

function scalars(raw: unknown, key: string): Step<Scalar[]> {
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return bad(`${key} has an empty value list`);
  const out: Scalar[] = [];
  for (const v of list) {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') out.push(v);
    else if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
    // YAML 1.1 timestamps, nested maps and lists have no Sigma meaning as values.
    else return bad(`${key} has a value that is not a string, number, boolean or null`);
  }
  return ok(out);
}

const TRANSFORM: Readonly<Record<Transform, (v: SigmaString) => Expansion>> = { base64, base64offset, windash };

/** A value's alternatives after the chain's transforms (Sigma ORs them). */
function expand(value: SigmaString, transforms: readonly Transform[]): Step<SigmaString[]> {
  let values: SigmaString[] = [value];
  for (const t of transforms) {
    const next: SigmaString[] = [];
    for (const v of values) {
      const r = TRANSFORM[t](v);
      if (!r.ok) return bad(`modifier ${t}: ${r.reason}`);
      next.push(...r.values);
    }
    values = next;
  }
  return ok(values);
}

/** `cloudtrail.googleapis.com`-style API host → the Reports API application name. */
function rewrite(target: ResolvedField, s: SigmaString, key: string): Step<SigmaString> {
  if (target.rewrite !== ValueRewrite.googleapisApplication) return ok(s);
  if (hasWildcards(s)) return bad(`${key}: a wildcard in an API host name has no Reports API equivalent`);
  return ok([{ kind: 'text', text: plainText(s).replace(/\.googleapis\.com$/i, '') }]);
}

const uniq = (values: readonly SiftValue[]): SiftValue[] => [...new Map(values.map((v) => [`${typeof v}:${String(v)}`, v])).values()];
const single = (values: readonly SiftValue[]): SiftValue | readonly SiftValue[] => (values.length === 1 ? (values[0] as SiftValue) : values);

interface KeyFlags {
  readonly all: boolean;
  readonly cased: boolean;
  readonly i: boolean;
}

/** `field|op|all|cased|i`, leaving out what does not apply. */
function keyOf(field: string, op: string, flags: KeyFlags): string {
  return [field, op === 'equals' ? '' : op, flags.all ? 'all' : '', flags.cased ? 'cased' : '', flags.i ? 'i' : ''].filter((p) => p !== '').join('|');
}

/** `all` means something only over two or more distinct values. */
const listTest = (field: string, op: string, values: readonly SiftValue[], chain: Chain, flags: Partial<KeyFlags> = {}): SiftTest => {
  const distinct = uniq(values);
  const all = chain.all && distinct.length > 1;
  return { key: keyOf(field, op, { all, cased: flags.cased ?? false, i: flags.i ?? false }), value: single(distinct) };
};

/**
 * Values as one test. `all` over one value is that value (its transform
 * forms stay OR-ed, as Sigma expands them); over several values that each
 * expand to several forms it would be an AND of ORs, which one Sift test
 * cannot hold.
 */
function combine(groups: readonly (readonly SiftValue[])[], chain: Chain, key: string): Step<{ values: SiftValue[]; all: boolean }> {
  const flat = uniq(groups.flat());
  if (!chain.all || groups.length === 1) return ok({ values: flat, all: false });
  if (groups.some((g) => g.length > 1)) return bad(`${key}: |all over values that expand to several forms needs an AND of ORs on one field`);
  return ok({ values: flat, all: flat.length > 1 });
}

const numeric = (v: Scalar): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;

const boolOf = (v: Scalar): boolean | undefined =>
  typeof v === 'boolean' ? v : typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : undefined;

function exists(target: ResolvedField, values: readonly Scalar[], key: string): Step<SiftTest> {
  const [v] = values;
  const b = v === undefined ? undefined : boolOf(v);
  if (values.length !== 1 || b === undefined) return bad(`${key}: exists takes one boolean`);
  return ok({ key: `${target.field}|exists`, value: b });
}

function compare(target: ResolvedField, op: string, values: readonly Scalar[], chain: Chain, key: string): Step<SiftTest> {
  const nums: number[] = [];
  for (const v of values) {
    const n = numeric(v);
    if (n === undefined) return bad(`${key}: ${op} takes numbers`);
    nums.push(n);
  }
  return ok(listTest(target.field, op, nums, chain));
}

function cidr(target: ResolvedField, values: readonly Scalar[], chain: Chain, key: string): Step<SiftTest> {
  if (values.some((v) => typeof v !== 'string')) return bad(`${key}: cidr takes network strings`);
  return ok(listTest(target.cidrField ?? target.field, 'cidr', values as string[], chain));
}

function regex(target: ResolvedField, values: readonly Scalar[], chain: Chain, key: string): Step<SiftTest> {
  const patterns: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string') return bad(`${key}: re takes pattern strings`);
    const tokens = regexTokens(v);
    // The flags change only ^/$ (m) and . (s): without those tokens, dropping them is exact.
    if (chain.flags.has('m') && tokens.anchors) return unsupported(UnsupportedKind.modifier, `${key}: re|m (multi-line ^ and $) is not supported by Sift's regexes`);
    if (chain.flags.has('s') && tokens.dot) return unsupported(UnsupportedKind.modifier, `${key}: re|s (dot matches newline) is not supported by Sift's regexes`);
    patterns.push(v);
  }
  return ok(listTest(target.field, 're', patterns, chain, { i: chain.flags.has('i') }));
}

/** One alternative of a value: Sigma text, or a scalar compared as it is. */
type Alt = { readonly text: SigmaString } | { readonly scalar: number | boolean | null };

function alternatives(target: ResolvedField, v: Scalar, chain: Chain, key: string): Step<Alt[]> {
  if (v === null) return chain.op === 'equals' && chain.transforms.length === 0 ? ok([{ scalar: null }]) : bad(`${key}: null takes no modifier`);
  // Numbers and booleans stay typed for equals; string operators and transforms read their text (as Sigma does).
  if (typeof v !== 'string' && chain.op === 'equals' && chain.transforms.length === 0) return ok([{ scalar: v }]);
  const expanded = expand(parseSigmaString(String(v)), chain.transforms);
  if (!expanded.ok) return expanded;
  const out: Alt[] = [];
  for (const s of expanded.value) {
    const r = rewrite(target, s, key);
    if (!r.ok) return r;
    out.push({ text: r.value });
  }
  return ok(out);
}

const wrap = (op: Chain['op'], s: SigmaString): SigmaString =>
  op === 'contains' ? [ANY, ...s, ANY] : op === 'startswith' ? [...s, ANY] : op === 'endswith' ? [ANY, ...s] : s;

/** equals / contains / startswith / endswith over strings, numbers, booleans and null. */
function strings(target: ResolvedField, values: readonly Scalar[], chain: Chain, key: string): Step<SiftTest> {
  if (target.rewrite !== undefined && chain.op !== 'equals') return bad(`${key}: Sift stores this value in another form, so only equals tests carry over`);
  const groups: Alt[][] = [];
  for (const v of values) {
    const alts = alternatives(target, v, chain, key);
    if (!alts.ok) return alts;
    groups.push(alts.value);
  }
  // Values under one key share one operator: when any value has wildcards or escapes,
  // all of them are written as equals patterns (`*a*b*`), which are exact for every value.
  const asPattern = chain.op === 'equals' || groups.some((g) => g.some((a) => 'text' in a && (hasWildcards(a.text) || hasSpecialText(a.text))));
  const op = asPattern ? 'equals' : chain.op;
  const booleanField = target.type === 'boolean' && op === 'equals';
  const valueOf = (a: Alt): SiftValue => {
    if ('scalar' in a) return a.scalar;
    if (!asPattern) return plainText(a.text);
    const pattern = toSiftPattern(wrap(chain.op, a.text));
    // Okta's isProxy and the like are JSON booleans: compare as booleans, not as text.
    return booleanField && /^(true|false)$/i.test(pattern) ? pattern.toLowerCase() === 'true' : pattern;
  };
  const combined = combine(groups.map((g) => g.map(valueOf)), chain, key);
  if (!combined.ok) return combined;
  const { values: out, all } = combined.value;
  return ok({ key: keyOf(target.field, op, { all, cased: chain.cased, i: false }), value: single(out) });
}

export function convertItem(scope: Scope, sigmaKey: string, raw: unknown): Step<SiftTest> {
  const [field = '', ...modifiers] = sigmaKey.split('|');
  if (field.trim() === '') return unsupported(UnsupportedKind.keywords, `keyword search (${sigmaKey}) has no field`);
  const chain = readChain(modifiers);
  if (!chain.ok) return chain;
  const target = resolveField(scope.source, scope.datasets, field);
  if (!target.ok) return target;
  const values = scalars(raw, sigmaKey);
  if (!values.ok) return values;
  const t = target.value;
  const op = chain.value.op;
  if (op === 'exists') return exists(t, values.value, sigmaKey);
  if (t.existsOnly !== undefined) return unsupported(UnsupportedKind.field, `field ${field}: ${t.existsOnly}`);
  if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return compare(t, op, values.value, chain.value, sigmaKey);
  if (op === 'cidr') return cidr(t, values.value, chain.value, sigmaKey);
  if (op === 're') return regex(t, values.value, chain.value, sigmaKey);
  return strings(t, values.value, chain.value, sigmaKey);
}
