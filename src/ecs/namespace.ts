import type { FieldDef, FieldType } from './catalog.js';

/**
 * What one vendor contributes to the catalog: the datasets it emits, its own
 * `<vendor>.*` fields, and any ECS fields beyond ECS_BASE that its normalizers
 * fill (cloud.*, url.*, …). The registry merges the ECS fields of all vendors
 * and refuses two declarations of one name with different types.
 */
export interface Namespace {
  readonly vendor: string;
  readonly datasets: readonly string[];
  readonly fields: readonly FieldDef[];
  readonly ecsFields?: readonly FieldDef[];
}

/** Field-definition helper: `field('okta.uuid', 'keyword', '…')`. */
export function field(name: string, type: FieldType, description: string, array = false): FieldDef {
  return array ? { name, type, description, array } : { name, type, description };
}

/** The same, with a prefix: `prefixed('okta')('uuid', 'keyword', '…')`. */
export function prefixed(prefix: string) {
  return (name: string, type: FieldType, description: string, array = false): FieldDef => field(`${prefix}.${name}`, type, description, array);
}
