/**
 * The only way alert sinks reach the network: global fetch with
 * `redirect: 'manual'`, every hop checked by the outbound policy before it is
 * requested, and (where the runtime allows) connections whose DNS lookup is
 * the checked one (pinned.ts). Throws OutboundError for refused targets and
 * fetch's own errors otherwise; sinks/http.ts turns both into SinkErrors.
 */
import { pinnedDispatcher } from './pinned.js';
import { checkTarget, checkUrl, OutboundCode, OutboundError, resolveChecked, systemResolver, type OutboundPolicy, type Resolver } from './policy.js';

export interface OutboundRequest {
  readonly method: 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface OutboundClientOptions {
  /** Sink name, for errors. */
  readonly sink: string;
  readonly policy: OutboundPolicy;
  readonly resolve?: Resolver;
  /** Hops followed after the first request; default 3. */
  readonly maxRedirects?: number;
  /** false forces the check-then-fetch fallback (tests of the fallback path). */
  readonly pin?: boolean;
}

export interface OutboundClient {
  /** True when connections resolve through the checked lookup (no rebinding window). */
  readonly pinned: boolean;
  request(target: string | URL, req: OutboundRequest, signal: AbortSignal): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Followed with method and body unchanged: changing an alert POST into a GET
 * (what fetch does for 301/302) would report success while dropping the
 * alert. 303 means "look elsewhere with GET": it is returned as the answer.
 */
const FOLLOWED = new Set([301, 302, 307, 308]);

/** Headers that may go to another origin; configured extra headers (often credentials) may not. */
const CROSS_ORIGIN_SAFE = /^(content-type|user-agent|x-sift-[a-z-]+)$/i;

function crossOriginHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => CROSS_ORIGIN_SAFE.test(k)));
}

/** undici reports a failed lookup as TypeError('fetch failed') with the lookup's error as cause. */
function unwrap(err: unknown): unknown {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur instanceof Error; i++) {
    if (cur instanceof OutboundError) return cur;
    cur = cur.cause;
  }
  return err;
}

export function createOutboundClient(opts: OutboundClientOptions): OutboundClient {
  const { sink, policy } = opts;
  const resolve = opts.resolve ?? systemResolver;
  const maxRedirects = opts.maxRedirects ?? 3;
  const dispatcher = opts.pin === false ? undefined : pinnedDispatcher((host) => resolveChecked(policy, sink, host, resolve).then((a) => [...a]));

  // Pinned: the connect-time lookup resolves and checks, so the pre-check
  // needs no DNS of its own. Unpinned: resolve and check now; fetch then
  // resolves again (the documented residual rebinding risk).
  const check = async (target: string | URL): Promise<URL> => (dispatcher ? checkTarget(policy, sink, target).url : checkUrl(policy, sink, target, resolve));

  async function request(target: string | URL, req: OutboundRequest, signal: AbortSignal): Promise<Response> {
    let headers = req.headers;
    let next: string | URL = target;
    for (let hop = 0; ; hop++) {
      const url = await check(next);
      let res: Response;
      try {
        res = await fetch(url, { method: req.method, headers, body: req.body, redirect: 'manual', signal, ...(dispatcher ? { dispatcher } : {}) });
      } catch (err) {
        throw unwrap(err);
      }
      const location = res.headers.get('location');
      if (!FOLLOWED.has(res.status) || location === null) return res;
      await res.body?.cancel();
      let hopUrl: URL;
      try {
        hopUrl = new URL(location, url);
      } catch {
        throw new OutboundError(OutboundCode.BadUrl, sink, url.hostname, `host ${url.hostname} redirected to a location that does not parse`);
      }
      if (hop >= maxRedirects) {
        throw new OutboundError(OutboundCode.TooManyRedirects, sink, url.hostname, `host ${url.hostname}: more than ${maxRedirects} redirects`);
      }
      if (hopUrl.origin !== url.origin) headers = crossOriginHeaders(headers);
      next = hopUrl;
    }
  }

  return {
    pinned: dispatcher !== undefined,
    request,
    async close() {
      await dispatcher?.close();
    },
  };
}
