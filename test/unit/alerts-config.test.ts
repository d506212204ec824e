import { describe, expect, it } from 'vitest';
import { dispatchConfigIssues, dispatchConfigOf } from '../../src/alerts/index.js';
import { configSpec, validate, type SiftConfig } from '../../src/config/index.js';

function alertsWith(sinks: unknown[]) {
  const { value, issues } = validate(configSpec, { alerts: { outbound: { allow_hosts: ['hooks.slack.com', 'events.pagerduty.com', 'soar.example.com'] }, sinks } });
  if (issues.length > 0) throw new Error(JSON.stringify(issues));
  return (value as SiftConfig).alerts;
}

describe('alerts config → sinks', () => {
  it('names the path of a missing per-type field', () => {
    const { issues } = dispatchConfigOf(alertsWith([{ name: 'pd', type: 'pagerduty' }, { name: 'hook', type: 'webhook', url: 'https://soar.example.com/x' }]), {});
    expect(issues).toContain('alerts.sinks[0].routing_key: a pagerduty sink needs routing_key or routing_key_env');
    expect(issues).toContain('alerts.sinks[1].secret: a webhook sink needs a signing secret (secret or secret_env)');
  });

  it('reads secrets from the environment variables named by *_env, and never prints them', () => {
    const hook = 'https://hooks.slack.com/services/T0001/B0002/verysecrettoken123';
    const { config, issues } = dispatchConfigOf(alertsWith([{ name: 'slack', type: 'slack', url_env: 'SLACK_HOOK' }, { name: 'hook', type: 'webhook', url: 'https://soar.example.com/x', secret_env: 'NOPE' }]), { SLACK_HOOK: hook });
    expect(issues).toEqual(['alerts.sinks[1].secret_env: environment variable NOPE is not set']);
    const slack = config.sinks[0];
    expect(slack?.type === 'slack' ? slack.url : undefined).toBe(hook);
    expect(slack?.rate_per_second).toBe(1);
    expect(JSON.stringify(issues)).not.toContain('verysecrettoken123');
  });

  it('refuses a sink host outside the allowlist at load', () => {
    const { config } = dispatchConfigOf(alertsWith([{ name: 'slack', type: 'slack', url: 'https://evil.example.net/hook' }]), {});
    const issues = dispatchConfigIssues(config);
    expect(issues.some((i) => i.startsWith('alerts.sinks[0].url:'))).toBe(true);
  });

  it('parses webhook headers', () => {
    const { config } = dispatchConfigOf(alertsWith([{ name: 'hook', type: 'webhook', url: 'https://soar.example.com/x', secret: '0123456789abcdef0', headers: ['X-Tenant: secops'] }]), {});
    const hook = config.sinks[0];
    expect(hook?.type === 'webhook' ? hook.headers : undefined).toEqual({ 'X-Tenant': 'secops' });
  });
});
