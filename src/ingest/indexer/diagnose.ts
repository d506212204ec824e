import { isHttps, type SiftConfig } from '../../config/index.js';
import { ErrorCode, describeError, diagnoseTls, hostPort, redactUrlAsWritten, speaksTls, type TransportProblem } from '../../shared/index.js';

function statusOf(err: unknown): number | undefined {
  const s = (err as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof s === 'number' && s > 0 ? s : undefined;
}

function reasonOf(err: unknown): string {
  const reason = (err as { meta?: { body?: { error?: { reason?: unknown } } } } | null)?.meta?.body?.error?.reason;
  return typeof reason === 'string' ? reason : describeError(err);
}

/** Which credential a 401 is about, in the config's words. */
export function credentialHint(cfg: SiftConfig['elasticsearch']): string {
  if (cfg.api_key) return 'the API key in elasticsearch.api_key is wrong, expired or revoked';
  if (cfg.username) return 'check elasticsearch.username and elasticsearch.password';
  return 'Elasticsearch wants credentials: set elasticsearch.api_key (or username and password)';
}

/**
 * Why a request to Elasticsearch failed, when waiting cannot fix it: 401
 * (credentials), 403 (privileges), a TLS failure, or an http:// node at a
 * port that speaks HTTPS, which ES answers only by closing.
 */
export async function esProblem(cfg: SiftConfig['elasticsearch'], err: unknown): Promise<TransportProblem | undefined> {
  const status = statusOf(err);
  const node = redactUrlAsWritten(cfg.node);
  if (status === 401) {
    return { code: ErrorCode.IndexUnauthorized, message: `Elasticsearch (${node}) refused Sift's credentials (401: ${reasonOf(err)}): ${credentialHint(cfg)}` };
  }
  if (status === 403) {
    return {
      code: ErrorCode.IndexUnauthorized,
      message: `Elasticsearch (${node}) denied Sift a privilege (403: ${reasonOf(err)}): give its role the privileges docs/security.md lists`,
    };
  }
  if (status !== undefined) return undefined;
  if (isHttps(cfg.node)) return diagnoseTls(err, `Elasticsearch (${node})`, 'elasticsearch.tls.ca_file', 'elasticsearch.node is https://');
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH/.test(describeError(err))) return undefined;
  const at = hostPort(cfg.node);
  if (at && (await speaksTls(at.host, at.port))) {
    return {
      code: ErrorCode.TlsFailed,
      message: `Elasticsearch at ${node} speaks HTTPS, but elasticsearch.node is http://: use https:// (and elasticsearch.tls.ca_file for a private CA)`,
    };
  }
  return undefined;
}
