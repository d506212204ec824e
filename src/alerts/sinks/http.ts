/**
 * What the HTTP sinks (Slack, PagerDuty, webhook) share: one POST through
 * the outbound client with a per-attempt timeout, and the translation of
 * every outcome into a SinkError the dispatcher can act on. Messages name the
 * sink and the redacted URL; response text is capped and scrubbed of the
 * sink's secrets before it can reach a log.
 */
import { SinkError, SinkReason } from '../dispatch/sink.js';
import { OutboundCode, OutboundError, redactUrl, scrub, type OutboundClient } from '../outbound/index.js';

export interface PostOptions {
  readonly client: OutboundClient;
  readonly sink: string;
  readonly url: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Strings that must never appear in an error: tokens, routing keys, the raw URL. */
  readonly secrets: readonly string[];
  /** Statuses that mean "accepted"; default any 2xx. */
  readonly accept?: (status: number) => boolean;
}

export interface PostResult {
  readonly status: number;
  /** At most RESPONSE_CAP characters: receivers answer with a word or a small JSON. */
  readonly text: string;
}

const RESPONSE_CAP = 2048;
/** A Retry-After beyond this is treated as this: one receiver must not park a sink for hours. */
export const MAX_RETRY_AFTER_MS = 300_000;

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `nowMs`. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

async function readCapped(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let out = '';
  try {
    while (out.length < RESPONSE_CAP) {
      const { done, value } = await reader.read();
      if (done) break;
      out += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return out.slice(0, RESPONSE_CAP);
}

/** One short line of the response for error messages: whitespace folded, capped, scrubbed. */
function excerpt(text: string, secrets: readonly string[]): string {
  const line = scrub(text, secrets).replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The SinkError for a non-accepted status (sinks with their own rules call it for the generic cases). */
export function statusError(sink: string, where: string, status: number, text: string, retryAfter: string | null, secrets: readonly string[]): SinkError {
  const said = excerpt(text, secrets);
  const message = `alert sink "${sink}": ${where} answered HTTP ${status}${said === '' ? '' : ` (${said})`}`;
  if (status === 429) return new SinkError(sink, SinkReason.RateLimited, message, { retryable: true, status, retryAfterMs: parseRetryAfter(retryAfter) });
  if (status >= 500 || status === 408) return new SinkError(sink, SinkReason.ServerError, message, { retryable: true, status, retryAfterMs: parseRetryAfter(retryAfter) });
  return new SinkError(sink, SinkReason.Rejected, message, { retryable: false, status });
}

function transportError(sink: string, where: string, err: unknown, signal: AbortSignal, timedOut: boolean, secrets: readonly string[]): SinkError {
  if (err instanceof OutboundError) {
    // A name that does not resolve (right now) is a network problem, not a policy refusal.
    const reason = err.code === OutboundCode.Unresolvable ? SinkReason.Network : SinkReason.OutboundRefused;
    return new SinkError(sink, reason, err.message, { retryable: err.retryable });
  }
  if (signal.aborted) return new SinkError(sink, SinkReason.Aborted, `alert sink "${sink}": request to ${where} aborted (shutting down)`, { retryable: false });
  if (timedOut) return new SinkError(sink, SinkReason.Timeout, `alert sink "${sink}": ${where} did not answer in time`, { retryable: true });
  // undici hides the socket error (ECONNREFUSED, ECONNRESET, cert errors) in `cause`.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as { code?: unknown }).code;
  const detail = typeof code === 'string' ? code : excerpt(cause instanceof Error ? cause.message : String(cause), secrets);
  return new SinkError(sink, SinkReason.Network, `alert sink "${sink}": request to ${where} failed (${detail})`, { retryable: true });
}

/** One POST of a JSON body; resolves with the accepted answer or throws SinkError. Never throws anything else. */
export async function postJson(opts: PostOptions, signal: AbortSignal): Promise<PostResult> {
  const where = redactUrl(opts.url);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  try {
    const headers = { 'content-type': 'application/json', 'user-agent': 'sift-alerts', ...opts.headers };
    const res = await opts.client.request(opts.url, { method: 'POST', headers, body: opts.body }, combined);
    const text = await readCapped(res);
    const accept = opts.accept ?? ((s: number) => s >= 200 && s < 300);
    if (!accept(res.status)) throw statusError(opts.sink, where, res.status, text, res.headers.get('retry-after'), opts.secrets);
    return { status: res.status, text };
  } catch (err) {
    if (err instanceof SinkError) throw err;
    throw transportError(opts.sink, where, err, signal, timeout.aborted, opts.secrets);
  }
}
