/**
 * Issue 12: `sift config check` accepted configs that `sift run` refuses.
 * Both now call preflight (src/pipeline/preflight.ts) after the schema; each
 * config here passes the schema and is refused by run before it connects,
 * so check must refuse it too, naming the same path. Written by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { loadConfig } from '../../src/config/index.js';
import { preflight } from '../../src/pipeline/index.js';
import { capture } from '../helpers/capture.js';

function tmpFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sift-preflight-')), 'sift.yaml');
  writeFileSync(file, text);
  return file;
}

async function sift(argv: string[]): Promise<{ code: number; err: string }> {
  const io = capture();
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, err: io.err() };
}

/** A file that exists but is no MaxMind database. */
const NOT_MMDB = tmpFile('not a database');

const HOOK = 'url: "https://hooks.slack.com/services/T1/B2/abcdefgh12345678"';

describe('config check refuses what run refuses (issue 12)', () => {
  // Should run ever get past its checks here, it meets no real broker or metrics port.
  beforeEach(() => {
    vi.stubEnv('SIFT_KAFKA_BROKERS', '127.0.0.1:9');
    vi.stubEnv('SIFT_HTTP_PORT', '-1');
    vi.stubEnv('SIFT_RULES_ENABLED', 'false');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it.each([
    ['a topic listed twice', 'kafka:\n  topics: [{ name: raw.okta, source: okta }, { name: raw.okta, source: okta }]\n', 'kafka.topics[1].name', 'listed twice'],
    ['a sink host outside the allowlist', `alerts:\n  sinks: [{ name: s, type: slack, url: "https://evil.example.net/hook" }]\n`, 'alerts.sinks[0].url', 'not in the outbound allowlist'],
    ['plain http without allow_http', 'alerts:\n  outbound: { allow_hosts: [soar.example.com] }\n  sinks: [{ name: h, type: webhook, url: "http://soar.example.com/in", secret: "0123456789abcdef" }]\n', 'alerts.sinks[0].url', 'plain http is not allowed'],
    ['a loopback IP literal', 'alerts:\n  outbound: { allow_hosts: ["127.0.0.1"] }\n  sinks: [{ name: h, type: webhook, url: "https://127.0.0.1/in", secret: "0123456789abcdef" }]\n', 'alerts.sinks[0].url', 'is loopback'],
    ['a host that resolves to loopback', 'alerts:\n  outbound: { allow_hosts: [localhost] }\n  sinks: [{ name: h, type: webhook, url: "https://localhost/in", secret: "0123456789abcdef" }]\n', 'alerts.sinks[0].url', 'resolves to 127.0.0.1'],
    ['a slack sink without a URL', 'alerts:\n  sinks: [{ name: s, type: slack }]\n', 'alerts.sinks[0].url', 'needs the incoming webhook URL'],
    ['an unset url_env variable', 'alerts:\n  sinks: [{ name: s, type: slack, url_env: P4_NOT_SET_ANYWHERE }]\n', 'alerts.sinks[0].url_env', 'P4_NOT_SET_ANYWHERE is not set'],
    ['two sinks with one name', `alerts:\n  sinks: [{ name: s, type: slack, ${HOOK} }, { name: s, type: slack, ${HOOK} }]\n`, 'alerts.sinks[1].name', 'used by another sink'],
    ['a bad allowlist entry', 'alerts:\n  outbound: { allow_hosts: ["http://hooks.slack.com/"] }\n', 'alerts.outbound', 'is not a host name'],
    ['a GeoIP city database that is missing', 'enrich:\n  geoip: { city_database: /nonexistent/GeoLite2-City.mmdb }\n', 'enrich.geoip.city_database', 'cannot read /nonexistent/GeoLite2-City.mmdb (ENOENT)'],
    ['an avro topic without a schema registry (issue 16)', 'kafka:\n  topics: [{ name: raw.okta, source: okta }, { name: raw.okta.avro, source: okta, format: avro }]\n', 'kafka.schema_registry.url', 'required: kafka.topics[1].format is avro'],
    ['avro alerts without a schema registry (issue 16)', 'alerts:\n  kafka: { format: avro }\n', 'kafka.schema_registry.url', 'required: alerts.kafka.format is avro'],
    ['a GeoIP ASN database that is no MMDB', `enrich:\n  geoip: { asn_database: ${JSON.stringify(NOT_MMDB)} }\n`, 'enrich.geoip.asn_database', 'is not a MaxMind DB (.mmdb) file'],
  ])('%s', async (_name, text, path, why) => {
    const file = tmpFile(text);
    const check = await sift(['config', 'check', '-c', file]);
    expect(check.err).toContain(`${path}: `);
    expect(check.err).toContain(why);
    expect(check.err.trimEnd().split('\n').at(-1)).toMatch(/^config INVALID: .* \(\d+ errors?\)$/);
    expect(check.code).toBe(2);
    const run = await sift(['run', '-c', file]);
    expect(run.err).toContain(`${path}: `);
    expect(run.err).toContain(why);
    expect(run.code).toBe(2);
  });

  it('a host that does not resolve is a warning, not an error, for both', async () => {
    const file = tmpFile('alerts:\n  outbound: { allow_hosts: [sift-p4.invalid] }\n  sinks: [{ name: h, type: webhook, url: "https://sift-p4.invalid/in", secret: "0123456789abcdef" }]\n');
    const check = await sift(['config', 'check', '-c', file]);
    expect(check.err).toContain('warning: alerts.sinks[0].url: alert sink "h": host sift-p4.invalid does not resolve');
    expect(check.code).toBe(0);
  });

  it('preflight checks every address DNS answers (the metadata address among public ones)', async () => {
    const config = loadConfig(tmpFile('alerts:\n  outbound: { allow_hosts: [hooks.example.com] }\n  sinks: [{ name: h, type: webhook, url: "https://hooks.example.com/in", secret: "0123456789abcdef" }]\n'), {});
    const resolve = async () => [
      { address: '8.8.8.8', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    const { issues, warnings } = await preflight(config, { env: {}, resolve });
    expect(warnings).toEqual([]);
    expect(issues).toEqual([{ path: 'alerts.sinks[0].url', message: 'alert sink "h": host hooks.example.com (resolves to 169.254.169.254) is link-local; refused by the outbound policy' }]);
  });
});
