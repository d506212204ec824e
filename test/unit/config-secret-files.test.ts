/**
 * Secrets from files (`<key>_file`, `<ENV>_FILE`) and the TLS settings'
 * checks, with expectations written by hand: which value wins, what a
 * mounted secret's trailing newline becomes, and which field each problem
 * names.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, renderConfigReference, tlsIssues, tlsWarnings, type SiftConfig } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sift-secret-files-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function config(name: string, yaml: string): string {
  return file(name, yaml);
}
function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

// A self-signed certificate and key are not needed: the checks look for PEM armour, not validity (TLS itself verifies).
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

describe('secrets from files', () => {
  it('reads <key>_file from the config, without the trailing line break a mounted secret has', () => {
    const key = file('api-key', 'aWQ6a2V5\n');
    const c = loadConfig(config('a.yaml', `elasticsearch:\n  api_key_file: ${key}\n`), {});
    expect(c.elasticsearch.api_key).toBe('aWQ6a2V5');
  });

  it('reads <ENV>_FILE from the environment (CRLF too), and it wins over the config file', () => {
    const pw = file('kafka-pw', 's3cret-from-env\r\n');
    const c = loadConfig(config('b.yaml', 'kafka:\n  sasl:\n    password: from-config\n'), { SIFT_KAFKA_SASL_PASSWORD_FILE: pw });
    expect(c.kafka.sasl.password).toBe('s3cret-from-env');
  });

  it('the plain environment variable wins over the config file\'s _file', () => {
    const pw = file('es-pw', 'from-file\n');
    const c = loadConfig(config('c.yaml', `elasticsearch:\n  password_file: ${pw}\n`), { SIFT_ES_PASSWORD: 'from-env' });
    expect(c.elasticsearch.password).toBe('from-env');
  });

  it('refuses both forms in one place, naming the field', () => {
    const pw = file('both', 'x\n');
    expect(issuesOf(() => loadConfig(config('d.yaml', `elasticsearch:\n  api_key: abc\n  api_key_file: ${pw}\n`), {}))).toEqual([
      'elasticsearch.api_key_file: set either elasticsearch.api_key or elasticsearch.api_key_file, not both',
    ]);
    expect(issuesOf(() => loadConfig(undefined, { SIFT_ES_API_KEY: 'a', SIFT_ES_API_KEY_FILE: pw }))).toEqual([
      'elasticsearch.api_key: both SIFT_ES_API_KEY and SIFT_ES_API_KEY_FILE are set: unset one',
    ]);
  });

  it('names the field of an unreadable or empty secret file', () => {
    expect(issuesOf(() => loadConfig(config('e.yaml', 'kafka:\n  sasl:\n    password_file: /nonexistent/pw\n'), {}))).toEqual([
      'kafka.sasl.password_file: cannot read /nonexistent/pw (ENOENT)',
    ]);
    const empty = file('empty', '\n');
    expect(issuesOf(() => loadConfig(undefined, { SIFT_ES_API_KEY_FILE: empty }))).toEqual([`elasticsearch.api_key: ${empty} is empty (named by SIFT_ES_API_KEY_FILE)`]);
  });

  it('accepts _file only for secrets', () => {
    expect(issuesOf(() => loadConfig(config('f.yaml', 'elasticsearch:\n  username_file: /x\n'), {}))[0]).toMatch(/^elasticsearch\.username_file: unknown key/);
  });

  it('documents every _file form beside its secret', () => {
    const doc = renderConfigReference();
    for (const row of ['`kafka.sasl.password_file`', '`elasticsearch.api_key_file`', '`elasticsearch.password_file`', '`kafka.tls.key_pass_file`']) expect(doc).toContain(row);
    expect(doc).toContain('`SIFT_ES_API_KEY_FILE`');
  });
});

describe('TLS settings', () => {
  const base = (over: string): SiftConfig => loadConfig(config(`t${Math.random()}.yaml`, over), {});

  it('needs TLS on to use TLS settings', () => {
    expect(tlsIssues(base(`kafka:\n  tls:\n    ca_file: ${file('ca1.crt', CERT)}\n`))).toEqual([
      { path: 'kafka.tls', message: 'TLS settings are given but kafka.ssl is false: set kafka.ssl: true to use them' },
    ]);
    expect(tlsIssues(base(`elasticsearch:\n  node: http://es:9200\n  tls:\n    verify_certificate: false\n`))).toEqual([
      { path: 'elasticsearch.tls', message: 'TLS settings are given but elasticsearch.node is not https://: use an https:// URL to use them' },
    ]);
  });

  it('names the field of a missing, non-PEM or half-given file', () => {
    const notPem = file('not-pem.crt', 'hello\n');
    const issues = tlsIssues(
      base(`kafka:\n  ssl: true\n  tls:\n    ca_file: /nonexistent/ca.crt\n    crt_file: ${file('c.crt', CERT)}\nelasticsearch:\n  node: https://es:9200\n  tls:\n    ca_file: ${notPem}\n    crt_file: ${file('d.crt', CERT)}\n    key_file: ${file('d.crt2', CERT)}\n`),
    );
    expect(issues).toEqual([
      { path: 'kafka.tls.ca_file', message: 'cannot read /nonexistent/ca.crt (ENOENT)' },
      { path: 'kafka.tls.key_file', message: 'a client certificate needs both crt_file and key_file' },
      { path: 'elasticsearch.tls.ca_file', message: `${notPem} holds no PEM certificate` },
      { path: 'elasticsearch.tls.key_file', message: `${dir}/d.crt2 holds no PEM private key` },
    ]);
  });

  it('accepts readable PEM files, and warns when verification is off or a SASL PLAIN password would travel in clear', () => {
    const c = base(
      `kafka:\n  ssl: true\n  tls:\n    ca_file: ${file('ok-ca.crt', CERT)}\n    crt_file: ${file('ok.crt', CERT)}\n    key_file: ${file('ok.key', KEY)}\nelasticsearch:\n  node: https://es:9200\n  tls:\n    verify_certificate: false\n`,
    );
    expect(tlsIssues(c)).toEqual([]);
    expect(tlsWarnings(c)).toEqual(['elasticsearch.tls.verify_certificate is false: any certificate is accepted from Elasticsearch']);
    expect(tlsWarnings(base('kafka:\n  sasl:\n    mechanism: plain\n    username: u\n    password: p\n'))).toEqual([
      'kafka.sasl.mechanism plain without kafka.ssl sends the password in clear text',
    ]);
  });
});
