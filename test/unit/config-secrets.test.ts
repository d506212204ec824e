/**
 * Issue 12, "Secrets and config checks": a distinct canary in every
 * secret-bearing field must never come back out of Sift, whether through
 * `sift config check`, a config error (each field made invalid too), a YAML
 * or JSON parse error on the canary's own line, or the logs of a `sift run`
 * that fails at start. The canaries and the positions are written by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { configSpec, loadConfig, secretValues } from '../../src/config/index.js';
import { createPipeline } from '../../src/pipeline/index.js';
import { createLogger, createMetrics } from '../../src/telemetry/index.js';
import { capture } from '../helpers/capture.js';

afterEach(() => vi.restoreAllMocks());

function tmpFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sift-secrets-')), name);
  writeFileSync(file, text);
  return file;
}

/** Runs `sift <argv>` in-process and returns its exit code and everything printed. */
async function sift(argv: string[]): Promise<{ code: number; all: string; err: string }> {
  const io = capture();
  const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  const code = await main(argv);
  const warnings = warned.mock.calls.map((c) => String(c[0] instanceof Error ? c[0].message : c[0])).join('\n');
  vi.restoreAllMocks();
  return { code, all: `${io.out()}\n${io.err()}\n${warnings}`, err: io.err() };
}

describe('a parse error gives position and reason, never the line (issue 12)', () => {
  it.each([
    ['unclosed quote', 'cfg.yaml', 'elasticsearch:\n  password: "CANARY-yaml-quote\n', /line 3, column 1: a quote, bracket or brace is not closed/],
    ['mapping on one line', 'cfg.yaml', 'elasticsearch:\n  password: CANARY-yaml-colon: x\n', /line 2, column 13: a nested mapping on one line/],
    ['tab indentation', 'cfg.yaml', 'kafka:\n\tpassword: CANARY-yaml-tab\n', /line 2, column 1: tabs are not allowed as indentation/],
    ['duplicate key', 'cfg.yaml', 'elasticsearch:\n  password: a\n  password: CANARY-yaml-dup\n', /line 3, column 3: a key appears twice/],
    ['text after a quoted value', 'cfg.yaml', 'elasticsearch:\n  password: "x" CANARY-yaml-after\n', /line 2, column 17: unexpected text after a value/],
    ['bare word in JSON', 'cfg.json', '{"elasticsearch": {"password": CANARY-json-bare}}', /cannot parse config file .*cfg\.json: Unexpected token/],
    ['unterminated JSON string', 'cfg.json', '{"elasticsearch":\n {"password": "CANARY-json-open}}', /line 2, column \d+: Unterminated string/],
  ])('%s', async (_name, fileName, text, expected) => {
    const file = tmpFile(fileName, text);
    for (const command of [['config', 'check', '-c', file], ['run', '-c', file]]) {
      const { code, all, err } = await sift(command);
      expect(code).toBe(2);
      expect(err).toMatch(expected);
      expect(all).not.toContain('CANARY');
    }
  });

  it('an unknown tag on a secret line is not printed as a warning', async () => {
    const file = tmpFile('cfg.yaml', 'elasticsearch:\n  password: !CANARY-tag x\n');
    const { all } = await sift(['config', 'check', '-c', file]);
    expect(all).not.toContain('CANARY');
  });
});

/**
 * One canary per secret-bearing field: `sift config check` must print none
 * of them. Before issue 12 it masked only keys named password or api_key.
 */
const CANARY_CONFIG = `
kafka:
  sasl: { mechanism: scram-sha-512, username: sift, password: CANARY-sasl-password }
elasticsearch:
  node: "http://elastic:CANARY-node-password@127.0.0.1:9200/?token=CANARY-node-query"
  api_key: CANARY-es-api-key
  password: CANARY-es-password
telemetry: { http_port: -1 }
rules: { enabled: false }
alerts:
  kibana_url: "https://kibana.example.com/app/discover?auth_token=CANARY-kibana-token#/view"
  outbound: { allow_hosts: [hooks.slack.com, events.pagerduty.com, 203.0.113.9, 8.8.8.8] }
  sinks:
    - { name: slack, type: slack, url: "https://hooks.slack.com/services/T0001/B0002/CANARYslacktoken42" }
    - { name: pd, type: pagerduty, routing_key: CANARYpd0123456789abcdef01234567 }
    - name: hook
      type: webhook
      url: "https://hookuser:CANARY-hook-password@8.8.8.8/in?sig=CANARY-hook-query"
      secret: CANARY-webhook-signing-secret
      headers: ["Authorization: Bearer CANARY-authorization", "X-Api-Key: CANARY-x-api-key"]
`;

