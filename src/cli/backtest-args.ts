/**
 * What `sift rules backtest` is asked to run: the rules (files, folders or
 * ids) and the time range, each refusal naming what it refuses.
 */
import { existsSync } from 'node:fs';
import { formatIssue, loadRules, parseDuration, parseRfc3339, type CompiledRule, type LoadOptions } from '../rules/index.js';
import { UsageError } from './args.js';
import { shown } from './rules.js';

export interface ResolvedRules {
  readonly rules: CompiledRule[];
  /** Located problems (`file:line:col [rule] path: message`) and unknown ids. */
  readonly errors: string[];
}

/**
 * Each argument is a rule file or folder when such a path exists, else a rule
 * id looked up in `rulesDir`. A rule that is disabled (`enabled: false`) is
 * run all the same: trying a draft on history is what a backtest is for.
 */
export function resolveRules(args: readonly string[], rulesDir: string, options: LoadOptions): ResolvedRules {
  const paths = args.filter((a) => existsSync(a));
  const ids = args.filter((a) => !existsSync(a));
  const errors: string[] = [];
  const rules: CompiledRule[] = [];
  const located = (issues: ReturnType<typeof loadRules>['issues']): string[] => issues.map((i) => formatIssue({ ...i, file: shown(i.file) }));
  if (paths.length > 0) {
    const loaded = loadRules(paths, options);
    rules.push(...loaded.rules);
    errors.push(...located(loaded.issues));
  }
  if (ids.length > 0) {
    const library = loadRules([rulesDir], options);
    for (const id of ids) {
      const rule = library.rules.find((r) => r.spec.id === id);
      if (rule !== undefined) rules.push(rule);
      else {
        const issues = library.issues.filter((i) => i.ruleId === id);
        errors.push(...(issues.length > 0 ? located(issues) : [`no rule file or rule id ${JSON.stringify(id)} (ids are looked up in ${shown(rulesDir)}; 'sift rules lint' lists them)`]));
      }
    }
  }
  const seen = new Set<string>();
  const unique = rules.filter((r) => !seen.has(r.spec.id) && seen.add(r.spec.id) !== undefined);
  return { rules: unique.map((r) => (r.spec.enabled ? r : { ...r, spec: { ...r.spec, enabled: true } })), errors };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RELATIVE = /^now(?:-(.+))?$/;

/**
 * `--from`/`--to`: an RFC 3339 time (no zone = UTC), a day (`2026-11-01`,
 * its midnight UTC), `now`, or `now-<duration>` (`now-7d`).
 */
export function parseTimeFlag(value: string | undefined, name: string, nowMs: number): number {
  if (value === undefined) throw new UsageError(`--${name} is required: a time such as 2026-11-01, 2026-11-01T12:00:00Z or now-7d`);
  const rel = RELATIVE.exec(value);
  if (rel !== null) {
    if (rel[1] === undefined) return nowMs;
    const ms = parseDuration(rel[1]);
    if (ms !== undefined) return nowMs - ms;
  } else {
    const ms = parseRfc3339(DAY.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(`--${name} must be a time such as 2026-11-01, 2026-11-01T12:00:00Z, now or now-7d; got ${JSON.stringify(value)}`);
}
