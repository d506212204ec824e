/**
 * Typed readers over the YAML AST that record every problem as a located
 * issue instead of stopping at the first: an author fixing a rule sees all
 * of its mistakes in one run. Each reader returns `undefined` when the value
 * is unusable; the issue has then already been recorded.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type LineCounter } from 'yaml';
import type { JsonValue } from '../../ecs/index.js';
import { parseDuration } from './duration.js';
import { didYouMean } from './suggest.js';
import type { RuleIssue, SourcePos } from './types.js';

export interface Reader {
  readonly file: string;
  /** Set as soon as the id is read, so later issues name the rule. */
  ruleId: string | undefined;
  readonly issues: RuleIssue[];
  readonly lines: LineCounter;
  readonly doc: Document;
  readonly locations: Map<string, SourcePos>;
  /** Every alias's anchor, resolved once by checkAliases (aliases.ts). */
  aliases?: ReadonlyMap<Alias, unknown>;
}

export interface Entry {
  readonly key: string;
  readonly keyNode: unknown;
  readonly value: unknown;
  readonly path: string;
}

export type Scalar = string | number | boolean | null;

export const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
export const item = (path: string, index: number): string => `${path}[${index}]`;

/**
 * Follows an alias to its target; anchors are fine, the structure is what
 * counts. The target comes from the map checkAliases built: the yaml
 * package's own resolve walks the whole document on every call.
 */
export function resolve(r: Reader, node: unknown): unknown {
  if (!isAlias(node)) return node;
  return r.aliases === undefined ? node.resolve(r.doc) : r.aliases.get(node);
}

export function posOf(r: Reader, node: unknown): SourcePos | undefined {
  const start = (node as { range?: readonly number[] | null } | null | undefined)?.range?.[0];
  return start === undefined ? undefined : r.lines.linePos(start);
}

/** Remembers where a path's node is, for issues found later by the compiler. */
export function record(r: Reader, path: string, node: unknown): void {
  const pos = posOf(r, node);
  if (pos !== undefined && !r.locations.has(path)) r.locations.set(path, pos);
}

export function report(r: Reader, path: string, node: unknown, message: string): void {
  const pos = posOf(r, node) ?? r.locations.get(path);
  r.issues.push({
    file: r.file,
    ...(r.ruleId === undefined ? {} : { ruleId: r.ruleId }),
    path,
    ...(pos === undefined ? {} : { line: pos.line, col: pos.col }),
    message,
  });
}

/** The entries of a map node, or `undefined` (reported) when it is not a map. */
export function entries(r: Reader, node: unknown, path: string, what = 'a map'): Entry[] | undefined {
  const n = resolve(r, node);
  if (!isMap(n)) {
    report(r, path, n, `must be ${what}`);
    return undefined;
  }
  record(r, path, n);
  const out: Entry[] = [];
  for (const pair of n.items) {
    if (!isPair(pair)) continue;
    const k = resolve(r, pair.key);
    if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) {
      report(r, path, k, 'keys must be plain strings');
      continue;
    }
    const key = String(k.value);
    const p = child(path, key);
    record(r, p, k);
    out.push({ key, keyNode: k, value: resolve(r, pair.value), path: p });
  }
  return out;
}

/** Reports keys outside `allowed`; returns the entries as a lookup. */
export function checkKeys(r: Reader, list: readonly Entry[], allowed: readonly string[]): Map<string, Entry> {
  const byKey = new Map<string, Entry>();
  for (const e of list) {
    if (allowed.includes(e.key)) byKey.set(e.key, e);
    else report(r, e.path, e.keyNode, `unknown key "${e.key}"${didYouMean(e.key, allowed)}`);
  }
  return byKey;
}

/** A required key that is missing is reported at its parent. */
export function required(r: Reader, byKey: ReadonlyMap<string, Entry>, key: string, parentPath: string, parent: unknown): Entry | undefined {
  const e = byKey.get(key);
  if (e === undefined) report(r, child(parentPath, key), parent, 'is required');
  return e;
}

export function scalarOf(r: Reader, node: unknown): { ok: true; value: Scalar } | { ok: false } {
  const n = resolve(r, node);
  if (n === null || n === undefined) return { ok: true, value: null };
  if (!isScalar(n)) return { ok: false };
  const v = n.value;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'number' && Number.isFinite(v)) return { ok: true, value: v };
  return { ok: false };
}