describe('sift config check redacts every secret the schema flags (issue 12)', () => {
  it('prints no canary, and keeps what an operator needs to recognise the config', async () => {
    const { code, all } = await sift(['config', 'check', '-c', tmpFile('canary.yaml', CANARY_CONFIG)]);
    expect(all).not.toContain('CANARY');
    expect(code).toBe(0);
    // Hosts, user names and header names stay visible (hand-written expectations).
    expect(all).toContain('"node": "http://***@127.0.0.1:9200/?***"');
    expect(all).toContain('"url": "https://hooks.slack.com/services/T***/B***/***"');
    expect(all).toContain('"Authorization: [redacted]"');
    expect(all).toContain('"username": "sift"');
  });
});

describe('a config error never echoes the secret of the field it names (issue 12)', () => {
  // sift run must refuse these before it connects; should one get through, it meets no real broker or metrics port.
  beforeEach(() => {
    vi.stubEnv('SIFT_KAFKA_BROKERS', '127.0.0.1:9');
    vi.stubEnv('SIFT_HTTP_PORT', '-1');
    vi.stubEnv('SIFT_RULES_ENABLED', 'false');
  });
  afterEach(() => vi.unstubAllEnvs());

  // Each case: a config that makes one secret-bearing field invalid with its canary in it, and the path the error must name.
  it.each([
    ['sasl password of the wrong type', 'kafka:\n  sasl: { password: [CANARY-sasl-list] }\n', 'kafka.sasl.password'],
    ['ES node that is no URL', 'elasticsearch:\n  node: "http://elastic:CANARY-node@bad host/"\n', 'elasticsearch.node'],
    ['ES api_key of the wrong type', 'elasticsearch:\n  api_key: { CANARY: 1 }\n', 'elasticsearch.api_key'],
    ['kibana_url that is no URL', 'alerts:\n  kibana_url: "kibana CANARY-kibana-token"\n', 'alerts.kibana_url'],
    ['a sink written as its bare hook URL', 'alerts:\n  sinks: ["https://hooks.slack.com/services/T1/B2/CANARYbaresink"]\n', 'alerts.sinks[0]'],
    ['a header without a colon', 'alerts:\n  sinks: [{ name: h, type: webhook, url: "https://hooks.slack.com/x", secret: "0123456789abcdef", headers: ["Authorization Bearer CANARY-header"] }]\n', 'alerts.sinks[0].headers[0]'],
    ['a routing key of the wrong length', 'alerts:\n  sinks: [{ name: pd, type: pagerduty, routing_key: CANARY-short-key }]\n', 'alerts.sinks[0].routing_key'],
    ['a webhook secret too short', 'alerts:\n  sinks: [{ name: h, type: webhook, url: "https://hooks.slack.com/x", secret: CANARYx }]\n', 'alerts.sinks[0].secret'],
    ['a sink URL with a refused scheme', 'alerts:\n  sinks: [{ name: s, type: slack, url: "ftp://u:CANARY-ftp@hooks.slack.com/services/T1/B2/CANARYftp" }]\n', 'alerts.sinks[0].url'],
  ])('%s', async (_name, text, path) => {
    const file = tmpFile('bad.yaml', text);
    for (const command of [['config', 'check', '-c', file], ['run', '-c', file]]) {
      const { code, all, err } = await sift(command);
      expect(err).toContain(path);
      expect(all).not.toContain('CANARY');
      expect(code).toBe(2);
    }
  });

  it('an invalid SIFT_ES_URL from the environment', async () => {
    vi.stubEnv('SIFT_ES_URL', 'http://elastic:CANARY-env-node@bad host/');
    const { code, all, err } = await sift(['config', 'check']);
    expect(err).toContain('elasticsearch.node');
    expect(all).not.toContain('CANARY');
    expect(code).toBe(2);
  });
});

