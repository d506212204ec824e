/**
 * Sink URLs are credentials: whoever holds a Slack incoming-webhook URL can
 * post into the channel, and a URL's userinfo or query may hold a password
 * or token (Elasticsearch's node, a Kibana link). Every error, log line and
 * DLQ reason shows URLs only through `redactUrl`, and texts that may echo a
 * secret go through `scrub`. Here, in shared/, because config redaction
 * (`sift config check`, the logger) and the alert sinks mask URLs alike.
 */

/** Path segments kept as written: API words and versions (`v2`, `enqueue`, `services`). */
const PLAIN_SEGMENT = /^(?:v\d{1,3}|[a-z][a-z._-]{0,23})$/;

/** Slack: /services/T<team>/B<hook>/<token> → /services/T***\/B***\/***, keeping the id kinds. */
function slackPath(segments: readonly string[]): string[] | undefined {
  if (segments[1] !== 'services' || segments.length < 3) return undefined;
  return segments.map((s, i) => {
    if (i < 2) return s;
    if (i < 4 && /^[A-Z]/.test(s) && i < segments.length - 1) return `${s[0] ?? ''}***`;
    return s === '' ? s : '***';
  });
}

/**
 * The URL with userinfo, query, fragment and every path segment that could
 * be a token replaced by `***`. Host and port stay: they are what an
 * operator needs to recognise the target. Input that does not parse as a
 * URL is not echoed at all.
 */
export function redactUrl(target: string | URL): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return '[unparseable url]';
  }
  const segments = url.pathname.split('/');
  const path = (slackPath(segments) ?? segments.map((s) => (s === '' || PLAIN_SEGMENT.test(s) ? s : '***'))).join('/');
  const userinfo = url.username !== '' || url.password !== '' ? '***@' : '';
  const query = url.search !== '' ? '?***' : '';
  const fragment = url.hash !== '' ? '#***' : '';
  return `${url.protocol}//${userinfo}${url.host}${path}${query}${fragment}`;
}

/** redactUrl, but a URL with nothing to mask is shown as written (`http://127.0.0.1:9200`, not the parser's `…:9200/`). */
export function redactUrlAsWritten(v: string): string {
  const masked = redactUrl(v);
  return URL.canParse(v) && masked === new URL(v).href ? v : masked;
}

/** Replaces each secret (at least 4 characters, to avoid masking noise) wherever it occurs in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first: a secret containing another (`token=abc` and `abc`) is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < 4) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

/**
 * The secret parts of a URL, for `scrub`: the full URL, its path tokens,
 * query values and password, so an echo of any of them by a remote server or
 * a library error is masked too.
 */
export function urlSecrets(target: string): string[] {
  return [target, ...urlSecretParts(target)].filter((s) => s.length >= 4);
}

/**
 * The parts `redactUrl` masks (password, token-like path segments, query
 * and fragment), without the URL itself: a log line may name the host of
 * Elasticsearch, not its password. Input that is no URL is all secret.
 */
export function urlSecretParts(target: string): string[] {
  const out: string[] = [];
  try {
    const url = new URL(target);
    out.push(...url.pathname.split('/').filter((s) => s.length >= 8 && !PLAIN_SEGMENT.test(s)));
    for (const value of url.searchParams.values()) out.push(value);
    if (url.password !== '') out.push(url.password, safeDecode(url.password));
    if (url.search.length > 1) out.push(url.search.slice(1));
    if (url.hash.length > 1) out.push(url.hash.slice(1));
  } catch {
    out.push(target);
  }
  return out.filter((s) => s.length >= 4);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
