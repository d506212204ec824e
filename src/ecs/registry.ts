import { ECS_BASE, type FieldDef } from './catalog.js';
import { OKTA_FIELDS } from './namespaces/okta.js';

/**
 * Fields per dataset: the ECS base plus the vendor namespace. A dataset not
 * listed here cannot be configured (the pipeline refuses to start).
 */
export const DATASET_FIELDS: Readonly<Record<string, readonly FieldDef[]>> = {
  'okta.system': [...ECS_BASE, ...OKTA_FIELDS],
};

export function fieldsOf(dataset: string): readonly FieldDef[] | undefined {
  return Object.hasOwn(DATASET_FIELDS, dataset) ? DATASET_FIELDS[dataset] : undefined;
}

export function knownDatasets(): string[] {
  return Object.keys(DATASET_FIELDS);
}
