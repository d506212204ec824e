/**
 * Seeding new_terms rules from history already in Elasticsearch, as Elastic's
 * new-terms rules look back over their history window: the (group, term)
 * pairs of [end − history, end) in the rule's `logs-<dataset>-<namespace>`
 * indices, read with a composite aggregation over the group and term fields
 * (paged by `after_key`; checked on this Elasticsearch build), each with its
 * first and last @timestamp. The engine holds them beside its windows
 * (engine.seed): restored state is merged with, never replaced.
 *
 * What is matched: the rule's datasets and, when its condition pins them, its
 * event.action values; the rest of the condition is compiled JavaScript with
 * no query form, so a term seen in history in an event of the right action
 * that the condition would have refused still counts as seen (a missed alert
 * at worst, never an extra page).
 *
 * Bounded: at most `maxTerms` pairs and `timeoutMs` per rule. On a bound the
 * pairs read so far are used and the report says where reading stopped
 * (pairs after that key, in the aggregation's key order, are not seeded).
 */
import type { Client } from '@elastic/elasticsearch';
import type { SiftConfig } from '../config/index.js';
import { indexAlias } from '../ecs/index.js';
import { parseDuration, type CompiledRule, type NewTermsSeed, type SeedSpan } from '../rules/index.js';
import type { Logger } from '../telemetry/index.js';

const PAGE = 1000;

export interface SeedBounds {
  readonly timeoutMs: number;
  readonly maxTerms: number;
}

export interface SeedResult {
  readonly seed: NewTermsSeed;
  readonly terms: number;
  /** Why reading stopped early; undefined when every pair was read. */
  readonly bound?: 'max_terms' | 'timeout';
  /** The last composite key read: pairs after it were not seeded. */
  readonly after?: Record<string, unknown>;
}

type Key = Record<string, string | number | boolean | null>;
interface Bucket {
  key: Key;
  first?: { value: number | null };
  last?: { value: number | null };
}

function widen(map: Map<string, SeedSpan>, key: string, first: number, last: number): void {
  const had = map.get(key);
  map.set(key, had === undefined ? [first, last] : [Math.min(had[0], first), Math.max(had[1], last)]);
}

/** The seed of one new_terms rule over [endMs − history, endMs); undefined for other kinds. */
export async function readNewTermsSeed(client: Client, rule: CompiledRule, namespace: string, endMs: number, bounds: SeedBounds): Promise<SeedResult | undefined> {
  const agg = rule.spec.aggregation;
  if (agg?.type !== 'new_terms') return undefined;
  const groupCount = agg.groupBy.length;
  const fields = [...agg.groupBy, ...agg.fields];
  const filter: Record<string, unknown>[] = [{ range: { '@timestamp': { gte: endMs - agg.historyMs, lt: endMs, format: 'epoch_millis' } } }];
  if (rule.actions !== undefined) filter.push({ terms: { 'event.action': [...rule.actions] } });
  const tuples = new Map<string, SeedSpan>();
  const groups = new Map<string, SeedSpan>();
  const deadline = Date.now() + bounds.timeoutMs;
  let after: Key | undefined;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { seed: { tuples, groups }, terms: tuples.size, bound: 'timeout', ...(after === undefined ? {} : { after }) };
    if (tuples.size >= bounds.maxTerms) return { seed: { tuples, groups }, terms: tuples.size, bound: 'max_terms', ...(after === undefined ? {} : { after }) };
    const r = await client.search(
      {
        index: rule.spec.datasets.map((d) => indexAlias(d, namespace)),
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        query: { bool: { filter } },
        aggs: {
          pairs: {
            composite: { size: Math.min(PAGE, bounds.maxTerms - tuples.size), sources: fields.map((field, i) => ({ [`f${i}`]: { terms: { field } } })), ...(after === undefined ? {} : { after }) },
            aggs: { first: { min: { field: '@timestamp' } }, last: { max: { field: '@timestamp' } } },
          },
        },
      },
      { signal: AbortSignal.timeout(left), requestTimeout: left },
    );
    const pairs = (r.aggregations as { pairs?: { buckets: Bucket[]; after_key?: Key } } | undefined)?.pairs;
    for (const b of pairs?.buckets ?? []) {
      const first = b.first?.value;
      const last = b.last?.value;
      if (typeof first !== 'number' || typeof last !== 'number') continue;
      const values = fields.map((_, i) => b.key[`f${i}`] ?? null);
      widen(tuples, JSON.stringify(values), first, last);
      widen(groups, JSON.stringify(values.slice(0, groupCount)), first, last);
    }
    if (pairs?.after_key === undefined || (pairs.buckets.length ?? 0) === 0) return { seed: { tuples, groups }, terms: tuples.size };
    after = pairs.after_key;
  }
}

/** rules.new_terms_seed's bounds (validated at start). */
export function seedBoundsOf(config: SiftConfig): SeedBounds {
  const c = config.rules.new_terms_seed;
  return { timeoutMs: parseDuration(c.timeout) ?? 30_000, maxTerms: c.max_terms };
}

export type NewTermsSeeder = (rule: CompiledRule) => Promise<NewTermsSeed | undefined>;

/**
 * The seeder the detection stage calls at start and on reload: reads up to
 * now, logs what it seeded (and, on a bound, what it did not), never throws:
 * a failure leaves the rule on its old behaviour (learn each group first).
 */
export function createNewTermsSeeder(client: Client, config: SiftConfig, log: Logger): NewTermsSeeder | undefined {
  if (!config.rules.new_terms_seed.enabled) return undefined;
  const bounds = seedBoundsOf(config);
  return async (rule) => {
    const started = Date.now();
    try {
      const r = await readNewTermsSeed(client, rule, config.elasticsearch.namespace, started, bounds);
      if (r === undefined) return undefined;
      const fields = { rule: rule.spec.id, terms: r.terms, groups: r.seed.groups.size, ms: Date.now() - started };
      if (r.bound === undefined) log.info(fields, 'New-terms rule seeded from history in Elasticsearch.');
      else {
        log.warn(
          { ...fields, bound: r.bound, notSeededAfter: r.after ?? null },
          'New-terms seeding stopped at its bound (rules.new_terms_seed); pairs after notSeededAfter (in key order) were not seeded, so their first sight may alert.',
        );
      }
      return r.seed;
    } catch (err) {
      log.warn({ rule: rule.spec.id, err }, 'New-terms seeding from Elasticsearch failed; the rule learns each group from its first event, as without seeding.');
      return undefined;
    }
  };
}
