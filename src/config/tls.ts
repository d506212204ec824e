/**
 * TLS material for the clients (kafkajs' `ssl`, the Elasticsearch client's
 * `tls`): the files named in `kafka.tls` / `elasticsearch.tls`, read once at
 * start. tlsIssues runs the same reads as checks, so `sift config check`
 * and `sift run` refuse the same unreadable or mismatched settings, each
 * naming its field.
 */
import { readFileSync } from 'node:fs';
import type { SiftConfig } from './schema.js';
import type { ConfigIssue } from './validate.js';

type TlsConfig = SiftConfig['kafka']['tls'];

/** What node:tls takes (kafkajs passes it to tls.connect; the ES client to its agent). */
export interface TlsOptions {
  readonly ca?: string[];
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
  readonly rejectUnauthorized: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----/;
const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

function readPem(file: string, want: RegExp, kind: string, path: string, issues: ConfigIssue[]): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    issues.push({ path, message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
    return undefined;
  }
  if (!want.test(text)) {
    issues.push({ path, message: `${file} holds no PEM ${kind}` });
    return undefined;
  }
  return text;
}

/** Reads the files of one peer's TLS settings; problems go to `issues` under `<path>.<field>`. */
function readTls(cfg: TlsConfig, path: string, issues: ConfigIssue[]): TlsOptions {
  const out: { ca?: string[]; cert?: string; key?: string; passphrase?: string; rejectUnauthorized: boolean } = {
    rejectUnauthorized: cfg.verify_certificate,
  };
  if (cfg.ca_file !== '') {
    const ca = readPem(cfg.ca_file, PEM_CERT, 'certificate', `${path}.ca_file`, issues);
    if (ca !== undefined) out.ca = [ca];
  }
  if ((cfg.crt_file === '') !== (cfg.key_file === '')) {
    const missing = cfg.crt_file === '' ? 'crt_file' : 'key_file';
    issues.push({ path: `${path}.${missing}`, message: 'a client certificate needs both crt_file and key_file' });
  } else if (cfg.crt_file !== '') {
    const cert = readPem(cfg.crt_file, PEM_CERT, 'certificate', `${path}.crt_file`, issues);
    const key = readPem(cfg.key_file, PEM_KEY, 'private key', `${path}.key_file`, issues);
    if (cert !== undefined) out.cert = cert;
    if (key !== undefined) out.key = key;
  }
  if (cfg.key_pass !== '') out.passphrase = cfg.key_pass;
  return out;
}

function isSet(cfg: TlsConfig): boolean {
  return cfg.ca_file !== '' || cfg.crt_file !== '' || cfg.key_file !== '' || cfg.key_pass !== '' || !cfg.verify_certificate;
}

/** Every TLS problem of the config: unreadable or non-PEM files, half a client certificate, TLS settings where TLS is off. */
export function tlsIssues(config: SiftConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.kafka.ssl) readTls(config.kafka.tls, 'kafka.tls', issues);
  else if (isSet(config.kafka.tls)) issues.push({ path: 'kafka.tls', message: 'TLS settings are given but kafka.ssl is false: set kafka.ssl: true to use them' });
  if (isHttps(config.elasticsearch.node)) readTls(config.elasticsearch.tls, 'elasticsearch.tls', issues);
  else if (isSet(config.elasticsearch.tls)) {
    issues.push({ path: 'elasticsearch.tls', message: 'TLS settings are given but elasticsearch.node is not https://: use an https:// URL to use them' });
  }
  return issues;
}

/** Warnings for settings that work but weaken the transport. */
export function tlsWarnings(config: SiftConfig): string[] {
  const out: string[] = [];
  if (config.kafka.ssl && !config.kafka.tls.verify_certificate) out.push('kafka.tls.verify_certificate is false: any certificate is accepted from the brokers');
  if (isHttps(config.elasticsearch.node) && !config.elasticsearch.tls.verify_certificate) {
    out.push('elasticsearch.tls.verify_certificate is false: any certificate is accepted from Elasticsearch');
  }
  if (!config.kafka.ssl && config.kafka.sasl.mechanism === 'plain') out.push('kafka.sasl.mechanism plain without kafka.ssl sends the password in clear text');
  return out;
}

export function isHttps(url: string): boolean {
  return /^https:/i.test(url);
}

/** The options for a client; throws the first problem (tlsIssues has reported them all at start). */
export function tlsOptions(cfg: TlsConfig, path: string): TlsOptions {
  const issues: ConfigIssue[] = [];
  const out = readTls(cfg, path, issues);
  const first = issues[0];
  if (first) throw new Error(`${first.path}: ${first.message}`);
  return out;
}
