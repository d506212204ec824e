import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createSerializer, fieldsOf, leafPaths, type EcsEvent, type FieldDef } from '../../src/ecs/index.js';
import { sourceFor, type NormalizeResult } from '../../src/ingest/index.js';

/**
 * The compliance suite every source passes (see STYLE.md): its output matches
 * the ECS catalog, serialization round-trips, random JSON never throws,
 * output is deterministic, and hostile keys cannot pollute prototypes.
 * `rawEvents` are vendor events as they arrive (before explode).
 */
export function complianceSuite(vendor: string, rawEvents: () => unknown[]): void {
  const source = sourceFor(vendor);
  if (!source) throw new Error(`no source ${vendor}`);

  const normalizeAll = (raw: unknown): NormalizeResult[] => {
    const units = source.explode(raw);
    if (!Array.isArray(units)) return [units as NormalizeResult];
    return (units as unknown[]).map((u) => source.normalize(u, { original: undefined }));
  };

  it(`${vendor}: emits only catalog fields, with compatible types`, () => {
    const problems = new Set<string>();
    let checked = 0;
    for (const raw of rawEvents()) {
      for (const r of normalizeAll(raw)) {
        if (r.ok !== true) continue;
        const fields = fieldsOf(r.event.event.dataset);
        if (!fields) {
          problems.add(`dataset ${r.event.event.dataset} is not declared`);
          continue;
        }
        for (const [path, value] of leafPaths(r.event)) {
          if (fields.some((f) => f.type === 'geo_point' && path.startsWith(`${f.name}.`))) continue;
          const field = fields.find((f) => f.name === path || (f.type === 'flattened' && path.startsWith(`${f.name}.`)));
          checked++;
          if (!field) problems.add(`${path}: not in the catalog`);
          else if (!compatible(field, value)) problems.add(`${path}: ${JSON.stringify(value).slice(0, 80)} is not a ${field.type}${field.array ? '[]' : ''}`);
        }
      }
    }
    expect([...problems]).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it(`${vendor}: serializes every document without loss (round trip)`, () => {
    for (const raw of rawEvents()) {
      for (const r of normalizeAll(raw)) {
        if (r.ok !== true) continue;
        const serialize = createSerializer(fieldsOf(r.event.event.dataset) ?? []);
        expect(JSON.parse(serialize(r.event))).toEqual(JSON.parse(JSON.stringify(r.event)));
      }
    }
  });

  it(`${vendor}: is deterministic`, () => {
    for (const raw of rawEvents()) expect(JSON.stringify(normalizeAll(raw))).toBe(JSON.stringify(normalizeAll(raw)));
  });

  it(`${vendor}: never throws on arbitrary JSON`, () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => void normalizeAll(v)), { numRuns: 1000 });
  });

  it(`${vendor}: never throws on corpus events with values replaced by arbitrary JSON`, () => {
    const events = rawEvents();
    if (events.length === 0) return;
    const mutated = fc.tuple(fc.integer({ min: 0, max: events.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.jsonValue()), { maxLength: 6 })).map(([i, edits]) => mutate(events[i], edits));
    fc.assert(fc.property(mutated, (v) => void normalizeAll(v)), { numRuns: 500 });
  });

  it(`${vendor}: lets no prototype pollution through`, () => {
    for (const raw of rawEvents().slice(0, 50)) {
      const hostile = JSON.parse(injectHostileKeys(JSON.stringify(raw))) as unknown;
      const results = normalizeAll(hostile);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      for (const r of results) {
        if (r.ok !== true) continue;
        const text = JSON.stringify(r.event as EcsEvent);
        expect(text).not.toContain('"__proto__"');
        expect(text).not.toContain('polluted');
      }
    }
  });
}

/** Adds `__proto__`, `constructor.prototype` keys to every object of a JSON text. */
function injectHostileKeys(text: string): string {
  return text.replace(/\{(?=")/g, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},');
}

/** Replaces values at pseudo-random leaf positions with other JSON. */
function mutate(event: unknown, edits: [number, unknown][]): unknown {
  const copy = JSON.parse(JSON.stringify(event)) as unknown;
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        slots.push({ parent: v, key: i });
        walk(x);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        slots.push({ parent: v as Record<string, unknown>, key: k });
        walk(x);
      }
    }
  };
  walk(copy);
  for (const [n, value] of edits) {
    const slot = slots[n % Math.max(1, slots.length)];
    if (slot) (slot.parent as Record<string | number, unknown>)[slot.key] = value;
  }
  return copy;
}

export function compatible(field: FieldDef, value: unknown): boolean {
  if (Array.isArray(value) && !field.array && field.type !== 'flattened') return false;
  const values = Array.isArray(value) ? value : [value];
  return values.every((v) => {
    switch (field.type) {
      case 'long':
        // Integers beyond 2^53 travel as digit strings (decode keeps them exact).
        return Number.isInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v));
      case 'float':
        return typeof v === 'number';
      case 'boolean':
        return typeof v === 'boolean';
      case 'flattened':
        return true;
      case 'ip':
        return typeof v === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) || v.includes(':'));
      case 'date':
        return typeof v === 'string' && !Number.isNaN(Date.parse(v));
      default:
        return typeof v === 'string';
    }
  });
}
