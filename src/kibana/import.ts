/**
 * `sift kibana import`: one `POST <kibana>/api/saved_objects/_import?overwrite=true`
 * (under `/s/<space>` for a space other than the default), the NDJSON as the
 * multipart `file` field, with the `kbn-xsrf` header Kibana requires of every
 * API write. Kibana answers 200 even when some objects fail; those come back
 * in `errors`, and we report them one by one.
 */
import { redactUrl } from '../shared/index.js';

export interface ImportOptions {
  /** Kibana's base URL, e.g. http://localhost:5601 (a base path, if any, included). */
  readonly url: string;
  /** An Elasticsearch API key (the base64 `encoded` form), sent as `Authorization: ApiKey …`; else userinfo in `url` is sent as Basic auth. */
  readonly apiKey?: string;
  /** Kibana space id; the default space when absent. */
  readonly space?: string;
  readonly ndjson: string;
  readonly timeoutMs?: number;
}

export interface ImportedObject {
  readonly type: string;
  readonly id: string;
  readonly title?: string;
  /** What went wrong (missing_references, conflict, unsupported_type, unknown, …); absent on success. */
  readonly error?: string;
}

export interface ImportResult {
  readonly ok: boolean;
  readonly successCount: number;
  readonly objects: readonly ImportedObject[];
}

export class KibanaImportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KibanaImportError';
  }
}

const SPACE = /^[a-z0-9_-]+$/;

export function importUrl(base: string, space?: string): URL {
  if (space !== undefined && !SPACE.test(space)) throw new KibanaImportError(`--space must be a Kibana space id (a-z, 0-9, _ and -), got ${JSON.stringify(space)}`);
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  url.pathname = `${prefix}${space && space !== 'default' ? `/s/${space}` : ''}/api/saved_objects/_import`;
  url.search = '?overwrite=true';
  return url;
}

interface ImportResponse {
  success?: boolean;
  successCount?: number;
  successResults?: { type: string; id: string; meta?: { title?: string } }[];
  errors?: { type: string; id: string; title?: string; meta?: { title?: string }; error?: { type?: string; message?: string; references?: { type: string; id: string }[] } }[];
}

function describeFailure(e: NonNullable<ImportResponse['errors']>[number]): string {
  const kind = e.error?.type ?? 'unknown';
  const missing = e.error?.references?.map((r) => `${r.type}/${r.id}`).join(', ');
  return missing ? `${kind}: ${missing}` : e.error?.message ? `${kind}: ${e.error.message}` : kind;
}

/**
 * fetch refuses a URL with userinfo (and its error would print the password):
 * `http://user:pass@kibana` becomes Basic auth on a URL without it. An API
 * key, when given, wins.
 */
function authorization(url: URL, apiKey: string | undefined): string | undefined {
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  if (apiKey) return `ApiKey ${apiKey}`;
  return user || pass ? `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` : undefined;
}

export async function importSavedObjects(opts: ImportOptions): Promise<ImportResult> {
  const url = importUrl(opts.url, opts.space);
  const form = new FormData();
  form.append('file', new Blob([opts.ndjson], { type: 'application/ndjson' }), 'sift-kibana.ndjson');
  const headers: Record<string, string> = { 'kbn-xsrf': 'sift' };
  const auth = authorization(url, opts.apiKey);
  if (auth) headers['authorization'] = auth;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
  } catch (err) {
    const why = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new KibanaImportError(`Kibana at ${redactUrl(opts.url)} is unreachable (${why}); is it up? (GET /api/status answers once it is)`, { cause: err });
  }
  const text = await res.text();
  if (!res.ok) {
    throw new KibanaImportError(`Kibana refused the import: HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 500)}` : ''}`);
  }
  let body: ImportResponse;
  try {
    body = JSON.parse(text) as ImportResponse;
  } catch {
    throw new KibanaImportError(`Kibana answered the import with something other than JSON: ${text.slice(0, 200)}`);
  }
  const objects: ImportedObject[] = [
    ...(body.successResults ?? []).map((r) => ({ type: r.type, id: r.id, ...(r.meta?.title ? { title: r.meta.title } : {}) })),
    ...(body.errors ?? []).map((e) => {
      const title = e.meta?.title ?? e.title;
      return { type: e.type, id: e.id, ...(title ? { title } : {}), error: describeFailure(e) };
    }),
  ];
  return { ok: body.success === true && (body.errors ?? []).length === 0, successCount: body.successCount ?? 0, objects };
}
