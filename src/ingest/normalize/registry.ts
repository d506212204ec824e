import type { Normalizer } from './result.js';
import { DATASET as OKTA_SYSTEM, normalizeOktaSystem } from './vendors/okta/system.js';

/** dataset → its normalizer. The ECS catalog (src/ecs/registry.ts) must list the same datasets. */
const NORMALIZERS: Readonly<Record<string, Normalizer>> = {
  [OKTA_SYSTEM]: normalizeOktaSystem,
};

export function normalizerFor(dataset: string): Normalizer | undefined {
  return Object.hasOwn(NORMALIZERS, dataset) ? NORMALIZERS[dataset] : undefined;
}

export function normalizerDatasets(): string[] {
  return Object.keys(NORMALIZERS);
}