describe('logs never carry a secret the config holds (issue 12)', () => {
  it('the logger masks each secret wherever it sits: message, odd keys, error text, JSON-escaped', () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (b: Buffer) => lines.push(b.toString()));
    const log = createLogger({ level: 'info', format: 'json', destination: out, secrets: ['CANARY-one-secret', 'CANARY"quoted\\secret'] });
    log.info({ hook: 'https://x.example/CANARY-one-secret', nested: { deep: ['CANARY-one-secret'] } }, 'Sent CANARY-one-secret.');
    log.error({ err: new Error('server said: CANARY"quoted\\secret') }, 'Failed.');
    const text = lines.join('');
    expect(text).toContain('Sent [redacted].');
    expect(text).not.toContain('CANARY');
  });

  it('secretValues lists each flagged value, the secret parts of URLs, header values and what *_env variables hold', () => {
    vi.stubEnv('P4_HOOK_URL', 'https://8.8.8.8/CANARYenvpathtoken99');
    try {
      const config = loadConfig(tmpFile('canary.yaml', CANARY_CONFIG.replace('  sinks:\n', '  sinks:\n    - { name: envhook, type: slack, url_env: P4_HOOK_URL }\n')), {});
      const found = secretValues(configSpec, config, process.env);
      for (const canary of [
        'CANARY-sasl-password',
        'CANARY-node-password',
        'CANARY-node-query',
        'CANARY-es-api-key',
        'CANARY-es-password',
        'CANARY-kibana-token',
        'CANARYslacktoken42',
        'CANARYpd0123456789abcdef01234567',
        'CANARY-hook-password',
        'CANARY-hook-query',
        'CANARY-webhook-signing-secret',
        'Bearer CANARY-authorization',
        'CANARY-x-api-key',
        'https://8.8.8.8/CANARYenvpathtoken99',
      ]) {
        expect(found).toContain(canary);
      }
      // Hosts and user names are not secrets: a log line may name them.
      expect(found.some((x) => x.includes('127.0.0.1') || x === 'sift' || x === 'hooks.slack.com')).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  describe('a sift run that fails at start', () => {
    let es: Server | undefined;
    afterEach(async () => {
      vi.unstubAllEnvs();
      await new Promise((resolve) => (es ? es.close(resolve) : resolve(undefined)));
    });

    /** An Elasticsearch that is healthy, so the start gets as far as Kafka, which is not there. */
    async function fakeEs(): Promise<number> {
      es = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(JSON.stringify({ cluster_name: 'fake', status: 'green', timed_out: false }));
      });
      await new Promise<void>((resolve) => es?.listen(0, '127.0.0.1', resolve));
      return (es?.address() as AddressInfo).port;
    }

    function runConfig(port: number): string {
      return tmpFile(
        'run.yaml',
        CANARY_CONFIG.replace('"http://elastic:CANARY-node-password@127.0.0.1:9200/?token=CANARY-node-query"', `"http://elastic:CANARY-node-password@127.0.0.1:${port}"`)
          .replace('kafka:\n', 'kafka:\n  brokers: ["127.0.0.1:9"]\n  connect_timeout_ms: 1000\n')
          .replace('telemetry: { http_port: -1 }', 'telemetry: { http_port: -1, log_level: trace, log_format: json }')
          .replace('  sinks:\n', '  sinks:\n    - { name: envhook, type: webhook, url_env: P4_HOOK_URL, secret_env: P4_HOOK_SECRET }\n'),
      );
    }

    it('logs why (Kafka is not there) at trace level without one canary', async () => {
      vi.stubEnv('P4_HOOK_URL', 'https://8.8.8.8/CANARYenvpathtoken99');
      vi.stubEnv('P4_HOOK_SECRET', 'CANARY-env-signing-secret');
      const { code, all } = await sift(['run', '-c', runConfig(await fakeEs())]);
      expect(all).toContain('Sift could not start.');
      expect(all).toContain('Kafka is not reachable at 127.0.0.1:9');
      expect(all).not.toContain('CANARY');
      expect(code).toBe(1);
    }, 20_000);

    it('leaves no canary in a metric label either', async () => {
      vi.stubEnv('P4_HOOK_URL', 'https://8.8.8.8/CANARYenvpathtoken99');
      vi.stubEnv('P4_HOOK_SECRET', 'CANARY-env-signing-secret');
      const config = loadConfig(runConfig(await fakeEs()));
      const metrics = createMetrics({ defaultMetrics: false });
      const log = createLogger({ level: 'silent', format: 'json' });
      const pipeline = createPipeline({ config, log, metrics });
      await expect(pipeline.start()).rejects.toThrow();
      await pipeline.stop();
      const text = await metrics.registry.metrics();
      expect(text).toContain('sift_');
      expect(text).not.toContain('CANARY');
    }, 20_000);
  });
});
