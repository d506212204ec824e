/**
 * `sift rules backtest --write`: the backtest's alerts into the alerts index,
 * under the ids `sift run` gives them, marked `sift.alert.backtest: true` and
 * `sift.alert.backtest_run: <run id>`.
 *
 * Written with the bulk `create` action, never `index`: an alert `sift run`
 * already raised (the same id) is left as it is, so a backtest can neither
 * overwrite a live alert nor the triage on it; such ids are counted as
 * already present. Running the same backtest twice writes nothing new.
 */
import type { Client } from '@elastic/elasticsearch';
import { ensureBacktestFields, type Alert } from '../alerts/index.js';
import type { JsonObject } from '../ecs/index.js';

const CHUNK = 500;

export interface WriteReport {
  readonly written: number;
  /** Ids the index already held (raised by `sift run`, or by an earlier backtest). */
  readonly present: number;
  /** Other per-item failures, as "id: reason". */
  readonly failed: readonly string[];
}

export function markBacktest(alert: Alert, runId: string): JsonObject {
  const sift = (alert.doc.sift ?? {}) as JsonObject;
  const inner = (sift.alert ?? {}) as JsonObject;
  return { ...alert.doc, sift: { ...sift, alert: { ...inner, backtest: true, backtest_run: runId } } };
}

export async function writeBacktestAlerts(client: Client, index: string, alerts: readonly Alert[], runId: string): Promise<WriteReport> {
  await ensureBacktestFields(client, index);
  let written = 0;
  let present = 0;
  const failed: string[] = [];
  for (let i = 0; i < alerts.length; i += CHUNK) {
    const chunk = alerts.slice(i, i + CHUNK);
    const operations = chunk.flatMap((a) => [{ create: { _index: index, _id: a.id } }, markBacktest(a, runId)]);
    const r = await client.bulk({ operations, refresh: false });
    r.items.forEach((item, n) => {
      const res = item.create;
      if (res === undefined) return;
      if (res.status === 201) written++;
      else if (res.status === 409) present++;
      else failed.push(`${chunk[n]?.id ?? '?'}: ${res.error?.type ?? res.status}: ${res.error?.reason ?? ''}`);
    });
  }
  await client.indices.refresh({ index });
  return { written, present, failed };
}
