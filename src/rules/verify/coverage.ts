/**
 * `sift rules coverage`: what the loaded rules cover, per source, per
 * ATT&CK tactic and technique (from their `attack.*` tags), and which Panther
 * rule files of a corpus no rule names as an equivalent.
 */
import { datasetsOf, knownVendors } from '../../ecs/index.js';
import type { CompiledRule } from '../compile/types.js';
import { TECHNIQUE_TAG } from '../spec/index.js';
import type { PantherRuleFile } from './panther-corpus.js';

/** A share to four decimals, 0 for an empty whole (the figure both reports print). */
export const ratioOf = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

/** The ATT&CK Enterprise tactics, in kill-chain order, as Sigma-style tag words. */
export const TACTICS = [
  'reconnaissance',
  'resource_development',
  'initial_access',
  'execution',
  'persistence',
  'privilege_escalation',
  'defense_evasion',
  'credential_access',
  'discovery',
  'lateral_movement',
  'collection',
  'command_and_control',
  'exfiltration',
  'impact',
] as const;


export interface SourceCoverage {
  readonly rules: number;
  /** Rules per dataset of the source. */
  readonly datasets: Readonly<Record<string, number>>;
}

export interface PantherGap {
  readonly corpus: string;
  readonly files: number;
  readonly covered: number;
  readonly ratio: number;
  /** Corpus paths of the Panther rule files no rule names, by folder then name. */
  readonly uncovered: readonly string[];
}

export interface CoverageReport {
  readonly rules: number;
  /** Every Sift source, with the rules that run on any of its datasets (a multi-source rule counts for each). */
  readonly sources: Readonly<Record<string, SourceCoverage>>;
  /** Every ATT&CK tactic, with its rule count (0 shows a gap). */
  readonly tactics: Readonly<Record<string, number>>;
  /** ATT&CK technique ids (`t1098`, `t1098.001`) named by some rule, with their rule counts. */
  readonly techniques: Readonly<Record<string, number>>;
  /** Present when a Panther corpus was read. */
  readonly panther?: PantherGap;
}

/** `attack.defense-evasion` (SigmaHQ's spelling) and `attack.defense_evasion` are one tactic. */
const tacticOf = (tag: string): string | undefined => {
  if (!tag.startsWith('attack.')) return undefined;
  const word = tag.slice('attack.'.length).replaceAll('-', '_');
  return (TACTICS as readonly string[]).includes(word) ? word : undefined;
};

export function coverageOf(rules: readonly CompiledRule[], panther?: { corpus: string; files: readonly PantherRuleFile[] }): CoverageReport {
  const sources: Record<string, { rules: number; datasets: Record<string, number> }> = {};
  for (const vendor of knownVendors()) sources[vendor] = { rules: 0, datasets: Object.fromEntries(datasetsOf(vendor).map((d) => [d, 0])) };
  const tactics: Record<string, number> = Object.fromEntries(TACTICS.map((t) => [t, 0]));
  const techniques: Record<string, number> = {};
  const named = new Set<string>();
  for (const rule of rules) {
    for (const s of Object.values(sources)) {
      const mine = rule.spec.datasets.filter((d) => Object.hasOwn(s.datasets, d));
      if (mine.length === 0) continue;
      s.rules++;
      for (const d of mine) s.datasets[d] = (s.datasets[d] ?? 0) + 1;
    }
    const seen = new Set<string>();
    for (const tag of rule.spec.tags) {
      const tactic = tacticOf(tag);
      const technique = TECHNIQUE_TAG.test(tag) ? tag.slice('attack.'.length) : undefined;
      const key = tactic ?? technique;
      if (key === undefined || seen.has(key)) continue;
      seen.add(key);
      if (tactic !== undefined) tactics[tactic] = (tactics[tactic] ?? 0) + 1;
      else if (technique !== undefined) techniques[technique] = (techniques[technique] ?? 0) + 1;
    }
    for (const id of rule.spec.equivalents?.panther ?? []) named.add(id);
  }
  const sortedTechniques = Object.fromEntries(Object.entries(techniques).sort(([a], [b]) => (a < b ? -1 : 1)));
  const report: CoverageReport = { rules: rules.length, sources, tactics, techniques: sortedTechniques };
  if (panther === undefined) return report;
  const uncovered = panther.files.filter((f) => !named.has(f.ruleId)).map((f) => f.file);
  const covered = panther.files.length - uncovered.length;
  return {
    ...report,
    panther: {
      corpus: panther.corpus,
      files: panther.files.length,
      covered,
      ratio: ratioOf(covered, panther.files.length),
      uncovered,
    },
  };
}
