/**
 * The detection half of `sift rules backtest`: history pages through the
 * engine `sift run` uses (createEngine, one partition, event time), then
 * through the same alert building and suppression, so every alert id is the
 * one `sift run` would have given: alertId(rule id, group key, window start).
 *
 * History arrives in @timestamp order: what keyed `sift run` gives, whose
 * detect stage applies each keyed partition's events in event time across
 * source partitions (docs/keyed-order.md). It can still differ where sift
 * run's order is arrival order: events out of time order within one source
 * partition (docs/detection-cli.md, "Compared with sift run"). Nothing here is late.
 */
import { buildAlert, createSuppressionStore, type Alert, type AlertLinks } from '../alerts/index.js';
import { FUTURE_TAG } from '../ingest/index.js';
import { createEngine, type CompiledRule, type DetectInput, type NewTermsSeed } from '../rules/index.js';
import type { HistoryDoc } from './backtest-read.js';

export interface BacktestOptions {
  readonly latenessMs: (dataset: string) => number;
  readonly maxKeysPerRule: number;
  readonly links: AlertLinks;
  /** Called after each page with the events read so far. */
  readonly onPage?: (events: number, alerts: number) => void;
  /** Called once per rule that throws (it is then left out, as `sift run` quarantines it). */
  readonly onQuarantine?: (ruleId: string, error: unknown) => void;
  /** new_terms baselines from before `from`, as `sift run` seeds them at start. */
  readonly seeds?: ReadonlyMap<CompiledRule, NewTermsSeed>;
}

export interface BacktestOutcome {
  readonly events: number;
  /** Events of the range that stateful rules did not take: dated beyond their record's time (tagged future_timestamp). */
  readonly future: number;
  /** Each alert once, in the order raised, with suppression's fold counts as `sift run` writes them. */
  readonly alerts: readonly Alert[];
  /** UTC day of each alert's last triggering event → alerts. */
  readonly perDay: Readonly<Record<string, number>>;
}

function isFuture(event: HistoryDoc['event']): boolean {
  const tags = event.tags;
  return Array.isArray(tags) && tags.includes(FUTURE_TAG);
}

export async function runBacktest(rules: readonly CompiledRule[], pages: AsyncIterable<readonly HistoryDoc[]>, opts: BacktestOptions): Promise<BacktestOutcome> {
  const engine = createEngine(rules, {
    latenessMs: opts.latenessMs,
    maxKeysPerRule: opts.maxKeysPerRule,
    hooks: { onQuarantine: (id, error) => opts.onQuarantine?.(id, error) },
  });
  for (const [rule, seed] of opts.seeds ?? []) engine.seed(rule, seed);
  const partition = engine.partition('backtest');
  const suppression = createSuppressionStore();
  const alerts = new Map<string, Alert>();
  const perDay: Record<string, number> = {};
  let events = 0;
  let future = 0;
  for await (const page of pages) {
    const inputs: DetectInput[] = page.map((d) => {
      const f = isFuture(d.event);
      if (f) future++;
      return { event: d.event, id: d.id, future: f };
    });
    events += inputs.length;
    // detected_at is when the backtest found it: the alert's own times are event times.
    const now = Date.now();
    for (const d of partition.evaluate(inputs)) {
      const alert = buildAlert(d, now, opts.links);
      const offer = suppression.offer(d, alert);
      if (offer.kind === 'repeat') alerts.set(offer.updated.id, offer.updated);
      else if (offer.kind === 'new' && !alerts.has(alert.id)) {
        alerts.set(alert.id, alert);
        const day = new Date(d.lastEventMs).toISOString().slice(0, 10);
        perDay[day] = (perDay[day] ?? 0) + 1;
      }
    }
    opts.onPage?.(events, alerts.size);
  }
  return { events, future, alerts: [...alerts.values()], perDay };
}
