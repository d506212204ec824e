/**
 * What `sift run` checks before it connects to anything, as one function
 * that `sift config check` calls too: a config that check accepts is one
 * that run accepts. Schema validation (loadConfig) comes first; these are
 * the checks that need more than the schema: topics (each listed once, a
 * known source), TLS files (kafka.tls, elasticsearch.tls: readable PEM, TLS
 * on), alert sinks (per-type fields, names, secrets, scheme,
 * outbound allowlist, IP literals) and, with DNS, sink hosts that resolve
 * to refused addresses. A host that does not resolve right now is a
 * warning: DNS may be down at boot, and every request checks again.
 */
import { dispatchConfigIssues, dispatchConfigOf, verifySinkTargets, type DispatchConfig, type Resolver } from '../alerts/index.js';
import { ConfigError, tlsIssues, tlsWarnings, type ConfigIssue, type SiftConfig } from '../config/index.js';
import { geoIpIssues } from './geoip.js';
import { planTopics } from './pipeline.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface Preflight {
  readonly issues: readonly ConfigIssue[];
  readonly warnings: readonly string[];
}

/** The alerts code reports `path: message`; config issues keep the two apart. */
function asIssue(text: string): ConfigIssue {
  const at = text.indexOf(': ');
  return at < 0 ? { path: 'alerts', message: text } : { path: text.slice(0, at), message: text.slice(at + 2) };
}

/** An Avro topic or Avro alerts need a registry to fetch or register schemas with. */
function registryIssues(config: SiftConfig): ConfigIssue[] {
  if (config.kafka.schema_registry.url !== '') return [];
  const users = [
    ...config.kafka.topics.flatMap((t, i) => (t.format === 'avro' ? [`kafka.topics[${i}].format`] : [])),
    ...(config.alerts.kafka.format === 'avro' ? ['alerts.kafka.format'] : []),
  ];
  return users.length === 0 ? [] : [{ path: 'kafka.schema_registry.url', message: `required: ${users.join(', ')} ${users.length === 1 ? 'is' : 'are'} avro` }];
}

/** The checks that need no network, and the sinks' dispatch config they produce. */
export function staticChecks(config: SiftConfig, env: Env = process.env): { issues: ConfigIssue[]; dispatch: DispatchConfig } {
  const issues: ConfigIssue[] = [];
  try {
    planTopics(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push(...err.issues);
  }
  issues.push(...tlsIssues(config));
  issues.push(...registryIssues(config));
  issues.push(...geoIpIssues(config));
  const dispatch = dispatchConfigOf(config.alerts, env);
  issues.push(...[...dispatch.issues, ...dispatchConfigIssues(dispatch.config)].map(asIssue));
  return { issues, dispatch: dispatch.config };
}

export async function preflight(config: SiftConfig, opts: { env?: Env; resolve?: Resolver } = {}): Promise<Preflight> {
  const { issues, dispatch } = staticChecks(config, opts.env);
  const transport = tlsWarnings(config);
  if (dispatch.sinks.length === 0) return { issues, warnings: transport };
  const checked = await verifySinkTargets(dispatch, opts.resolve);
  // checkUrl repeats checkTarget's static part: a refused scheme or host is reported once.
  const seen = new Set(issues.map((i) => `${i.path}: ${i.message}`));
  for (const e of checked.errors) if (!seen.has(e)) issues.push(asIssue(e));
  return { issues, warnings: [...transport, ...checked.warnings] };
}
