/**
 * The alert document: what on-call and analysts see. One per detection (before
 * suppression folds repeats), with a deterministic id so that a detection
 * replayed after a crash overwrites its first copy instead of paging twice.
 *
 * Field names follow ECS where ECS has a home (`rule.*`, `threat.*`,
 * `event.severity`, `event.risk_score`, `user.*`, `source.ip`, `related.*`),
 * and live under `sift.alert.*` otherwise. docs/alerts.md documents them.
 */
import { hash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../ecs/index.js';
import type { Detection } from '../rules/index.js';
import type { Severity } from '../rules/index.js';

/** ECS `event.severity` is numeric; these are Elastic Security's values. */
export const SEVERITY_NUMBER: Readonly<Record<Severity, number>> = { low: 21, medium: 47, high: 73, critical: 99 };

/** `sha256(rule id, group key, window start)`, hex: stable across replays and instances. */
export function alertId(ruleId: string, groupKey: string, windowStartMs: number): string {
  return hash('sha256', `${ruleId}\n${groupKey}\n${windowStartMs}`, 'hex');
}

export interface AlertLinks {
  /** Templates with `{alert_id}`, `{rule_id}`, `{event_ids}`, `{start}`, `{end}`, `{namespace}`. */
  readonly kibanaUrl?: string;
  readonly namespace: string;
}

export interface Alert {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly doc: JsonObject;
}

/** The entity fields an alert copies from its last event (the Avro schema's `entities` map holds the same). */
export const ENTITY_FIELDS = ['user.name', 'user.email', 'user.id', 'source.ip', 'client.ip', 'user.target.name', 'user.target.email', 'host.name'] as const;

export function read(event: JsonObject, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = event;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Puts `value` at a dotted path of `target`, creating objects on the way. */
export function put(target: JsonObject, path: string, value: JsonValue): void {
  const keys = path.split('.');
  let cur = target;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) cur = next;
    else cur = cur[key] = {};
  }
  cur[keys[keys.length - 1] ?? path] = value;
}

/** ATT&CK tags (`attack.t1110.001`, `attack.credential_access`) → ECS threat.* */
function threatOf(tags: readonly string[]): JsonObject | undefined {
  const techniques = tags.filter((t) => /^attack\.t\d{4}(\.\d{3})?$/i.test(t)).map((t) => t.slice(7).toUpperCase());
  const tactics = tags.filter((t) => /^attack\.[a-z_-]+$/i.test(t) && !/^attack\.[gs]\d{4}$/i.test(t)).map((t) => t.slice(7).replace(/[_-]/g, ' '));
  if (techniques.length === 0 && tactics.length === 0) return undefined;
  const threat: JsonObject = { framework: 'MITRE ATT&CK' };
  if (techniques.length > 0) threat.technique = { id: techniques };
  if (tactics.length > 0) threat.tactic = { name: tactics };
  return threat;
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? encodeURIComponent(values[key] ?? '') : whole));
}

export function buildAlert(d: Detection, detectedAtMs: number, links: AlertLinks): Alert {
  const spec = d.rule.spec;
  const id = alertId(spec.id, d.groupKey, d.windowStartMs);
  const first = new Date(d.firstEventMs).toISOString();
  const last = new Date(d.lastEventMs).toISOString();
  const detected = new Date(detectedAtMs).toISOString();
  const lastEvent = d.sample[d.sample.length - 1];
  const doc: JsonObject = {
    '@timestamp': detected,
    message: `${spec.name}${Object.keys(d.group).length > 0 ? ` (${Object.entries(d.group).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})` : ''}`,
    event: {
      kind: 'alert',
      id,
      dataset: 'sift.alerts',
      module: 'sift',
      severity: SEVERITY_NUMBER[spec.severity],
      risk_score: spec.riskScore,
      start: first,
      end: last,
      created: detected,
    },
    rule: { id: spec.id, name: spec.name, version: String(spec.version), description: spec.description, ruleset: 'sift', ...(spec.runbook ? { reference: spec.runbook } : {}) },
    tags: [...spec.tags],
  };
  const threat = threatOf(spec.tags);
  if (threat) doc.threat = threat;
  // Entities: who and from where, from the last triggering event, so an
  // analyst can pivot in Kibana with the same ECS fields as the events.
  const users: string[] = [];
  const ips: string[] = [];
  if (lastEvent) {
    for (const f of ENTITY_FIELDS) {
      const v = read(lastEvent, f);
      if (v === undefined || v === null || typeof v === 'object') continue;
      put(doc, f, v);
      if (f.endsWith('.ip')) ips.push(String(v));
      else if (f.startsWith('user.')) users.push(String(v));
    }
  }
  if (users.length > 0 || ips.length > 0) doc.related = { ...(users.length ? { user: [...new Set(users)] } : {}), ...(ips.length ? { ip: [...new Set(ips)] } : {}) };
  const values = { alert_id: id, rule_id: spec.id, event_ids: d.eventIds.join(','), start: first, end: last, namespace: links.namespace };
  const alertLinks: JsonObject = {
    es_query: JSON.stringify({ query: { ids: { values: [...d.eventIds] } } }),
  };
  if (links.kibanaUrl) alertLinks.kibana = fill(links.kibanaUrl, values);
  doc.sift = {
    alert: {
      id,
      severity: spec.severity,
      risk_score: spec.riskScore,
      group_key: d.groupKey,
      group: { ...d.group },
      window_start: new Date(d.windowStartMs).toISOString(),
      first_event: first,
      last_event: last,
      detected_at: detected,
      count: d.count,
      event_ids: [...d.eventIds],
      fields: { ...d.fields },
      sample: d.sample.map((e) => ({ '@timestamp': e['@timestamp'], event: { dataset: e.event.dataset, action: e.event.action ?? null, outcome: e.event.outcome ?? null } })),
      kind: spec.aggregation?.type ?? 'match',
      links: alertLinks,
      ...(spec.runbook ? { runbook: spec.runbook } : {}),
    },
  };
  return { id, ruleId: spec.id, severity: spec.severity, doc };
}
