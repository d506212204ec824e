import { ECS_BASE, type FieldDef } from './catalog.js';
import type { Namespace } from './namespace.js';
import { NAMESPACES } from './namespaces/index.js';

function merge(namespaces: readonly Namespace[]): { ecs: FieldDef[]; perDataset: Record<string, readonly FieldDef[]> } {
  const ecs = new Map<string, FieldDef>(ECS_BASE.map((f) => [f.name, f]));
  for (const ns of namespaces) {
    for (const f of ns.ecsFields ?? []) {
      const known = ecs.get(f.name);
      if (known && (known.type !== f.type || Boolean(known.array) !== Boolean(f.array))) {
        throw new Error(`ECS catalog: ${f.name} is ${known.type} but the ${ns.vendor} namespace declares ${f.type}`);
      }
      if (!known) ecs.set(f.name, f);
    }
  }
  const perDataset: Record<string, readonly FieldDef[]> = {};
  for (const ns of namespaces) {
    for (const ds of ns.datasets) perDataset[ds] = [...ecs.values(), ...ns.fields];
  }
  return { ecs: [...ecs.values()], perDataset };
}

const merged = merge(NAMESPACES);

/** Every ECS field any dataset may carry (ECS_BASE plus what vendors add). */
export const ECS_FIELDS: readonly FieldDef[] = merged.ecs;

/**
 * Fields per dataset: all ECS fields plus the vendor's namespace. A dataset not
 * listed here cannot be emitted (the pipeline dead-letters such an event).
 */
export const DATASET_FIELDS: Readonly<Record<string, readonly FieldDef[]>> = merged.perDataset;

export function fieldsOf(dataset: string): readonly FieldDef[] | undefined {
  return Object.hasOwn(DATASET_FIELDS, dataset) ? DATASET_FIELDS[dataset] : undefined;
}

export function knownDatasets(): string[] {
  return Object.keys(DATASET_FIELDS);
}

/** Datasets of one vendor, e.g. every google_workspace.* dataset. */
export function datasetsOf(vendor: string): readonly string[] {
  return NAMESPACES.find((n) => n.vendor === vendor)?.datasets ?? [];
}

export function knownVendors(): string[] {
  return NAMESPACES.map((n) => n.vendor);
}
