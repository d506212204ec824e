/**
 * From the `alerts` config section to routes: validation at load (every
 * error names its config path and never prints a URL or secret), the
 * outbound check of every target, and the sink factories. The config
 * types here are the shape src/config/schema.ts is asked to produce.
 */
import type { Alert } from '../alert.js';
import { checkTarget, checkUrl, OutboundCode, OutboundError, policyIssues, type OutboundPolicy, type Resolver } from '../outbound/index.js';
import { createPagerDutySink, PAGERDUTY_EVENTS_URL } from '../sinks/pagerduty.js';
import { createSlackSink } from '../sinks/slack.js';
import { createWebhookSink } from '../sinks/webhook.js';
import type { Route } from './dispatcher.js';
import type { RetryPolicy } from './rate.js';
import type { AlertSink } from './sink.js';

export interface OutboundConfig {
  readonly allow_hosts: readonly string[];
  readonly allow_http: boolean;
  readonly allow_private_networks: boolean;
  readonly allow_loopback: boolean;
}

interface SinkConfigBase {
  readonly name: string;
  readonly min_severity?: Alert['severity'];
  readonly rules?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
  readonly rate_per_second?: number;
  readonly burst?: number;
  readonly concurrency?: number;
  readonly queue_size?: number;
  readonly timeout_ms?: number;
}

export type SinkConfig =
  | (SinkConfigBase & { readonly type: 'slack'; readonly url: string })
  | (SinkConfigBase & { readonly type: 'pagerduty'; readonly routing_key: string; readonly url?: string; readonly source?: string; readonly client_url?: string })
  | (SinkConfigBase & { readonly type: 'webhook'; readonly url: string; readonly secret: string; readonly headers?: Readonly<Record<string, string>> });

export interface DispatchConfig {
  readonly outbound: OutboundConfig;
  readonly retry: { readonly initial_ms: number; readonly max_ms: number; readonly attempts: number };
  readonly sinks: readonly SinkConfig[];
}

export function outboundPolicy(c: OutboundConfig): OutboundPolicy {
  return { allowHosts: c.allow_hosts, allowHttp: c.allow_http, allowPrivateNetworks: c.allow_private_networks, allowLoopback: c.allow_loopback };
}

export function retryPolicy(c: DispatchConfig['retry']): RetryPolicy {
  return { initialMs: c.initial_ms, maxMs: c.max_ms, attempts: c.attempts };
}

function targetOf(s: SinkConfig): string {
  return s.type === 'pagerduty' ? (s.url ?? PAGERDUTY_EVENTS_URL) : s.url;
}

/** Checks that need no network: names, secrets, scheme, allowlist, IP literals. One message per problem. */
export function dispatchConfigIssues(c: DispatchConfig): string[] {
  const issues = policyIssues(outboundPolicy(c.outbound)).map((m) => `alerts.outbound: ${m}`);
  const policy = outboundPolicy(c.outbound);
  const seen = new Set<string>();
  c.sinks.forEach((s, i) => {
    const at = `alerts.sinks[${i}]`;
    if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(s.name)) issues.push(`${at}.name: must match ^[a-z0-9][a-z0-9_.-]{0,62}$ (it is a metric label)`);
    if (seen.has(s.name)) issues.push(`${at}.name: "${s.name}" is used by another sink`);
    seen.add(s.name);
    if (s.concurrency !== undefined && (s.concurrency < 1 || s.concurrency > 4)) issues.push(`${at}.concurrency: must be 1 to 4`);
    if (s.type === 'pagerduty' && !/^[A-Za-z0-9]{32}$/.test(s.routing_key)) issues.push(`${at}.routing_key: must be the integration's 32-character key`);
    if (s.type === 'webhook' && s.secret.length < 16) issues.push(`${at}.secret: must be at least 16 characters`);
    try {
      checkTarget(policy, s.name, targetOf(s));
    } catch (err) {
      if (err instanceof OutboundError) issues.push(`${at}.url: ${err.message}`);
      else throw err;
    }
  });
  if (c.retry.attempts < 1) issues.push('alerts.retry.attempts: must be at least 1');
  if (c.retry.initial_ms > c.retry.max_ms) issues.push('alerts.retry.initial_ms: must not exceed max_ms');
  return issues;
}

/**
 * The DNS part of the load-time check. A target resolving to a refused
 * address is an error; one that does not resolve right now is a warning
 * (DNS may be down at boot; every request checks again).
 */
export async function verifySinkTargets(c: DispatchConfig, resolve?: Resolver): Promise<{ errors: string[]; warnings: string[] }> {
  const policy = outboundPolicy(c.outbound);
  const errors: string[] = [];
  const warnings: string[] = [];
  await Promise.all(
    c.sinks.map(async (s, i) => {
      try {
        await checkUrl(policy, s.name, targetOf(s), resolve);
      } catch (err) {
        if (!(err instanceof OutboundError)) throw err;
        (err.code === OutboundCode.Unresolvable ? warnings : errors).push(`alerts.sinks[${i}].url: ${err.message}`);
      }
    }),
  );
  return { errors, warnings };
}

export function createSink(s: SinkConfig, policy: OutboundPolicy, resolve?: Resolver): AlertSink {
  const common = { name: s.name, policy, ...(s.timeout_ms !== undefined ? { timeoutMs: s.timeout_ms } : {}), ...(resolve ? { resolve } : {}) };
  switch (s.type) {
    case 'slack':
      return createSlackSink({ ...common, url: s.url });
    case 'pagerduty':
      return createPagerDutySink({ ...common, routingKey: s.routing_key, ...(s.url ? { url: s.url } : {}), ...(s.source ? { source: s.source } : {}), ...(s.client_url ? { clientUrl: s.client_url } : {}) });
    case 'webhook':
      return createWebhookSink({ ...common, url: s.url, secret: s.secret, ...(s.headers ? { headers: s.headers } : {}) });
  }
}

/** Routes for createDispatcher; call after dispatchConfigIssues returned none. */
export function createRoutes(c: DispatchConfig, resolve?: Resolver): Route[] {
  const policy = outboundPolicy(c.outbound);
  return c.sinks.map((s) => ({
    sink: createSink(s, policy, resolve),
    filter: {
      ...(s.min_severity ? { minSeverity: s.min_severity } : {}),
      ...(s.rules?.include ? { includeRules: s.rules.include } : {}),
      ...(s.rules?.exclude ? { excludeRules: s.rules.exclude } : {}),
    },
    rate: { ...(s.rate_per_second !== undefined ? { perSecond: s.rate_per_second } : {}), ...(s.burst !== undefined ? { burst: s.burst } : {}) },
    ...(s.concurrency !== undefined ? { concurrency: s.concurrency } : {}),
    ...(s.queue_size !== undefined ? { queueSize: s.queue_size } : {}),
  }));
}
