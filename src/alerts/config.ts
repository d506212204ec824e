/**
 * From the validated `alerts` config to the dispatcher's sink configuration:
 * secrets may come from environment variables named by `*_env`, and each
 * sink type's required fields are checked here, naming the config path.
 */
import type { SiftConfig } from '../config/index.js';
import type { DispatchConfig, SinkConfig } from './dispatch/index.js';

type AlertsConfig = SiftConfig['alerts'];
type SinkItem = AlertsConfig['sinks'][number];
type Env = Readonly<Record<string, string | undefined>>;

function secretOf(item: SinkItem, field: 'url' | 'routing_key' | 'secret', env: Env, at: string, issues: string[]): string {
  const direct = item[field];
  const name = item[`${field}_env`];
  if (name !== '') {
    const value = env[name];
    if (value === undefined || value === '') issues.push(`${at}.${field}_env: environment variable ${name} is not set`);
    return value ?? '';
  }
  return direct;
}

export function dispatchConfigOf(c: AlertsConfig, env: Env = process.env): { config: DispatchConfig; issues: string[] } {
  const issues: string[] = [];
  const sinks: SinkConfig[] = c.sinks.map((item, i): SinkConfig => {
    const at = `alerts.sinks[${i}]`;
    const base = {
      name: item.name,
      min_severity: item.min_severity,
      rules: { ...(item.include_rules.length > 0 ? { include: item.include_rules } : {}), ...(item.exclude_rules.length > 0 ? { exclude: item.exclude_rules } : {}) },
      ...(item.rate_per_second > 0 ? { rate_per_second: item.rate_per_second } : {}),
      ...(item.burst > 0 ? { burst: item.burst } : {}),
      concurrency: item.concurrency,
      queue_size: item.queue_size,
      timeout_ms: item.timeout_ms,
    };
    const url = secretOf(item, 'url', env, at, issues);
    switch (item.type) {
      case 'slack':
        if (url === '' && item.url_env === '') issues.push(`${at}.url: a slack sink needs the incoming webhook URL (url or url_env)`);
        // Slack allows about one message per second per hook, with short bursts.
        return { rate_per_second: 1, burst: 3, ...base, type: 'slack', url };
      case 'pagerduty': {
        const key = secretOf(item, 'routing_key', env, at, issues);
        if (key === '' && item.routing_key_env === '') issues.push(`${at}.routing_key: a pagerduty sink needs routing_key or routing_key_env`);
        return { ...base, type: 'pagerduty', routing_key: key, ...(url !== '' ? { url } : {}) };
      }
      case 'webhook': {
        const secret = secretOf(item, 'secret', env, at, issues);
        if (url === '' && item.url_env === '') issues.push(`${at}.url: a webhook sink needs url or url_env`);
        if (secret === '' && item.secret_env === '') issues.push(`${at}.secret: a webhook sink needs a signing secret (secret or secret_env)`);
        const headers = Object.fromEntries(item.headers.map((h) => [h.slice(0, h.indexOf(':')).trim(), h.slice(h.indexOf(':') + 1).trim()]));
        return { ...base, type: 'webhook', url, secret, ...(item.headers.length > 0 ? { headers } : {}) };
      }
    }
  });
  return {
    config: {
      outbound: c.outbound,
      retry: c.retry,
      sinks,
    },
    issues,
  };
}
