/** Running totals of one pipeline instance, for progress output and summaries. */
export interface PipelineStats {
  consumed: number;
  indexed: number;
  deadLettered: number;
  batches: number;
  /** Alerts this instance raised (new ids; repeats folded by suppression are not counted). */
  alerts: number;
  /** The same alerts by rule id: only rules that fired in this run appear. */
  alertsByRule: Record<string, number>;
  byCode: Record<string, number>;
}

export function emptyStats(): PipelineStats {
  return { consumed: 0, indexed: 0, deadLettered: 0, batches: 0, alerts: 0, alertsByRule: {}, byCode: {} };
}

/**
 * Counts newly raised alerts, in total and per rule, in one place so the two
 * cannot disagree. Synchronous: partitions processed concurrently never
 * interleave inside it.
 */
export function countAlerts(stats: PipelineStats, alerts: readonly { readonly ruleId: string }[]): void {
  stats.alerts += alerts.length;
  for (const a of alerts) stats.alertsByRule[a.ruleId] = (stats.alertsByRule[a.ruleId] ?? 0) + 1;
}
