/**
 * Which connection failures stop Sift at once, and what they say. The error
 * shapes are written by hand after what the clients really throw (seen on
 * the secured stack, test/integration/secure-stack.test.ts): kafkajs wraps
 * Node's TLS error in `originalError`, the ES client keeps only a message,
 * OpenSSL's own lines carry file names and hex codes.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { esProblem } from '../../src/ingest/indexer/index.js';
import { loadConfig } from '../../src/config/index.js';
import { diagnoseTls, hostPort, isSaslFailure, speaksTls } from '../../src/shared/index.js';

const nodeTls = (code: string, message: string) => Object.assign(new Error(message), { code });
const kafkajs = (original: Error) => Object.assign(new Error(`Connection error: ${original.message}`), { name: 'KafkaJSConnectionError', originalError: original });

describe('diagnoseTls', () => {
  it('an untrusted chain names the CA setting, by code or by the message alone', () => {
    const byCode = diagnoseTls(kafkajs(nodeTls('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain')), 'Kafka (b:9093)', 'kafka.tls.ca_file', 'kafka.ssl is true');
    expect(byCode?.code).toBe('SIFT_TLS_FAILED');
    expect(byCode?.message).toBe(
      "Kafka (b:9093)'s TLS certificate is not signed by a CA Sift trusts (Connection error: self-signed certificate in certificate chain): set kafka.tls.ca_file to the CA certificate that signed it",
    );
    const byText = diagnoseTls(new Error('unable to verify the first certificate'), 'Elasticsearch (https://es/)', 'elasticsearch.tls.ca_file', 'x');
    expect(byText?.message).toMatch(/not signed by a CA Sift trusts \(unable to verify the first certificate\): set elasticsearch\.tls\.ca_file/);
  });

  it('an expired certificate and a wrong host name are told apart', () => {
    expect(diagnoseTls(nodeTls('CERT_HAS_EXPIRED', 'certificate has expired'), 'P', 'f', 'on')?.message).toBe("P's TLS certificate is not valid now (certificate has expired): renew it");
    expect(diagnoseTls(nodeTls('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'P', 'f', 'on')?.message).toMatch(/does not name the host Sift connects to/);
  });

  it('a plaintext answer to a ClientHello reads as "does not speak TLS", without OpenSSL\'s file and hex noise', () => {
    const raw = '40DD44ECBE7F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:77:\n';
    expect(diagnoseTls(nodeTls('ERR_SSL_WRONG_VERSION_NUMBER', raw), 'Elasticsearch (https://es:9200/)', 'f', 'elasticsearch.node is https://')?.message).toBe(
      "Elasticsearch (https://es:9200/) does not speak TLS on that port, but elasticsearch.node is https:// (wrong version number): use the peer's TLS port, or turn TLS off",
    );
  });

  it('a refused or reset connection is a reason to wait, not to stop', () => {
    expect(diagnoseTls(nodeTls('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9093'), 'P', 'f', 'on')).toBeUndefined();
    expect(diagnoseTls(nodeTls('ECONNRESET', 'read ECONNRESET'), 'P', 'f', 'on')).toBeUndefined();
  });
});

describe('isSaslFailure', () => {
  it('knows kafkajs\' refused login and nothing else', () => {
    const sasl = Object.assign(new Error('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'), {
      name: 'KafkaJSSASLAuthenticationError',
    });
    expect(isSaslFailure(sasl)).toBe(true);
    expect(isSaslFailure(new Error('Connection error: connect ECONNREFUSED'))).toBe(false);
  });
});

describe('esProblem', () => {
  const cfg = (env: Record<string, string>) => loadConfig(undefined, env).elasticsearch;
  const response = (statusCode: number, reason: string) => Object.assign(new Error('ResponseError'), { meta: { statusCode, body: { error: { reason } } } });

  it('401 names the credential the config uses', async () => {
    const key = await esProblem(cfg({ SIFT_ES_API_KEY: 'abc' }), response(401, 'unable to authenticate with provided credentials'));
    expect(key).toEqual({
      code: 'SIFT_INDEX_UNAUTHORIZED',
      message: "Elasticsearch (http://127.0.0.1:9200) refused Sift's credentials (401: unable to authenticate with provided credentials): the API key in elasticsearch.api_key is wrong, expired or revoked",
    });
    expect((await esProblem(cfg({ SIFT_ES_USERNAME: 'u', SIFT_ES_PASSWORD: 'p' }), response(401, 'r')))?.message).toMatch(/check elasticsearch\.username and elasticsearch\.password$/);
    expect((await esProblem(cfg({}), response(401, 'r')))?.message).toMatch(/Elasticsearch wants credentials: set elasticsearch\.api_key/);
  });

  it('403 points at the documented role; other statuses are not its business', async () => {
    expect((await esProblem(cfg({}), response(403, 'action [indices:admin/aliases] is unauthorized')))?.message).toMatch(/denied Sift a privilege \(403: action \[indices:admin\/aliases\] is unauthorized\): give its role the privileges docs\/security\.md lists/);
    expect(await esProblem(cfg({}), response(503, 'unavailable'))).toBeUndefined();
  });
});

describe('speaksTls and hostPort', () => {
  it('a plaintext listener does not complete a TLS handshake', async () => {
    const server = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      expect(await speaksTls('127.0.0.1', (server.address() as AddressInfo).port, 2000)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('reads host and port from a broker address and from URLs', () => {
    expect(hostPort('10.0.0.1:9093')).toEqual({ host: '10.0.0.1', port: 9093 });
    expect(hostPort('https://es.example.com')).toEqual({ host: 'es.example.com', port: 443 });
    expect(hostPort('http://[::1]:9200')).toEqual({ host: '::1', port: 9200 });
  });
});
