/**
 * Content metadata of a rule (issue 14): which third-party detections it
 * stands for (`equivalents:`) and how noisy it is expected to be (`noise:`).
 * Neither changes what the rule matches; `sift rules verify` and `sift rules
 * coverage` read the first, the catalog and runbooks the second.
 */
import { BLOCK_KEYS, NOISE_LEVELS } from './keys.js';
import { checkKeys, entries, readString, readStringList, report, required, scalarOf, type Entry, type Reader } from './read.js';
import type { Equivalents, NoiseSpec } from './types.js';

/** Panther RuleIDs: dotted names such as `AWS.CloudTrail.Created` or `GCP.IAM.OrgFolderIAMChanges`. */
const PANTHER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,127}$/;
/** Sigma and Elastic rule ids are UUIDs (lowercase, as both projects write them). */
export const RULE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const idCheck = (pattern: RegExp, what: string) => (s: string): string | undefined => (pattern.test(s) ? undefined : `"${s}" is not ${what}`);

export function readEquivalents(r: Reader, e: Entry): Equivalents | undefined {
  const list = entries(r, e.value, e.path);
  if (list === undefined) return undefined;
  if (list.length === 0) {
    report(r, e.path, e.value, 'names at least one of panther, sigma, elastic, or says why there is none (none: …)');
    return undefined;
  }
  const b = checkKeys(r, list, BLOCK_KEYS.equivalents);
  const read = (key: 'panther' | 'sigma' | 'elastic', pattern: RegExp, what: string): { v: string[] | undefined; ok: boolean } => {
    const k = b.get(key);
    if (k === undefined) return { v: undefined, ok: true };
    const v = readStringList(r, k, { nonEmpty: true, valid: idCheck(pattern, what) });
    return { v, ok: v !== undefined };
  };
  const panther = read('panther', PANTHER_ID, 'a Panther RuleID (e.g. AWS.CloudTrail.Created)');
  const sigma = read('sigma', RULE_UUID, 'a Sigma rule id (a lowercase UUID)');
  const elastic = read('elastic', RULE_UUID, 'an Elastic rule_id (a lowercase UUID)');
  const noneE = b.get('none');
  const none = noneE && readString(r, noneE, { nonEmpty: true });
  if (noneE !== undefined && (panther.v !== undefined || sigma.v !== undefined || elastic.v !== undefined)) {
    report(r, noneE.path, noneE.keyNode, 'says there is no equivalent, yet ids are named beside it: keep one or the other');
    return undefined;
  }
  if (!panther.ok || !sigma.ok || !elastic.ok || (noneE !== undefined && none === undefined) || b.size !== list.length) return undefined;
  return {
    ...(panther.v === undefined ? {} : { panther: panther.v }),
    ...(sigma.v === undefined ? {} : { sigma: sigma.v }),
    ...(elastic.v === undefined ? {} : { elastic: elastic.v }),
    ...(none === undefined ? {} : { none }),
  };
}

export function readNoise(r: Reader, e: Entry): NoiseSpec | undefined {
  const list = entries(r, e.value, e.path);
  if (list === undefined) return undefined;
  const b = checkKeys(r, list, BLOCK_KEYS.noise);
  const levelE = required(r, b, 'level', e.path, e.value);
  const noteE = required(r, b, 'note', e.path, e.value);
  let level: NoiseSpec['level'] | undefined;
  if (levelE !== undefined) {
    const s = scalarOf(r, levelE.value);
    const v = s.ok ? s.value : undefined;
    level = NOISE_LEVELS.find((l) => l === v);
    if (level === undefined) report(r, levelE.path, levelE.value, `must be one of ${NOISE_LEVELS.join(', ')}`);
  }
  const note = noteE && readString(r, noteE, { nonEmpty: true });
  return level === undefined || note === undefined || b.size !== list.length ? undefined : { level, note };
}
