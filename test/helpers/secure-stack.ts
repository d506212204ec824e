/**
 * The secured stack (`scripts/stack.sh up --secure`, docs/security.md): Kafka
 * SASL_SSL with SCRAM-SHA-512 on 9192, Elasticsearch with security and TLS on
 * 9201, its own CA. Tests read Sift's variables from `stack.sh env --secure`,
 * as a user would, and talk to the stack as its superuser (ES) and as the
 * SCRAM user sift (Kafka, which has no authorizer).
 */
import { Client } from '@elastic/elasticsearch';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { ROOT } from './stack.js';

const run = promisify(execFile);

export interface SecureStack {
  /** `SIFT_*` variables that point `sift run` at the secured stack. */
  readonly env: Readonly<Record<string, string>>;
  readonly es: Client;
  readonly kafka: Kafka;
  readonly ca: string;
  /** Seconds `stack.sh up --secure` took (certificates and users are made on the first start only). */
  readonly upSeconds: number;
}

export async function secureStackUp(): Promise<SecureStack> {
  const started = Date.now();
  await run(join(ROOT, 'scripts/stack.sh'), ['up', '--secure'], { cwd: ROOT, timeout: 300_000 });
  const upSeconds = (Date.now() - started) / 1000;
  const { stdout } = await run(join(ROOT, 'scripts/stack.sh'), ['env', '--secure'], { cwd: ROOT });
  const env = Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const secrets = dirname(env['SIFT_ES_API_KEY_FILE'] ?? '');
  const ca = readFileSync(join(secrets, 'ca.crt'), 'utf8');
  const read = (f: string) => readFileSync(join(secrets, f), 'utf8').trim();
  const es = new Client({ node: env['SIFT_ES_URL'] ?? '', auth: { username: 'sift_admin', password: read('es-admin.password') }, tls: { ca } });
  const kafka = new Kafka({
    clientId: 'sift-tests-secure',
    brokers: [env['SIFT_KAFKA_BROKERS'] ?? ''],
    ssl: { ca: [ca] },
    sasl: { mechanism: 'scram-sha-512', username: 'sift', password: read('kafka-sift.password') },
    logLevel: logLevel.NOTHING,
  });
  return { env, es, kafka, ca, upSeconds };
}

/** A new API key limited to Sift's role (tools/stack/sift-es-role.json), as the stack makes it. */
export async function createSiftKey(es: Client, name: string, expiration?: string): Promise<{ id: string; encoded: string }> {
  const role = JSON.parse(readFileSync(join(ROOT, 'tools/stack/sift-es-role.json'), 'utf8')) as Record<string, unknown>;
  const r = await es.security.createApiKey({ name, ...(expiration ? { expiration } : {}), role_descriptors: { sift_writer: role } });
  return { id: r.id, encoded: r.encoded };
}

export async function revokeKey(es: Client, id: string): Promise<void> {
  await es.security.invalidateApiKey({ ids: [id] });
}
