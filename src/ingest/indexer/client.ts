import { Client, type ClientOptions } from '@elastic/elasticsearch';
import { isHttps, tlsOptions, type SiftConfig } from '../../config/index.js';

/**
 * The Elasticsearch client of `sift run` and the demo: credentials (API key
 * over basic auth), TLS from `elasticsearch.tls` on an https:// node, and no
 * client-side retries (the indexer's own backoff decides; see indexer.ts).
 */
export function createEsClient(cfg: SiftConfig['elasticsearch']): Client {
  const options: ClientOptions = { node: cfg.node, requestTimeout: cfg.request_timeout_ms, maxRetries: 0 };
  if (cfg.api_key) options.auth = { apiKey: cfg.api_key };
  else if (cfg.username) options.auth = { username: cfg.username, password: cfg.password };
  if (isHttps(cfg.node)) options.tls = { ...tlsOptions(cfg.tls, 'elasticsearch.tls') };
  return new Client(options);
}
