import { describe, expect, it } from 'vitest';
import { buildFieldTree, createSerializer, DATASET_FIELDS, fieldsOf, indexTemplate, leafPaths, type FieldDef } from '../../src/ecs/index.js';
import { normalizeOktaSystem } from '../../src/ingest/index.js';
import { generateOkta } from '../../src/generate/index.js';
import { compatible } from '../helpers/compliance.js';
import { elasticExpected, pantherLogs } from '../helpers/corpus.js';

/** Every okta.system event we can find: Elastic inputs, Panther raw events, generated traffic. */
function oktaEvents(): unknown[] {
  const { expected } = elasticExpected('okta', 'system', 'test-okta-system-no-flattened-events.log');
  return [
    ...expected.map((d) => JSON.parse((d['event'] as { original: string }).original) as unknown),
    ...pantherLogs('okta_rules').map((p) => p.test.log),
    ...[...generateOkta({ count: 300, seed: 7, start: new Date('2026-01-01T00:00:00Z') })].map((t) => JSON.parse(t) as unknown),
  ];
}

function fieldFor(path: string, fields: readonly FieldDef[]): FieldDef | undefined {
  // A leaf under a flattened field belongs to that field.
  return fields.find((f) => f.name === path || (f.type === 'flattened' && path.startsWith(`${f.name}.`)));
}

describe('ECS catalog', () => {
  const fields = fieldsOf('okta.system') ?? [];

  it('declares every field the okta.system normalizer emits, with a compatible type', () => {
    const problems = new Set<string>();
    let checked = 0;
    for (const raw of oktaEvents()) {
      const r = normalizeOktaSystem(raw, { original: 'x' });
      if (r.ok !== true) continue;
      for (const [path, value] of leafPaths(r.event)) {
        // geo_point is an object {lat, lon} in JSON: its leaves belong to it.
        const geo = fields.find((f) => f.type === 'geo_point' && path.startsWith(`${f.name}.`));
        if (geo) continue;
        const field = fieldFor(path, fields);
        checked++;
        if (!field) problems.add(`${path}: not in the catalog`);
        else if (!compatible(field, value)) problems.add(`${path}: ${JSON.stringify(value)} is not a ${field.type}${field.array ? '[]' : ''}`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect([...problems]).toEqual([]);
  });

  it('serializes without dropping or changing any declared field (round trip)', () => {
    const serialize = createSerializer(fields);
    for (const raw of oktaEvents()) {
      const r = normalizeOktaSystem(raw, { original: JSON.stringify(raw) });
      if (r.ok !== true) continue;
      expect(JSON.parse(serialize(r.event))).toEqual(JSON.parse(JSON.stringify(r.event)));
    }
  });

  it('drops keys the catalog does not declare', () => {
    const serialize = createSerializer(fields);
    const doc = { '@timestamp': '2024-01-01T00:00:00.000Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta', sneaky: 'x' }, nope: { a: 1 } };
    expect(JSON.parse(serialize(doc as never))).toEqual({ '@timestamp': '2024-01-01T00:00:00.000Z', event: { kind: 'event', dataset: 'okta.system', module: 'okta' } });
  });

  it.each(Object.entries(DATASET_FIELDS))('maps every catalog field of %s in its index template, with core types only', (dataset, datasetFields) => {
    const template = indexTemplate(dataset, datasetFields) as { index_patterns: string[]; template: { mappings: { properties: Record<string, unknown>; dynamic: boolean } } };
    expect(template.index_patterns).toEqual([`logs-${dataset}-*`]);
    expect(template.template.mappings.dynamic).toBe(false);
    const mapped = new Map<string, string>();
    const walk = (props: Record<string, unknown>, prefix: string): void => {
      for (const [k, v] of Object.entries(props)) {
        const m = v as { type?: string; properties?: Record<string, unknown> };
        const name = prefix ? `${prefix}.${k}` : k;
        if (m.properties) walk(m.properties, name);
        else mapped.set(name, m.type ?? '');
      }
    };
    walk(template.template.mappings.properties, '');
    const core = new Set(['keyword', 'text', 'date', 'ip', 'long', 'float', 'boolean', 'geo_point', 'flattened']);
    for (const f of datasetFields) {
      expect(mapped.get(f.name), f.name).toBe(f.type);
      expect(core.has(f.type)).toBe(true);
    }
    expect(mapped.size).toBe(datasetFields.length);
  });

  it('maps flattened fields so that long or deep vendor values cannot get a document rejected', () => {
    const template = indexTemplate('okta.system', fields) as { template: { mappings: { properties: { okta: { properties: { target: unknown } } } } } };
    expect(template.template.mappings.properties.okta.properties.target).toEqual({ type: 'flattened', ignore_above: 8191, depth_limit: 1000 });
  });

  it('refuses a catalog where a leaf is also a parent', () => {
    expect(() =>
      buildFieldTree([
        { name: 'a.b', type: 'keyword', description: '' },
        { name: 'a.b.c', type: 'keyword', description: '' },
      ]),
    ).toThrow(/a\.b/);
  });

  it('enforces the total-fields guard', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, type: 'keyword' as const, description: '' }));
    expect(() => indexTemplate('x', many, { totalFieldsLimit: 10 })).toThrow(/over the limit/);
  });

  it('has a catalog for every dataset with a normalizer', () => {
    expect(Object.keys(DATASET_FIELDS)).toContain('okta.system');
  });
});
