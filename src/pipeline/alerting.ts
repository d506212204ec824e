/**
 * The alert stage of a batch: detections → alert documents → suppression →
 * the alerts index and the alerts topic, both before the batch commits. A
 * replay after a crash rebuilds the same alert ids, so both writes are
 * idempotent by id; notifications go out from the topic (src/alerts/notify.ts).
 */
import { buildAlert, writeAlerts, type Alert, type AlertLinks, type SuppressionStore } from '../alerts/index.js';
import type { Indexer } from '../ingest/index.js';
import type { Detection } from '../rules/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';

export interface AlertStageDeps {
  /** Only whole lists of alerts are indexed here. */
  indexer: Pick<Indexer, 'index'>;
  index: string;
  topic: { write(alerts: readonly Alert[], update?: boolean): Promise<void> };
  deadLetter: (alert: Alert, sink: string, reason: string, code: string) => Promise<void>;
  links: AlertLinks;
  log: Logger;
  metrics: Metrics;
  /** Told the alerts newly raised by each call, once they are written (the run's per-rule counts). */
  onRaised?: (alerts: readonly Alert[]) => void;
}

export interface AlertStage {
  /** Returns how many new alerts were raised (repeats folded by suppression are not counted). */
  raise(scope: string, detections: readonly Detection[], suppression: SuppressionStore, signal: AbortSignal): Promise<number>;
}

export function createAlertStage(deps: AlertStageDeps): AlertStage {
  const { log, metrics } = deps;
  return {
    async raise(scope, detections, suppression, signal) {
      if (detections.length === 0) return 0;
      const now = Date.now();
      const fresh: Alert[] = [];
      const updates: Alert[] = [];
      // One alert id is one alert: the same record twice in a batch (a
      // producer's retry, a replayed file) must not raise, count or log it twice.
      const seen = new Set<string>();
      for (const d of detections) {
        const alert = buildAlert(d, now, deps.links);
        if (seen.has(alert.id)) continue;
        seen.add(alert.id);
        const offer = suppression.offer(d, alert);
        if (offer.kind === 'new') fresh.push(alert);
        else if (offer.kind === 'repeat') updates.push(offer.updated);
      }
      // The same id may fold several times in one batch: the last update carries the totals.
      const latest = [...new Map(updates.map((u) => [u.id, u])).values()];
      const all = [...fresh, ...latest];
      // The index and the topic are independent and both idempotent by id: written at once.
      const toTopic = (async () => {
        await deps.topic.write(fresh, false);
        await deps.topic.write(latest, true);
      })();
      toTopic.catch(() => undefined); // awaited below; never unhandled if the index write throws first
      const written = await writeAlerts(deps.indexer, deps.index, all, signal);
      await toTopic;
      if (written.rejected.length > 0) {
        for (const r of written.rejected) {
          const a = all[r.position];
          if (a) await deps.deadLetter(a, 'elasticsearch', r.reason, 'rejected');
        }
        log.error({ scope, rejected: written.rejected.length }, 'Elasticsearch rejected alert documents; they are in the alert DLQ.');
      }
      for (const a of fresh) {
        metrics.alerts.inc({ rule: a.ruleId, severity: a.severity, sink: 'elasticsearch' });
        metrics.alerts.inc({ rule: a.ruleId, severity: a.severity, sink: 'kafka' });
        log.info({ alert: a.id, rule: a.ruleId, severity: a.severity }, 'Alert raised.');
      }
      if (updates.length > 0) metrics.alertsSuppressed.inc(updates.length);
      if (fresh.length > 0) deps.onRaised?.(fresh);
      return fresh.length;
    },
  };
}
