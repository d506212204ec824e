/**
 * Which alerts a sink receives: a minimum severity and rule id lists. Kept
 * apart from the sinks so one Slack hook can serve two routes' worth of
 * config without knowing about routing at all.
 */
import type { Alert } from '../alert.js';

type Severity = Alert['severity'];

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

export interface RouteFilter {
  /** Alerts below this severity are not sent; default low (everything). */
  readonly minSeverity?: Severity;
  /** When non-empty, only these rules. Entries are rule ids, or a prefix ending in `*` (`okta.*`). */
  readonly includeRules?: readonly string[];
  /** Never these rules (same syntax); wins over includeRules. */
  readonly excludeRules?: readonly string[];
}

function idMatches(patterns: readonly string[], ruleId: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? ruleId.startsWith(p.slice(0, -1)) : p === ruleId));
}

export function routeMatches(filter: RouteFilter, alert: Alert): boolean {
  if (filter.minSeverity !== undefined && SEVERITY_RANK[alert.severity] < SEVERITY_RANK[filter.minSeverity]) return false;
  if (filter.excludeRules !== undefined && idMatches(filter.excludeRules, alert.ruleId)) return false;
  if (filter.includeRules !== undefined && filter.includeRules.length > 0 && !idMatches(filter.includeRules, alert.ruleId)) return false;
  return true;
}
