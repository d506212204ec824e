import type { Client } from '@elastic/elasticsearch';
import { ErrorCode, SiftError, describeError } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';
import { backoffDelay, sleep } from './backoff.js';
import { classifyRequest, RequestVerdict } from './classify.js';

/**
 * Dataset write aliases come into being on their dataset's first document,
 * not at start: a Workspace topic that only ever carries logins leaves one
 * index, not twenty-one empty ones.
 *
 * Invariant: no bulk reaches a managed alias before the alias exists. A bulk
 * to a missing alias would make Elasticsearch auto-create a concrete index
 * under the alias's own name, which then blocks the alias for good. So the
 * indexer awaits `ready()` before each bulk; an alias is looked up once per
 * process, and concurrent batches of a new dataset share one creation.
 */
export interface AliasGate {
  /** Resolves once every managed alias the documents go to exists; other targets (the alerts index) pass through. */
  ready(docs: readonly { readonly index: string }[], signal: AbortSignal): Promise<void>;
}

export interface AliasGateOptions {
  readonly client: Client;
  readonly log: Logger;
  /** Managed write alias → the first backing index to create behind it. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

function typeOf(err: unknown): string | undefined {
  return (err as { body?: { error?: { type?: string } } } | null)?.body?.error?.type;
}

export function createAliasGate(opts: AliasGateOptions): AliasGate {
  const { client, log } = opts;
  const done = new Set<string>();
  const pending = new Map<string, Promise<void>>();

  async function create(alias: string, index: string, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (await client.indices.existsAlias({ name: alias }, { signal, maxRetries: 0 })) return;
        await client.indices.create({ index, aliases: { [alias]: { is_write_index: true } } }, { signal, maxRetries: 0 });
        log.info({ alias, index }, 'Created the index of a new dataset.');
        return;
      } catch (err) {
        if (signal.aborted) throw err;
        const type = typeOf(err);
        // Another instance (or partition) created it between our look and our create.
        if (type === 'resource_already_exists_exception') return;
        const status = statusOf(err);
        if (type === 'invalid_alias_name_exception') {
          throw new SiftError(
            ErrorCode.IndexRejected,
            `an index named ${alias} already exists where Sift's write alias must be (made by a write before the alias existed?): reindex it into ${index} and delete it`,
            { stage: 'index', cause: err },
          );
        }
        const verdict = classifyRequest(status, type);
        if (verdict !== RequestVerdict.Retry && verdict !== RequestVerdict.Blocked) {
          const code = status === 401 || status === 403 ? ErrorCode.IndexUnauthorized : ErrorCode.IndexRejected;
          throw new SiftError(code, `Elasticsearch refused to create ${index} for ${alias} (${status ?? 'no response'}): ${describeError(err)}`, { stage: 'index', cause: err });
        }
        const delayMs = backoffDelay(attempt, opts.retryInitialMs, opts.retryMaxMs);
        // A block (cluster.blocks.create_index, read_only) clears without a restart: wait it out like a 503.
        log.warn({ alias, status, type, attempt: attempt + 1, delayMs, err: describeError(err) }, 'Creating a dataset index failed; retrying.');
        await sleep(delayMs, signal);
      }
    }
  }

  function ensure(alias: string, index: string, signal: AbortSignal): Promise<void> {
    let p = pending.get(alias);
    if (!p) {
      // Every batch waiting here shares the first caller's signal: its abort
      // (shutdown, or that batch's generation lost at a rebalance) fails them
      // all, uncommitted, and the refetched batches create the index again.
      p = create(alias, index, signal).then(
        () => {
          done.add(alias);
          pending.delete(alias);
        },
        (err: unknown) => {
          // Forget the failure: the refetched batch tries again.
          pending.delete(alias);
          throw err;
        },
      );
      pending.set(alias, p);
    }
    return p;
  }

  return {
    async ready(docs, signal) {
      let waits: Promise<void>[] | undefined;
      let last: string | undefined;
      for (const { index: alias } of docs) {
        // Batches are mostly one dataset: skip runs of the same target cheaply.
        if (alias === last || done.has(alias)) continue;
        last = alias;
        const index = opts.aliases.get(alias);
        if (index !== undefined) (waits ??= []).push(ensure(alias, index, signal));
      }
      if (waits) await Promise.all(waits);
    },
  };
}
