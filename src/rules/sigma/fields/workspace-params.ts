/**
 * Where Sift files a Workspace event parameter, found by asking Sift's own
 * normalizer: a one-parameter Reports API activity is normalized and the
 * probe value looked up in the result. This keeps Elastic's per-application
 * renames (apps-admin.ts RENAMES, the login_ prefix rule, …) in one place,
 * the normalizer, instead of a copy here that would drift.
 *
 * Pure: normalizers do no I/O and read no clock. Answers are memoized (a
 * rule set names a few dozen parameters at most).
 */
import { sourceFor } from '../../../ingest/normalize/index.js';
import { APPLICATION_OF_DATASET, UPPERCASE_PARAMETER_DATASETS } from './google-workspace.js';
import type { Mapping } from './types.js';

const PROBE = 'sigma-probe-value-7d1f';
/** Bounded: a hostile corpus could name unboundedly many parameters. */
const CACHE_LIMIT = 10_000;
const cache = new Map<string, Mapping>();

/** Dotted paths of `tree` whose value is (or lists) the probe. */
function probePaths(tree: unknown, prefix: string, out: string[]): void {
  if (tree === PROBE) out.push(prefix);
  else if (Array.isArray(tree)) {
    if (tree.includes(PROBE)) out.push(prefix);
  } else if (tree !== null && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree)) probePaths(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
}

/** The parameter as the application spells it (SigmaHQ writes them lower case). */
export function parameterName(dataset: string, sigmaName: string): string {
  return UPPERCASE_PARAMETER_DATASETS.has(dataset) ? sigmaName.toUpperCase() : sigmaName.toLowerCase();
}

function probe(dataset: string, name: string): Mapping {
  const source = sourceFor('google_workspace');
  if (!source) return { none: 'the google_workspace source is not registered' };
  const short = dataset.slice('google_workspace.'.length);
  const application = APPLICATION_OF_DATASET[dataset] ?? short;
  const activity = {
    kind: 'admin#reports#activity',
    id: { time: '2024-01-01T00:00:00Z', applicationName: application, uniqueQualifier: '1' },
    actor: { email: 'probe@example.com' },
    events: [{ name: 'SIGMA_PROBE', parameters: [{ name, value: PROBE }] }],
  };
  const result = source.normalize(activity, { original: undefined });
  if (!result.ok) return { none: `Sift's normalizer refused a probe event for ${dataset}` };
  const paths: string[] = [];
  probePaths(result.event, '', paths);
  const own = paths.filter((p) => p.startsWith(`google_workspace.${short}.`)).sort();
  const ecs = paths.filter((p) => !p.startsWith('related.')).sort((a, b) => a.length - b.length || a.localeCompare(b));
  const best = own[0] ?? ecs[0];
  // A parameter Sift converts (dates, counters) does not keep a text value.
  return best ?? { none: `Sift converts parameter ${name} of ${dataset} to a non-text value` };
}

/** The Sift field holding parameter `sigmaName` of a Workspace dataset's events. */
export function workspaceParameter(dataset: string, sigmaName: string): Mapping {
  const name = parameterName(dataset, sigmaName);
  const key = `${dataset}\u0000${name}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = probe(dataset, name);
    if (cache.size < CACHE_LIMIT) cache.set(key, hit);
  }
  return hit;
}
