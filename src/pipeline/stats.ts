/** Running totals of one pipeline instance, for progress output and summaries. */
export interface PipelineStats {
  consumed: number;
  indexed: number;
  deadLettered: number;
  batches: number;
  alerts: number;
  byCode: Record<string, number>;
}

export function emptyStats(): PipelineStats {
  return { consumed: 0, indexed: 0, deadLettered: 0, batches: 0, alerts: 0, byCode: {} };
}