export function readString(r: Reader, e: Entry, opts: { nonEmpty?: boolean } = {}): string | undefined {
  const s = scalarOf(r, e.value);
  if (!s.ok || typeof s.value !== 'string' || (opts.nonEmpty === true && s.value.trim() === '')) {
    report(r, e.path, e.value, opts.nonEmpty === true ? 'must be a non-empty string' : 'must be a string');
    return undefined;
  }
  return s.value;
}

export function readInt(r: Reader, e: Entry, min: number, max: number): number | undefined {
  const s = scalarOf(r, e.value);
  if (!s.ok || typeof s.value !== 'number' || !Number.isInteger(s.value) || s.value < min || s.value > max) {
    report(r, e.path, e.value, `must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return s.value;
}

export function readBool(r: Reader, e: Entry): boolean | undefined {
  const s = scalarOf(r, e.value);
  if (!s.ok || typeof s.value !== 'boolean') {
    report(r, e.path, e.value, 'must be true or false');
    return undefined;
  }
  return s.value;
}

/** A positive duration such as `5m`. */
export function readDuration(r: Reader, e: Entry): number | undefined {
  const s = scalarOf(r, e.value);
  const ms = s.ok && typeof s.value === 'string' ? parseDuration(s.value) : undefined;
  if (ms === undefined || ms === 0) {
    report(r, e.path, e.value, 'must be a positive duration: an integer and a unit of ms, s, m, h, d (e.g. 30s, 10m, 14d)');
    return undefined;
  }
  return ms;
}

/** The nodes of a list, or `undefined` (reported) when it is not a list. */
export function listOf(r: Reader, e: Entry, opts: { nonEmpty?: boolean } = {}): { node: unknown; path: string }[] | undefined {
  const n = resolve(r, e.value);
  if (!isSeq(n) || (opts.nonEmpty === true && n.items.length === 0)) {
    report(r, e.path, n, opts.nonEmpty === true ? 'must be a non-empty list' : 'must be a list');
    return undefined;
  }
  return n.items.map((node, i) => {
    const path = item(e.path, i);
    record(r, path, node);
    return { node: resolve(r, node), path };
  });
}

/** A list of strings (each checked by `valid` when given), duplicates refused. */
export function readStringList(r: Reader, e: Entry, opts: { nonEmpty?: boolean; valid?: (s: string) => string | undefined } = {}): string[] | undefined {
  const nodes = listOf(r, e, opts);
  if (nodes === undefined) return undefined;
  const out: string[] = [];
  let ok = true;
  for (const { node, path } of nodes) {
    const s = scalarOf(r, node);
    const problem = !s.ok || typeof s.value !== 'string' || s.value === '' ? 'must be a non-empty string' : opts.valid?.(s.value);
    if (problem !== undefined || !s.ok || typeof s.value !== 'string') {
      report(r, path, node, problem ?? 'must be a non-empty string');
      ok = false;
    } else if (out.includes(s.value)) {
      report(r, path, node, `"${s.value}" is listed twice`);
      ok = false;
    } else {
      out.push(s.value);
    }
  }
  return ok ? out : undefined;
}

/** Plain JSON for test events; YAML-only values (non-finite numbers, binary) are refused. */
export function readJson(r: Reader, e: Entry): JsonValue | undefined {
  let value: unknown;
  try {
    value = (resolve(r, e.value) as { toJS?: (d: Document) => unknown } | null)?.toJS?.(r.doc) ?? null;
  } catch (err) {
    // yaml refuses alias bombs (excessive alias count) by throwing.
    report(r, e.path, e.value, `cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const bad = firstNonJson(value);
  if (bad !== undefined) {
    report(r, e.path, e.value, `is not plain JSON: ${bad}`);
    return undefined;
  }
  return value as JsonValue;
}

function firstNonJson(v: unknown): string | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${String(v)} is not a JSON number`;
  if (Array.isArray(v)) return v.map(firstNonJson).find((x) => x !== undefined);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).map(firstNonJson).find((x) => x !== undefined);
  return `a ${typeof v} value`;
}
