import type { Client } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import { SiftError, type TransportProblem } from '../../shared/index.js';
import { sleep } from './backoff.js';
import { firstBackingIndex, indexAlias, indexTemplate, templateName, type FieldDef } from '../../ecs/index.js';

/**
 * Installs the dataset's index template (idempotent, a few KB of cluster
 * state, no index). `sift run` installs the templates of every dataset its
 * sources can emit at start, so a template error stops it before it consumes,
 * and leaves the indices to the indexer's alias gate (created on each
 * dataset's first document).
 */
export async function installDatasetTemplate(client: Client, dataset: string, fields: readonly FieldDef[]): Promise<void> {
  await client.indices.putIndexTemplate({ name: templateName(dataset), ...indexTemplate(dataset, fields) });
}

/**
 * Installs the dataset's index template and makes sure its write alias
 * exists, at once (tests and tools that write without the indexer's gate).
 * Safe to run from several instances at once: the template PUT is
 * idempotent, and losing the race to create the first index is fine.
 */
export async function ensureDatasetIndex(client: Client, dataset: string, namespace: string, fields: readonly FieldDef[]): Promise<string> {
  const alias = indexAlias(dataset, namespace);
  await installDatasetTemplate(client, dataset, fields);
  if (await client.indices.existsAlias({ name: alias })) return alias;
  try {
    await client.indices.create({
      index: firstBackingIndex(dataset, namespace),
      aliases: { [alias]: { is_write_index: true } },
    });
  } catch (err) {
    if (!alreadyExists(err)) throw err;
  }
  return alias;
}

/** Whether an index creation failed only because another creator won the race. */
function alreadyExists(err: unknown): boolean {
  return (err as { body?: { error?: { type?: string } } }).body?.error?.type === 'resource_already_exists_exception';
}

/**
 * Creates a plain index with its explicit mapping unless it exists (the
 * alerts and pipeline-health indices); a concurrent creator winning is fine.
 * One replica where a second node can hold it, none on a single node, as the
 * event indices' template does (a single node would otherwise stay yellow).
 */
export async function ensureIndex(client: Client, index: string, mappings: estypes.MappingTypeMapping): Promise<void> {
  if (await client.indices.exists({ index })) return;
  try {
    await client.indices.create({ index, settings: { 'index.auto_expand_replicas': '0-1' }, mappings });
  } catch (err) {
    if (!alreadyExists(err)) throw err;
  }
}

/**
 * Waits for the cluster to answer and reach yellow. `GET /` (client.info,
 * client.ping) is absent from the ES test build this project runs locally, so
 * this uses cluster health, which every distribution has. A failure that
 * `diagnose` names (credentials, TLS: esProblem) ends the wait at once.
 */
export async function waitForCluster(
  client: Client,
  timeoutMs: number,
  signal?: AbortSignal,
  onWaiting?: (elapsedMs: number, err: unknown) => void,
  diagnose?: (err: unknown) => Promise<TransportProblem | undefined>,
): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lastError: unknown;
  let nextReport = started + 5000;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      await client.cluster.health({ wait_for_status: 'yellow', timeout: '2s' }, { maxRetries: 0, requestTimeout: 5000 });
      return;
    } catch (err) {
      lastError = err;
      const problem = await diagnose?.(err);
      if (problem) throw new SiftError(problem.code, problem.message, { stage: 'index', cause: err });
      if (onWaiting && Date.now() >= nextReport) {
        onWaiting(Date.now() - started, err);
        nextReport += 10_000;
      }
      await sleep(500, signal).catch(() => undefined);
    }
  }
  signal?.throwIfAborted();
  throw new Error(`Elasticsearch not ready after ${timeoutMs} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}
