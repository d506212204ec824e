/**
 * Sift on an authenticated, encrypted stack (scripts/stack.sh up --secure):
 * Kafka SASL_SSL with SCRAM-SHA-512, Elasticsearch with security on, TLS on
 * HTTP and an API key limited to the role docs/security.md documents
 * (tools/stack/sift-es-role.json). The main job runs end to end with the
 * variables `stack.sh env --secure` prints; then each way the transport can
 * be misconfigured or revoked stops Sift at once, with an error naming the
 * cause, before it commits anything.
 *
 * Oracles: the fault workload's own expected ids, dead letters and alerts
 * (test/helpers/okta-workload.ts), and error texts written here by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkload, checkDelivery, cleanupFault, expectExactlyOnce, faultConfig, faultNames, produceWorkload, waitAllCommitted } from '../helpers/fault-check.js';
import { oktaEvent } from '../helpers/okta-events.js';
import { createSiftKey, revokeKey, secureStackUp, type SecureStack } from '../helpers/secure-stack.js';
import { createTopic, es, kafka, offsets, produce, startSift, testConfig, uniqueNames, useClients } from '../helpers/stack.js';

let stack: SecureStack;
const dir = mkdtempSync(join(tmpdir(), 'sift-secure-'));
const made: ReturnType<typeof uniqueNames>[] = [];

beforeAll(async () => {
  stack = await secureStackUp();
  useClients(stack);
}, 300_000);

afterAll(async () => {
  // Only the raw topics exist (Sift stopped before creating its own); deleting absent topics makes kafkajs retry for seconds each.
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: made.map((n) => n.topic).filter((t) => existing.has(t)) });
  } finally {
    await admin.disconnect();
  }
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${content}\n`);
  return path;
}

/** A CA that signed nothing this stack serves. */
function otherCa(): string {
  const key = join(dir, 'other-ca.key');
  const crt = join(dir, 'other-ca.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Not the stack CA', '-keyout', key, '-out', crt], { stdio: 'ignore' });
  return crt;
}

/** The last error line of a `sift run` log. */
function lastError(output: string): string {
  return output.split('\n').filter((l) => /"level":(50|60)/.test(l)).at(-1) ?? output.slice(-2000);
}

describe('the secured stack', () => {
  it('runs the main job end to end over SASL_SSL and HTTPS with a least-privilege API key', async () => {
    const names = faultNames('secure');
    try {
      const w = buildWorkload(names, { count: 800, seed: 41, partitions: 2, badRatio: 0.03 });
      await createTopic(names.topic, 2);
      await produceWorkload(names.topic, w);
      const sift = startSift(faultConfig(names, { partitions: 2 }), stack.env);
      await waitAllCommitted(names, w.records.length, 120_000, [sift]);
      sift.child.kill('SIGTERM');
      expect(await sift.exited).toBe(0);
      const d = await checkDelivery(names, w);
      expectExactlyOnce(d);
      expect(d.indexed).toBeGreaterThan(700);
      expect(d.dead_lettered).toBeGreaterThan(0);
      expect(d.alerts).toBeGreaterThan(0);
      // No secret in anything Sift printed.
      const out = sift.output();
      for (const secretFile of ['SIFT_ES_API_KEY_FILE', 'SIFT_KAFKA_SASL_PASSWORD_FILE']) {
        const secret = execFileSync('cat', [stack.env[secretFile] ?? '']).toString().trim();
        expect(secret.length).toBeGreaterThan(10);
        expect(out).not.toContain(secret);
      }
      console.log(`secured stack: up in ${stack.upSeconds.toFixed(1)} s; ${d.indexed} indexed, ${d.dead_lettered} dead-lettered, ${d.alerts} alerts`);
    } finally {
      await cleanupFault(names);
    }
  }, 240_000);

  /** Runs Sift on one event with `env` over the secured stack's; it must exit 1, naming `cause`, having committed and indexed nothing. */
  async function refused(label: string, env: Record<string, string>, cause: RegExp): Promise<void> {
    const names = uniqueNames(label);
    made.push(names);
    await createTopic(names.topic, 1);
    await produce(names.topic, [oktaEvent({ uuid: `${label}-1`, eventType: 'user.session.start', user: 'a@example.com', at: '2026-04-01T00:00:00Z', result: 'SUCCESS' })]);
    const sift = startSift(testConfig(names), { ...stack.env, ...env });
    const code = await Promise.race([sift.exited, new Promise((r) => setTimeout(() => r('still running after 45 s'), 45_000))]);
    sift.child.kill('SIGKILL');
    expect(code, sift.output().slice(-3000)).toBe(1);
    expect(lastError(sift.output())).toMatch(cause);
    expect((await offsets(names.group, names.topic)).committed).toBe(0);
    // HEAD on a wildcard answers 200 with no match: list what matches instead.
    expect(Object.keys(await es.indices.get({ index: `${names.alias}-*`, allow_no_indices: true, ignore_unavailable: true }))).toEqual([]);
  }

  it('a wrong Kafka password stops Sift, naming the refused login', async () => {
    await refused('secpw', { SIFT_KAFKA_SASL_PASSWORD_FILE: file('wrong.password', 'not-the-password') }, /Kafka refused the SASL scram-sha-512 login of user \\"sift\\".*kafka\.sasl\.password/);
  });

  it('a revoked API key stops Sift, naming the refused credentials', async () => {
    const key = await createSiftKey(es, 'sift-test-revoked');
    await revokeKey(es, key.id);
    await refused('secrevoked', { SIFT_ES_API_KEY_FILE: file('revoked.key', key.encoded) }, /refused Sift's credentials \(401.*elasticsearch\.api_key is wrong, expired or revoked/);
  });

  it('an expired API key stops Sift, naming the refused credentials', async () => {
    const key = await createSiftKey(es, 'sift-test-expired', '1s');
    await new Promise((r) => setTimeout(r, 2000));
    await refused('secexpired', { SIFT_ES_API_KEY_FILE: file('expired.key', key.encoded) }, /refused Sift's credentials \(401.*expired or revoked/);
  });

  it('a CA that did not sign the brokers\' certificate stops Sift, naming kafka.tls.ca_file', async () => {
    await refused('seccak', { SIFT_KAFKA_TLS_CA_FILE: otherCa() }, /Kafka .*TLS certificate is not signed by a CA Sift trusts.*kafka\.tls\.ca_file/);
  });

  it('a CA that did not sign Elasticsearch\'s certificate stops Sift, naming elasticsearch.tls.ca_file', async () => {
    await refused('seccae', { SIFT_ES_TLS_CA_FILE: otherCa() }, /Elasticsearch .*TLS certificate is not signed by a CA Sift trusts.*elasticsearch\.tls\.ca_file/);
  });

  it('a plaintext Kafka client at the TLS listener stops Sift, saying the port speaks TLS', async () => {
    await refused('secplaink', { SIFT_KAFKA_SSL: 'false', SIFT_KAFKA_TLS_CA_FILE: '' }, /Kafka at 127\.0\.0\.1:\d+ speaks TLS, but kafka\.ssl is false/);
  });

  it('an http:// node at the HTTPS port stops Sift, saying the port speaks HTTPS', async () => {
    const url = (stack.env['SIFT_ES_URL'] ?? '').replace('https://', 'http://');
    await refused('secplaine', { SIFT_ES_URL: url, SIFT_ES_TLS_CA_FILE: '' }, /speaks HTTPS, but elasticsearch\.node is http:\/\//);
  });
});
