/**
 * Sigma rule metadata → Sift rule metadata: id, severity and risk score,
 * tags, and the attribution the Detection Rule License 1.1 requires (author
 * and references kept with the rule, and named in the file header).
 */
import type { SiftRuleDoc } from './types.js';

/** The Sigma fields metadata reads (already type-checked by the caller where it matters). */
export interface SigmaMeta {
  readonly title: string;
  readonly id?: unknown;
  readonly status?: unknown;
  readonly description?: unknown;
  readonly author?: unknown;
  readonly references?: unknown;
  readonly falsepositives?: unknown;
  readonly level?: unknown;
  readonly tags?: unknown;
  readonly date?: unknown;
  readonly modified?: unknown;
}

/**
 * Sigma levels → Sift severity and risk score. Sift has no informational
 * severity: it becomes low, with a tag keeping the original level. Risk
 * scores are Elastic's defaults per severity (21/47/73/99).
 */
const LEVELS: Readonly<Record<string, { severity: SiftRuleDoc['severity']; risk: number }>> = {
  informational: { severity: 'low', risk: 21 },
  low: { severity: 'low', risk: 21 },
  medium: { severity: 'medium', risk: 47 },
  high: { severity: 'high', risk: 73 },
  critical: { severity: 'critical', risk: 99 },
};
const DEFAULT_LEVEL = 'medium';

/** Sigma statuses whose rules SigmaHQ does not recommend running: converted, but disabled. */
const DISABLED_STATUSES = new Set(['deprecated', 'unsupported']);

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{2,127}$/;
const TAG_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => (str(x) === undefined ? [] : [str(x) as string]));

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * `sigma.<uuid>`: Sigma ids are UUIDs that survive title edits, so alert ids
 * (derived from the rule id) stay stable across upstream updates. Without a
 * usable id, the title's slug.
 */
export function ruleId(meta: SigmaMeta): string {
  const uuid = str(meta.id)?.toLowerCase();
  if (uuid !== undefined && ID_PATTERN.test(`sigma.${uuid}`)) return `sigma.${uuid}`;
  return `sigma.${slug(meta.title).slice(0, 120) || 'rule'}`;
}

export function levelOf(meta: SigmaMeta): { severity: SiftRuleDoc['severity']; risk: number; level: string } {
  const level = str(meta.level)?.toLowerCase() ?? DEFAULT_LEVEL;
  const hit = Object.hasOwn(LEVELS, level) ? LEVELS[level] : undefined;
  return hit ? { ...hit, level } : { ...(LEVELS[DEFAULT_LEVEL] as { severity: SiftRuleDoc['severity']; risk: number }), level: DEFAULT_LEVEL };
}

/** Sigma's tags (ATT&CK tactics and techniques, CVEs, …) plus where the rule came from. */
export function tagsOf(meta: SigmaMeta): string[] {
  const out = new Set<string>(['sigma']);
  for (const t of strings(meta.tags)) {
    const tag = t.toLowerCase();
    if (TAG_PATTERN.test(tag)) out.add(tag);
  }
  const status = str(meta.status)?.toLowerCase();
  if (status !== undefined && TAG_PATTERN.test(status)) out.add(`sigma.status.${status}`);
  if (str(meta.level)?.toLowerCase() === 'informational') out.add('sigma.level.informational');
  return [...out];
}

export function enabledOf(meta: SigmaMeta): boolean {
  return !DISABLED_STATUSES.has(str(meta.status)?.toLowerCase() ?? '');
}

export function descriptionOf(meta: SigmaMeta): string {
  return str(meta.description) ?? meta.title;
}

export function authorOf(meta: SigmaMeta): string {
  return strings(meta.author).join(', ') || 'unknown author';
}

export const referencesOf = (meta: SigmaMeta): string[] => strings(meta.references);
export const falsePositivesOf = (meta: SigmaMeta): string[] => strings(meta.falsepositives);

/**
 * What a responder reads first, from what the Sigma rule knows: its false
 * positives to rule out, and where the background is. Undefined when the
 * rule says neither.
 */
export function runbookOf(meta: SigmaMeta): string | undefined {
  const fps = falsePositivesOf(meta).filter((f) => !/^unknown$/i.test(f));
  const refs = referencesOf(meta);
  const lines = fps.length > 0 ? ['Rule out the false positives the Sigma rule lists:', ...fps.map((f) => `- ${f}`)] : [];
  if (refs.length > 0) lines.push(`Background: ${refs[0] as string}${refs.length > 1 ? ` (and ${refs.length - 1} more under references)` : ''}.`);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

const dateText = (v: unknown): string | undefined => (v instanceof Date ? v.toISOString().slice(0, 10) : str(v));

/** The header comment of the written file (attribution the DRL requires). */
export function headerOf(meta: SigmaMeta, sigmaPath: string, dropped: readonly string[]): string[] {
  const dates = [dateText(meta.date) && `date ${dateText(meta.date)}`, dateText(meta.modified) && `modified ${dateText(meta.modified)}`].filter(Boolean);
  return [
    `converted from Sigma ${sigmaPath} (DRL 1.1, SigmaHQ)`,
    `sigma id: ${str(meta.id) ?? '(none)'}, author: ${authorOf(meta)}${dates.length > 0 ? `, ${dates.join(', ')}` : ''}`,
    'license: Detection Rule License 1.1, https://github.com/SigmaHQ/Detection-Rule-License',
    ...(dropped.length > 0 ? [`Sigma output fields without an ECS home, left out: ${dropped.join(', ')}`] : []),
  ];
}
