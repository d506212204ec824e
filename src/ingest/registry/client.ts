/**
 * A client for the Confluent Schema Registry API (the part Sift uses), as
 * Confluent's registry, Karapace and Apicurio's ccompat API (`/apis/ccompat/v7`)
 * serve it: a schema by id, and registering a schema under a subject.
 * docs/avro.md.
 */
import { ErrorCode, SiftError, Stage } from '../../shared/index.js';

export interface RegistryOptions {
  /** Base URL, e.g. http://127.0.0.1:8081/apis/ccompat/v7 (no trailing slash needed). */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs: number;
}

/** What a lookup by id found: the schema text, or that the registry has no such id. */
export type SchemaById = { readonly found: true; readonly schema: string; readonly schemaType: string } | { readonly found: false; readonly message: string };

export interface RegistryClient {
  /** Throws SIFT_REGISTRY_UNAVAILABLE (retryable) when the registry cannot answer now; 404 is `found: false`. */
  schemaById(id: number): Promise<SchemaById>;
  /** Registers (or finds) `schema` under `subject`; returns its id. Throws SIFT_REGISTRY_REJECTED on a refusal. */
  register(subject: string, schema: string): Promise<number>;
  /** The URL without credentials, for logs. */
  readonly describe: string;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The registry's error body says why (`{"error_code": 40403, "message": …}`); keep it short. */
async function reason(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    return `${res.status}${typeof body.error_code === 'number' ? ` (${body.error_code})` : ''}: ${typeof body.message === 'string' ? body.message.slice(0, 300) : text.slice(0, 300)}`;
  } catch {
    return `${res.status}: ${text.slice(0, 300)}`;
  }
}

/** fetch refuses a URL with user:password in it: those become the basic-auth credentials instead (username/password win). */
function splitCredentials(url: string): { base: string; user: string; pass: string } {
  try {
    const u = new URL(url);
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
    return { base: u.toString().replace(/\/+$/, ''), user, pass };
  } catch {
    return { base: url.replace(/\/+$/, ''), user: '', pass: '' };
  }
}

export function createRegistryClient(opts: RegistryOptions): RegistryClient {
  const { base, user, pass } = splitCredentials(opts.url);
  const describe = base;
  const headers: Record<string, string> = { accept: CONTENT_TYPE };
  const username = opts.username || user;
  const password = opts.username ? (opts.password ?? '') : pass;
  if (username) headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(opts.timeoutMs) });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new SiftError(ErrorCode.RegistryUnavailable, `schema registry ${describe} unreachable (${err instanceof Error ? err.message : String(err)}${cause})`, {
        stage: Stage.Decode,
        retryable: true,
        cause: err,
      });
    }
  }

  return {
    describe,
    async schemaById(id) {
      const res = await call(`/schemas/ids/${id}`);
      if (res.status === 404) return { found: false, message: await reason(res) };
      if (!res.ok) {
        throw new SiftError(ErrorCode.RegistryUnavailable, `schema registry ${describe} answered ${await reason(res)} for schema ${id}`, { stage: Stage.Decode, retryable: true });
      }
      const body = (await res.json()) as { schema?: unknown; schemaType?: unknown };
      if (typeof body.schema !== 'string') {
        throw new SiftError(ErrorCode.RegistryUnavailable, `schema registry ${describe} answered schema ${id} without a schema string`, { stage: Stage.Decode, retryable: true });
      }
      return { found: true, schema: body.schema, schemaType: typeof body.schemaType === 'string' ? body.schemaType : 'AVRO' };
    },
    async register(subject, schema) {
      const res = await call(`/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPE },
        body: JSON.stringify({ schema }),
      });
      if (!res.ok) {
        const retryable = res.status >= 500;
        throw new SiftError(retryable ? ErrorCode.RegistryUnavailable : ErrorCode.RegistryRejected, `schema registry ${describe} refused the schema for subject ${subject}: ${await reason(res)}`, {
          stage: Stage.Config,
          retryable,
        });
      }
      const body = (await res.json()) as { id?: unknown };
      if (typeof body.id !== 'number') throw new SiftError(ErrorCode.RegistryRejected, `schema registry ${describe} registered ${subject} but returned no id`, { stage: Stage.Config });
      return body.id;
    },
  };
}
