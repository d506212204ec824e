/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * one `trigger` event per alert, with the alert id as `dedup_key`, so a
 * retried or replayed alert joins its open incident instead of paging twice.
 * PagerDuty answers 202 when it accepts the event, 400 for an invalid one
 * (never retried), 429 and 5xx when it wants the event again later.
 *
 * The routing key is a credential: it is in the request body only, and
 * scrubbed from anything an error could carry.
 */
import type { JsonObject } from '../../ecs/index.js';
import type { Alert } from '../alert.js';
import { readPath, summarizeAlert, truncate } from '../dispatch/summary.js';
import type { AlertSink } from '../dispatch/sink.js';
import { createOutboundClient, urlSecrets, type OutboundPolicy, type Resolver } from '../outbound/index.js';
import { postJson } from './http.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** PagerDuty's four severities; Sift's low..critical map onto them in order. */
export const PAGERDUTY_SEVERITY: Readonly<Record<Alert['severity'], 'info' | 'warning' | 'error' | 'critical'>> = {
  low: 'info',
  medium: 'warning',
  high: 'error',
  critical: 'critical',
};

export const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255, detail: 2000 } as const;

export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger';
  readonly dedup_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'info' | 'warning' | 'error' | 'critical';
    readonly timestamp?: string;
    readonly component?: string;
    readonly group?: string;
    readonly class: string;
    readonly custom_details: JsonObject;
  };
  readonly links?: readonly { href: string; text: string }[];
  readonly client: string;
  readonly client_url?: string;
}

export interface PagerDutyEventOptions {
  readonly routingKey: string;
  /** `payload.source` when the alert names no dataset; default "sift". */
  readonly source?: string;
  /** `client_url` when the alert has no Kibana link (e.g. a Kibana home page). */
  readonly clientUrl?: string;
}

function firstSampleDataset(alert: Alert): string | undefined {
  const sample = readPath(alert.doc, 'sift.alert.sample');
  const first = Array.isArray(sample) ? sample[0] : undefined;
  const dataset = first === undefined ? undefined : readPath(first, 'event.dataset');
  return typeof dataset === 'string' ? dataset : undefined;
}

function firstTactic(alert: Alert): string | undefined {
  const tactics = readPath(alert.doc, 'threat.tactic.name');
  return Array.isArray(tactics) && typeof tactics[0] === 'string' ? tactics[0] : undefined;
}

/** The Events v2 body for one alert. Pure, for tests. */
export function pagerDutyEvent(alert: Alert, opts: PagerDutyEventOptions): PagerDutyEvent {
  const s = summarizeAlert(alert);
  const dataset = firstSampleDataset(alert);
  const details: JsonObject = { rule_id: s.ruleId, rule_name: s.ruleName, alert_id: alert.id, severity: s.severity };
  const put = (key: string, value: string | number | undefined): void => {
    if (value !== undefined) details[key] = typeof value === 'string' ? truncate(value, PAGERDUTY_LIMITS.detail) : value;
  };
  put('risk_score', s.riskScore);
  put('who', s.who);
  put('where', s.where);
  put('what', s.what);
  put('count', s.count);
  put('first_event', s.firstEvent);
  put('last_event', s.lastEvent);
  put('description', s.description);
  put('runbook', s.runbook);
  if (s.tags.length > 0) details.tags = [...s.tags];
  const summary = `[${s.severity.toUpperCase()}] ${s.message}${s.who === undefined ? '' : ` — ${s.who}`}`;
  const clientUrl = s.kibanaUrl ?? opts.clientUrl;
  const group = firstTactic(alert);
  return {
    routing_key: opts.routingKey,
    event_action: 'trigger',
    dedup_key: alert.id.slice(0, PAGERDUTY_LIMITS.dedupKey),
    payload: {
      summary: truncate(summary, PAGERDUTY_LIMITS.summary),
      source: dataset ?? opts.source ?? 'sift',
      severity: PAGERDUTY_SEVERITY[s.severity],
      ...(s.detectedAt !== undefined ? { timestamp: s.detectedAt } : {}),
      ...(dataset !== undefined ? { component: dataset } : {}),
      ...(group !== undefined ? { group } : {}),
      class: s.ruleId,
      custom_details: details,
    },
    ...(s.kibanaUrl !== undefined ? { links: [{ href: s.kibanaUrl, text: 'Open in Kibana' }] } : {}),
    client: 'Sift',
    ...(clientUrl !== undefined ? { client_url: clientUrl } : {}),
  };
}

export interface PagerDutySinkOptions {
  readonly name: string;
  /** The integration's 32-character routing key: a credential. */
  readonly routingKey: string;
  /** Default https://events.pagerduty.com/v2/enqueue (EU accounts: events.eu.pagerduty.com). */
  readonly url?: string;
  readonly policy: OutboundPolicy;
  readonly source?: string;
  readonly clientUrl?: string;
  readonly timeoutMs?: number;
  readonly resolve?: Resolver;
}

export function createPagerDutySink(opts: PagerDutySinkOptions): AlertSink {
  const url = opts.url ?? PAGERDUTY_EVENTS_URL;
  const client = createOutboundClient({ sink: opts.name, policy: opts.policy, ...(opts.resolve ? { resolve: opts.resolve } : {}) });
  const secrets = [opts.routingKey, ...urlSecrets(url)];
  const eventOpts: PagerDutyEventOptions = { routingKey: opts.routingKey, ...(opts.source ? { source: opts.source } : {}), ...(opts.clientUrl ? { clientUrl: opts.clientUrl } : {}) };
  return {
    name: opts.name,
    kind: 'pagerduty',
    async send(alert, signal) {
      const body = JSON.stringify(pagerDutyEvent(alert, eventOpts));
      await postJson({ client, sink: opts.name, url, body, timeoutMs: opts.timeoutMs ?? 10_000, secrets }, signal);
    },
    close: () => client.close(),
  };
}
