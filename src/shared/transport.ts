/**
 * Why a connection to Kafka or Elasticsearch failed, when the reason is one
 * no retry can fix: the peer's certificate is not trusted, names another
 * host or has expired; TLS meets a plaintext port or the reverse; Kafka
 * refuses the SASL login. Each answer names the cause and the setting to
 * change. Anything else (refused, reset, timed out) stays a reason to wait.
 */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { ErrorCode } from './errors.js';

export interface TransportProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Node's (OpenSSL's) verification codes for a chain that ends in a CA Sift does not trust. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** The same reasons in words, for clients that keep the message and drop the code (the ES client's ConnectionError). */
const UNTRUSTED_TEXT = /unable to verify the first certificate|self[- ]signed certificate|unable to get (?:local )?issuer certificate|certificate signature failure/i;
const EXPIRED_TEXT = /certificate has expired|certificate is not yet valid/i;
const ALTNAME_TEXT = /does not match certificate's altnames/i;
/** OpenSSL's words when a TLS client reads a plaintext answer. */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|http request/i;

/**
 * OpenSSL's own lines (`40DD…:error:0A00010B:SSL routines:<function>:<reason>:<file>:<line>:`)
 * shortened to their reason.
 */
function tidy(text: string): string {
  return text.replace(/[0-9A-F]{6,}:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):[^\n]*\n?/g, '$1').trim();
}

/** The codes and messages of an error and what it wraps (kafkajs: originalError; the ES client and Node: cause). */
function chain(err: unknown): { codes: string[]; names: string[]; text: string } {
  const codes: string[] = [];
  const names: string[] = [];
  const texts: string[] = [];
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const o = e as { code?: unknown; name?: unknown; message?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof o.code === 'string') codes.push(o.code);
    if (typeof o.name === 'string') names.push(o.name);
    if (typeof o.message === 'string' && !texts.some((t) => t.includes(o.message as string))) texts.push(o.message);
    e = o.originalError ?? o.cause;
  }
  return { codes, names, text: tidy(texts.join(' / ')) };
}

/** What failed, worded for the operator; undefined when waiting may help. */
export function diagnoseTls(err: unknown, peer: string, caField: string, tlsOn: string): TransportProblem | undefined {
  const { codes, text } = chain(err);
  const has = (set: ReadonlySet<string>) => codes.some((c) => set.has(c));
  if (has(UNTRUSTED) || UNTRUSTED_TEXT.test(text)) {
    return { code: ErrorCode.TlsFailed, message: `${peer}'s TLS certificate is not signed by a CA Sift trusts (${text}): set ${caField} to the CA certificate that signed it` };
  }
  if (has(EXPIRED) || EXPIRED_TEXT.test(text)) return { code: ErrorCode.TlsFailed, message: `${peer}'s TLS certificate is not valid now (${text}): renew it` };
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID') || ALTNAME_TEXT.test(text)) {
    return { code: ErrorCode.TlsFailed, message: `${peer}'s TLS certificate does not name the host Sift connects to (${text}): connect by a name the certificate holds` };
  }
  if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || NOT_TLS.test(text)) {
    return { code: ErrorCode.TlsFailed, message: `${peer} does not speak TLS on that port, but ${tlsOn} (${text}): use the peer's TLS port, or turn TLS off` };
  }
  return undefined;
}

/** A TLS client whose peer hung up mid-handshake: a plaintext port, or a peer that went away (speaksTls tells). */
export function isHandshakeHangUp(err: unknown): boolean {
  return /disconnected before secure TLS connection was established/i.test(chain(err).text);
}

/** kafkajs' error for a refused SASL login. */
export function isSaslFailure(err: unknown): boolean {
  const { names, text } = chain(err);
  return names.includes('KafkaJSSASLAuthenticationError') || /SASL .*authentication failed/i.test(text);
}

/**
 * Whether host:port completes a TLS handshake (any certificate accepted):
 * asked once a plaintext client's connection fails, to tell "this port
 * speaks TLS" from "nothing answers".
 */
export function speaksTls(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIP(host) === 0 ? { servername: host } : {}) });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** host and port of `host:port` or a URL (default port by scheme). */
export function hostPort(address: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(address.includes('://') ? address : `tcp://${address}`);
    const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : NaN;
    if (!Number.isInteger(port)) return undefined;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}
