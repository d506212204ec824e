import { shownValue } from './redact.js';
import type { FieldSpec, ObjectSpec } from './spec.js';

export interface ConfigIssue {
  /** Dotted path of the offending field, e.g. `kafka.brokers[1]`. */
  path: string;
  message: string;
}

type Raw = Record<string, unknown>;

function isPlainObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Validates `raw` against `s`, fills defaults, and rejects unknown keys.
 * Returns every issue found, not just the first, so a user fixes a file in one go.
 * Secret values are never echoed back in messages (redact.ts, by the spec's flags).
 */
export function validate(s: ObjectSpec, raw: unknown, path = ''): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const value = validateObject(s, raw ?? {}, path, issues);
  return { value, issues };
}

function validateObject(s: ObjectSpec, raw: unknown, path: string, issues: ConfigIssue[]): Raw {
  const out: Raw = {};
  if (!isPlainObject(raw)) {
    // A sink written as a bare string is most likely its hook URL: not echoed.
    issues.push({ path: path || '(root)', message: `expected an object, got ${shownValue(s, raw, describe)}` });
    return out;
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(s.fields, key)) {
      const known = Object.keys(s.fields).join(', ');
      issues.push({ path: join(path, key), message: `unknown key (known keys here: ${known})` });
    }
  }
  for (const [key, field] of Object.entries(s.fields)) {
    const v = validateField(field, raw[key], join(path, key), issues);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function validateField(f: FieldSpec, raw: unknown, path: string, issues: ConfigIssue[]): unknown {
  const shown = (v: unknown): string => shownValue(f, v, describe);
  switch (f.kind) {
    case 'object':
      return validateObject(f, raw ?? {}, path, issues);
    case 'string': {
      if (raw === undefined) {
        if (f.default === undefined && !f.optional) issues.push({ path, message: 'is required' });
        return f.default;
      }
      if (typeof raw !== 'string') {
        issues.push({ path, message: `expected a string, got ${shown(raw)}` });
        return f.default;
      }
      if (f.pattern && !f.pattern.test(raw)) {
        issues.push({ path, message: `expected ${f.patternHint ?? `to match ${f.pattern}`}, got ${shown(raw)}` });
      }
      return raw;
    }
    case 'int': {
      if (raw === undefined) return f.default;
      if (typeof raw !== 'number' || !Number.isInteger(raw)) {
        issues.push({ path, message: `expected an integer, got ${shown(raw)}` });
        return f.default;
      }
      if (f.min !== undefined && raw < f.min) issues.push({ path, message: `must be ≥ ${f.min}, got ${raw}` });
      if (f.max !== undefined && raw > f.max) issues.push({ path, message: `must be ≤ ${f.max}, got ${raw}` });
      return raw;
    }
    case 'bool': {
      if (raw === undefined) return f.default;
      if (typeof raw !== 'boolean') {
        issues.push({ path, message: `expected true or false, got ${shown(raw)}` });
        return f.default;
      }
      return raw;
    }
    case 'enum': {
      if (raw === undefined) return f.default;
      if (typeof raw !== 'string' || !f.values.includes(raw)) {
        issues.push({ path, message: `expected one of ${f.values.join(' | ')}, got ${shown(raw)}` });
        return f.default;
      }
      return raw;
    }
    case 'string_list': {
      if (raw === undefined) return [...f.default];
      if (!Array.isArray(raw)) {
        issues.push({ path, message: `expected a list of strings, got ${shown(raw)}` });
        return [...f.default];
      }
      if (f.minItems !== undefined && raw.length < f.minItems) {
        issues.push({ path, message: `needs at least ${f.minItems} item(s)` });
      }
      raw.forEach((item, i) => {
        if (typeof item !== 'string') issues.push({ path: join(path, i), message: `expected a string, got ${shown(item)}` });
        else if (f.pattern && !f.pattern.test(item)) {
          issues.push({ path: join(path, i), message: `expected ${f.patternHint ?? `to match ${f.pattern}`}, got ${shown(item)}` });
        }
      });
      return raw;
    }
    case 'list': {
      if (raw === undefined) return f.default.map((d) => validateObject(f.item, d, path, issues));
      if (!Array.isArray(raw)) {
        issues.push({ path, message: `expected a list, got ${shown(raw)}` });
        return [];
      }
      if (f.minItems !== undefined && raw.length < f.minItems) {
        issues.push({ path, message: `needs at least ${f.minItems} item(s)` });
      }
      return raw.map((item, i) => validateObject(f.item, item, join(path, i), issues));
    }
  }
}
