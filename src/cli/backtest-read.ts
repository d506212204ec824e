/**
 * Reading history for `sift rules backtest`: the documents of some
 * `logs-<dataset>-<namespace>` indices in [from, to), oldest first, a page at
 * a time (memory stays bounded by one page whatever the range holds).
 *
 * A point in time (PIT) with `search_after` is the paging Elasticsearch
 * recommends for deep, consistent reads: documents indexed while the backtest
 * runs do not shift its pages. The sort is `@timestamp` then `_shard_doc`,
 * the tiebreaker every PIT search can use (sorting on `_id` needs fielddata,
 * which 8.x disables), so no document is read twice or skipped when many
 * share a millisecond. This Elasticsearch build has PIT (checked against it;
 * /work/shared/SERVICES.md lists what it lacks), so there is no scroll path.
 */
import type { Client } from '@elastic/elasticsearch';
import type { EcsEvent } from '../ecs/index.js';

export interface HistoryDoc {
  readonly id: string;
  readonly event: EcsEvent;
}

export interface HistoryRange {
  readonly indices: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  /** Documents per search request. */
  readonly pageSize: number;
  /** How long the PIT stays open between two pages. */
  readonly keepAlive?: string;
}

/** Which of `aliases` exist (an alias or index of that name); the others are reported, not searched. */
export async function existingIndices(client: Client, aliases: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of aliases) if (await client.indices.exists({ index: name })) out.push(name);
  return out;
}

function rangeQuery(range: HistoryRange): Record<string, unknown> {
  return { range: { '@timestamp': { gte: new Date(range.fromMs).toISOString(), lt: new Date(range.toMs).toISOString(), format: 'strict_date_optional_time' } } };
}

/** How many documents the range holds (for the progress bar). */
export async function countHistory(client: Client, range: HistoryRange): Promise<number> {
  if (range.indices.length === 0) return 0;
  const r = await client.count({ index: [...range.indices], query: rangeQuery(range) });
  return r.count;
}

/** Pages of documents in (@timestamp, shard order); the PIT is closed however the reader stops. */
export async function* readHistory(client: Client, range: HistoryRange): AsyncGenerator<HistoryDoc[]> {
  if (range.indices.length === 0) return;
  const keepAlive = range.keepAlive ?? '2m';
  const pit = await client.openPointInTime({ index: [...range.indices], keep_alive: keepAlive });
  let pitId = pit.id;
  try {
    let after: (string | number)[] | undefined;
    for (;;) {
      const r = await client.search<EcsEvent>({
        pit: { id: pitId, keep_alive: keepAlive },
        size: range.pageSize,
        query: rangeQuery(range),
        sort: [{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }, { _shard_doc: 'asc' }],
        track_total_hits: false,
        ...(after === undefined ? {} : { search_after: after }),
      });
      // Each response may carry a newer PIT id; the next request must use it.
      if (r.pit_id !== undefined) pitId = r.pit_id;
      const hits = r.hits.hits;
      const page: HistoryDoc[] = [];
      for (const h of hits) if (h._source !== undefined && h._id !== undefined) page.push({ id: h._id, event: h._source });
      if (page.length > 0) yield page;
      const last = hits[hits.length - 1];
      if (hits.length < range.pageSize || last?.sort === undefined) return;
      after = last.sort as (string | number)[];
    }
  } finally {
    await client.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}
