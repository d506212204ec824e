import { describe, expect, it } from 'vitest';
import { createRoutes, dispatchConfigIssues, verifySinkTargets, type DispatchConfig } from '../../../src/alerts/dispatch/index.js';
import type { Resolver } from '../../../src/alerts/outbound/index.js';

const SLACK_URL = 'https://hooks.slack.com/services/T0001/B0002/slackTokenSlackToken123';

function config(over: Partial<DispatchConfig> = {}): DispatchConfig {
  return {
    outbound: { allow_hosts: ['hooks.slack.com', 'events.pagerduty.com', '*.example.com'], allow_http: false, allow_private_networks: false, allow_loopback: false },
    retry: { initial_ms: 500, max_ms: 30_000, attempts: 6 },
    sinks: [
      { name: 'slack-secops', type: 'slack', url: SLACK_URL, min_severity: 'high', rate_per_second: 1, concurrency: 1 },
      { name: 'pagerduty', type: 'pagerduty', routing_key: 'R0UT1NGKEYs3cr3tABCDEFGHIJKLMNOP', min_severity: 'critical' },
      { name: 'soar', type: 'webhook', url: 'https://soar.example.com/hooks/sift', secret: 'a-long-enough-shared-secret', headers: { authorization: 'Bearer x' }, rules: { include: ['okta.*'] } },
    ],
    ...over,
  };
}

describe('alerts dispatch config', () => {
  it('accepts a valid config and builds one route per sink', async () => {
    expect(dispatchConfigIssues(config())).toEqual([]);
    const routes = createRoutes(config());
    expect(routes.map((r) => [r.sink.name, r.sink.kind])).toEqual([
      ['slack-secops', 'slack'],
      ['pagerduty', 'pagerduty'],
      ['soar', 'webhook'],
    ]);
    expect(routes[0]).toMatchObject({ filter: { minSeverity: 'high' }, rate: { perSecond: 1 }, concurrency: 1 });
    expect(routes[2]?.filter).toEqual({ includeRules: ['okta.*'] });
    await Promise.all(routes.map((r) => r.sink.close?.()));
  });

  it('names the config path of every problem, never the secret', () => {
    const bad = config({
      sinks: [
        { name: 'Slack Ops', type: 'slack', url: SLACK_URL.replace('https:', 'http:') },
        { name: 'pd', type: 'pagerduty', routing_key: 'short' },
        { name: 'pd', type: 'webhook', url: 'https://169.254.169.254/x', secret: 'short', concurrency: 9 },
      ],
    });
    const issues = dispatchConfigIssues(bad);
    expect(issues).toEqual([
      expect.stringMatching(/^alerts\.sinks\[0\]\.name: /),
      expect.stringMatching(/^alerts\.sinks\[0\]\.url: .*plain http is not allowed/),
      expect.stringMatching(/^alerts\.sinks\[1\]\.routing_key: /),
      expect.stringMatching(/^alerts\.sinks\[2\]\.name: "pd" is used by another sink/),
      expect.stringMatching(/^alerts\.sinks\[2\]\.concurrency: /),
      expect.stringMatching(/^alerts\.sinks\[2\]\.secret: /),
      expect.stringMatching(/^alerts\.sinks\[2\]\.url: .*not in the outbound allowlist/),
    ]);
    expect(issues.join('\n')).not.toContain('slackTokenSlackToken123');
  });

  it('resolves targets at load: internal addresses are errors, DNS failures warnings', async () => {
    const resolve: Resolver = async (host) => {
      if (host === 'soar.example.com') return [{ address: '192.168.10.4', family: 4 }];
      if (host === 'hooks.slack.com') throw Object.assign(new Error('x'), { code: 'EAI_AGAIN' });
      return [{ address: '34.1.2.3', family: 4 }];
    };
    const { errors, warnings } = await verifySinkTargets(config(), resolve);
    expect(errors).toEqual([expect.stringMatching(/^alerts\.sinks\[2\]\.url: .*soar\.example\.com \(resolves to 192\.168\.10\.4\) is private/)]);
    expect(warnings).toEqual([expect.stringMatching(/^alerts\.sinks\[0\]\.url: .*hooks\.slack\.com does not resolve \(EAI_AGAIN\)/)]);
  });
});
