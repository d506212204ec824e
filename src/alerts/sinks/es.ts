/**
 * The Elasticsearch alerts index `<prefix>-<namespace>`: alerts are indexed
 * with their deterministic id as `_id`, so a replayed detection overwrites
 * its earlier copy and the index holds each alert exactly once.
 */
import type { Client } from '@elastic/elasticsearch';
import { ensureIndex, type Indexer, type IndexDoc, type IndexReport } from '../../ingest/index.js';
import type { Alert } from '../alert.js';

export function alertsIndexName(prefix: string, namespace: string): string {
  return `${prefix}-${namespace}`;
}

/**
 * Explicit mappings for what analysts filter and sort on; the rest of the
 * document (sample, fields) is kept in _source but not indexed, so a rule's
 * odd output field can never cause a mapping conflict that loses an alert.
 */
export const ALERTS_MAPPINGS = {
  dynamic: false,
  properties: {
    '@timestamp': { type: 'date' },
    message: { type: 'text' },
    tags: { type: 'keyword' },
    event: {
      properties: {
        kind: { type: 'keyword' },
        id: { type: 'keyword' },
        dataset: { type: 'keyword' },
        module: { type: 'keyword' },
        severity: { type: 'long' },
        risk_score: { type: 'float' },
        start: { type: 'date' },
        end: { type: 'date' },
        created: { type: 'date' },
      },
    },
    rule: { properties: { id: { type: 'keyword' }, name: { type: 'keyword' }, version: { type: 'keyword' }, description: { type: 'text' }, ruleset: { type: 'keyword' }, reference: { type: 'keyword' } } },
    threat: { properties: { framework: { type: 'keyword' }, technique: { properties: { id: { type: 'keyword' } } }, tactic: { properties: { name: { type: 'keyword' } } } } },
    user: { properties: { name: { type: 'keyword' }, email: { type: 'keyword' }, id: { type: 'keyword' }, target: { properties: { name: { type: 'keyword' }, email: { type: 'keyword' } } } } },
    source: { properties: { ip: { type: 'ip' } } },
    client: { properties: { ip: { type: 'ip' } } },
    host: { properties: { name: { type: 'keyword' } } },
    related: { properties: { user: { type: 'keyword' }, ip: { type: 'ip' } } },
    sift: {
      properties: {
        alert: {
          properties: {
            id: { type: 'keyword' },
            severity: { type: 'keyword' },
            risk_score: { type: 'float' },
            group_key: { type: 'keyword' },
            window_start: { type: 'date' },
            first_event: { type: 'date' },
            last_event: { type: 'date' },
            detected_at: { type: 'date' },
            count: { type: 'long' },
            event_ids: { type: 'keyword' },
            kind: { type: 'keyword' },
            runbook: { type: 'text' },
            suppressed: { type: 'long' },
            last_seen: { type: 'date' },
            // Set only on alerts `sift rules backtest --write` indexed (docs/detection-cli.md).
            backtest: { type: 'boolean' },
            backtest_run: { type: 'keyword' },
          },
        },
      },
    },
  },
} as const;

export function ensureAlertsIndex(client: Client, index: string): Promise<void> {
  return ensureIndex(client, index, ALERTS_MAPPINGS);
}

/**
 * The backtest fields on an alerts index created before they existed: adding
 * a field to a mapping is allowed on a live index (nothing is reindexed).
 */
export async function ensureBacktestFields(client: Client, index: string): Promise<void> {
  await ensureAlertsIndex(client, index);
  const alert = ALERTS_MAPPINGS.properties.sift.properties.alert.properties;
  await client.indices.putMapping({ index, properties: { sift: { properties: { alert: { properties: { backtest: alert.backtest, backtest_run: alert.backtest_run } } } } } });
}

export function alertDocs(index: string, alerts: readonly Alert[]): IndexDoc[] {
  return alerts.map((a) => ({ index, id: a.id, source: JSON.stringify(a.doc) }));
}

/** Indexes alerts through the same retrying bulk indexer as events. */
export async function writeAlerts(indexer: Pick<Indexer, 'index'>, index: string, alerts: readonly Alert[], signal: AbortSignal): Promise<IndexReport> {
  if (alerts.length === 0) return { indexed: 0, rejected: [] };
  return indexer.index(alertDocs(index, alerts), signal);
}
