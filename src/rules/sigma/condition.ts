/**
 * Sigma's `condition` → Sift's. The boolean grammar is the same (and, or,
 * not, parentheses, `1 of x*`, `any of`, `all of`, `them`), so the text is
 * re-written token by token, after checking that every name resolves to a
 * selection. Sigma's aggregations are the deprecated v1 correlation syntax:
 * `| count() …` is read by aggregation.ts (Sift's threshold or
 * cardinality); `| near` and the others are reported, not translated.
 */
import { parseAggregation, type SigmaAggregation } from './aggregation.js';
import { ok, unsupported, UnsupportedKind, type Step } from './types.js';

/** A converted condition, with the aggregation its `| …` part asks for. */
export interface SiftCondition {
  readonly condition: string;
  readonly aggregation?: SigmaAggregation;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any', '1']);

/** Selection names and `x*` patterns as Sigma's condition grammar allows them. */
const NAME = /^[A-Za-z_][A-Za-z0-9_.*-]*$|^\*$/;

function tokenize(text: string): string[] {
  return text.replace(/[()]/g, ' $& ').split(/\s+/).filter((t) => t !== '');
}

/**
 * `*` glob over a selection name, by the classic two-pointer walk (at most
 * O(pattern × name), no regex built from rule text).
 */
function globMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function rejoin(tokens: readonly string[]): string {
  let out = '';
  for (const t of tokens) {
    if (out === '' || out.endsWith('(') || t === ')') out += t;
    else out += ` ${t}`;
  }
  return out;
}

/** One condition text, checked against the selection names; an aggregation after `|` is read too. */
function convertOne(text: string, names: readonly string[]): Step<SiftCondition> {
  if (!text.includes('|')) {
    const search = convertSearch(text, names);
    return search.ok ? ok({ condition: search.value }) : search;
  }
  const agg = text.slice(text.indexOf('|') + 1).trim();
  if (/^near\b/i.test(agg) || agg.includes('|')) {
    const kind = /^near\b/i.test(agg) ? 'a temporal proximity (near) aggregation' : 'a chain of aggregations';
    return unsupported(UnsupportedKind.aggregation, `condition has ${kind} (| ${agg}), Sigma's deprecated correlation syntax`);
  }
  const aggregation = parseAggregation(agg);
  if (!aggregation.ok) return aggregation;
  const search = convertSearch(text.slice(0, text.indexOf('|')), names);
  return search.ok ? ok({ condition: search.value, aggregation: aggregation.value }) : search;
}

/** The search part of a condition, re-written token by token. */
function convertSearch(text: string, names: readonly string[]): Step<string> {
  const tokens = tokenize(text);
  if (tokens.length === 0) return unsupported(UnsupportedKind.condition, 'condition is empty');
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const lower = t.toLowerCase();
    if (t === '(' || t === ')') out.push(t);
    else if (KEYWORDS.has(lower)) out.push(lower);
    else if (!NAME.test(t)) return unsupported(UnsupportedKind.condition, `condition token ${JSON.stringify(t)} is not Sigma condition syntax`);
    else {
      const quantified = tokens[i - 1]?.toLowerCase() === 'of';
      const hit = t.includes('*') ? quantified && names.some((n) => globMatches(t, n)) : names.includes(t);
      if (!hit) {
        return unsupported(UnsupportedKind.condition, t.includes('*') && !quantified ? `pattern ${t} needs "1 of" or "all of"` : `condition names ${t}, which matches no selection`);
      }
      out.push(t);
    }
  }
  return ok(rejoin(out));
}

/** A list of conditions is Sigma v1's "any of these queries": their OR. An aggregation counts one query, so it stands alone. */
export function convertCondition(raw: unknown, names: readonly string[]): Step<SiftCondition> {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || list.some((c) => typeof c !== 'string')) return unsupported(UnsupportedKind.condition, 'condition must be a string or a list of strings');
  const parts: SiftCondition[] = [];
  for (const c of list as string[]) {
    const r = convertOne(c, names);
    if (!r.ok) return r;
    parts.push(r.value);
  }
  const [first] = parts;
  if (parts.length === 1 && first !== undefined) return ok(first);
  if (parts.some((p) => p.aggregation !== undefined)) return unsupported(UnsupportedKind.aggregation, 'a list of conditions with an aggregation: each would count on its own');
  return ok({ condition: parts.map((p) => `(${p.condition})`).join(' or ') });
}
