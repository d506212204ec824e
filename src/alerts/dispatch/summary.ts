/**
 * What a human-facing sink (Slack, PagerDuty) says about an alert, read once
 * from the alert document built in alert.ts: who, where, what, how many,
 * when, and what to do. Pure; every field may be missing in a document.
 */
import type { JsonValue } from '../../ecs/index.js';
import type { Alert } from '../alert.js';

export interface AlertSummary {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly severity: Alert['severity'];
  readonly riskScore: number | undefined;
  readonly message: string;
  readonly description: string | undefined;
  /** user.name / user.email, deduplicated. */
  readonly who: string | undefined;
  /** source.ip, with geo (city, country) when the document has it. */
  readonly where: string | undefined;
  /** Dataset and actions of the sampled events, e.g. `okta.system: user.mfa.factor.reset_all`. */
  readonly what: string | undefined;
  readonly count: number | undefined;
  readonly firstEvent: string | undefined;
  readonly lastEvent: string | undefined;
  readonly detectedAt: string | undefined;
  readonly runbook: string | undefined;
  readonly kibanaUrl: string | undefined;
  readonly tags: readonly string[];
}

/** Reads a dotted path; undefined unless every step is a plain object key. */
export function readPath(doc: JsonValue | undefined, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = doc;
  for (const key of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function text(doc: JsonValue, path: string): string | undefined {
  const v = readPath(doc, path);
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function num(doc: JsonValue, path: string): number | undefined {
  const v = readPath(doc, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function joined(values: readonly (string | undefined)[], sep: string): string | undefined {
  const kept = [...new Set(values.filter((v): v is string => v !== undefined))];
  return kept.length > 0 ? kept.join(sep) : undefined;
}

function whatOf(doc: JsonValue): string | undefined {
  const sample = readPath(doc, 'sift.alert.sample');
  if (!Array.isArray(sample)) return undefined;
  const byDataset = new Map<string, Set<string>>();
  for (const e of sample) {
    const dataset = text(e, 'event.dataset') ?? 'unknown';
    const actions = byDataset.get(dataset) ?? new Set<string>();
    const action = text(e, 'event.action');
    if (action !== undefined) actions.add(action);
    byDataset.set(dataset, actions);
  }
  const parts = [...byDataset].map(([dataset, actions]) => (actions.size > 0 ? `${dataset}: ${[...actions].join(', ')}` : dataset));
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export function summarizeAlert(alert: Alert): AlertSummary {
  const doc = alert.doc;
  const geo = joined([text(doc, 'source.geo.city_name'), text(doc, 'source.geo.country_iso_code') ?? text(doc, 'source.geo.country_name')], ', ');
  const ip = text(doc, 'source.ip') ?? text(doc, 'client.ip');
  const tags = readPath(doc, 'tags');
  return {
    ruleId: alert.ruleId,
    ruleName: text(doc, 'rule.name') ?? alert.ruleId,
    severity: alert.severity,
    riskScore: num(doc, 'sift.alert.risk_score') ?? num(doc, 'event.risk_score'),
    message: text(doc, 'message') ?? text(doc, 'rule.name') ?? alert.ruleId,
    description: text(doc, 'rule.description'),
    who: joined([text(doc, 'user.name'), text(doc, 'user.email')], ' / '),
    where: ip === undefined ? geo : geo === undefined ? ip : `${ip} (${geo})`,
    what: whatOf(doc),
    count: num(doc, 'sift.alert.count'),
    firstEvent: text(doc, 'sift.alert.first_event') ?? text(doc, 'event.start'),
    lastEvent: text(doc, 'sift.alert.last_event') ?? text(doc, 'event.end'),
    detectedAt: text(doc, 'sift.alert.detected_at') ?? text(doc, '@timestamp'),
    runbook: text(doc, 'sift.alert.runbook') ?? text(doc, 'rule.reference'),
    kibanaUrl: text(doc, 'sift.alert.links.kibana'),
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
  };
}

/** Cuts `s` to at most `max` UTF-16 units, marking the cut, without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}…`;
}
