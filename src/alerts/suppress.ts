/**
 * Alert suppression (`suppression: {group_by, duration}` in a rule): the first
 * alert of a suppression group pages; repeats within `duration` of event time
 * fold into it, updating its count and last-seen time instead of paging again.
 *
 * One store per partition, checkpointed to the state topic beside the rule
 * windows (keys `suppress/<rule>/<hash>`), so folding survives restarts and
 * rebalances. Folding is idempotent: a repeat is identified by its own alert
 * id, so a detection replayed after a crash is not counted twice.
 *
 * Windows: a group's window opens at the first alert's last event time t and
 * folds detections whose last event time lies in (t − duration, t + duration),
 * so a late repeat of the same incident folds too (as `sift rules test` does).
 */
import { hash } from 'node:crypto';
import type { JsonObject } from '../ecs/index.js';
import { suppressionValues, type Detection, type StateEntry } from '../rules/index.js';
import type { Alert } from './alert.js';

export const SUPPRESS_PREFIX = 'suppress/';
/** Repeat ids remembered per window for idempotent folding. */
const MAX_FOLDED_IDS = 200;

interface Window {
  startMs: number;
  alert: Alert;
  count: number;
  lastSeenMs: number;
  folded: string[];
}

export type Offer = { readonly kind: 'new' } | { readonly kind: 'repeat'; readonly updated: Alert } | { readonly kind: 'replayed' };

export interface SuppressionStore {
  offer(d: Detection, alert: Alert): Offer;
  checkpoint(): StateEntry[];
  restore(entries: readonly StateEntry[]): void;
}

function groupKey(d: Detection, fields: readonly string[]): string {
  return hash('sha1', JSON.stringify(suppressionValues(d, fields)), 'hex');
}

/** The original alert with its fold count and last-seen time. */
function updatedAlert(w: Window): Alert {
  const sift = (w.alert.doc.sift ?? {}) as JsonObject;
  const inner = (sift.alert ?? {}) as JsonObject;
  const doc: JsonObject = { ...w.alert.doc, sift: { ...sift, alert: { ...inner, suppressed: w.count - 1, count_total: w.count, last_seen: new Date(w.lastSeenMs).toISOString() } } };
  return { ...w.alert, doc };
}

export function createSuppressionStore(): SuppressionStore {
  const windows = new Map<string, Window>();
  const dirty = new Set<string>();
  return {
    offer(d, alert) {
      const spec = d.rule.spec.suppression;
      if (!spec) return { kind: 'new' };
      const key = `${SUPPRESS_PREFIX}${d.rule.spec.id}/${groupKey(d, spec.groupBy)}`;
      const w = windows.get(key);
      // The window's own alert again (its batch replayed after a crash): write it again, idempotently.
      if (w && w.alert.id === alert.id) return { kind: 'new' };
      if (w && Math.abs(d.lastEventMs - w.startMs) < spec.durationMs) {
        if (w.folded.includes(alert.id)) return { kind: 'replayed' };
        w.folded.push(alert.id);
        if (w.folded.length > MAX_FOLDED_IDS) w.folded.shift();
        w.count++;
        w.lastSeenMs = Math.max(w.lastSeenMs, d.lastEventMs);
        dirty.add(key);
        return { kind: 'repeat', updated: updatedAlert(w) };
      }
      windows.set(key, { startMs: d.lastEventMs, alert, count: 1, lastSeenMs: d.lastEventMs, folded: [] });
      dirty.add(key);
      // Windows far behind this one can no longer fold anything of this group's rule.
      for (const [k, old] of windows) {
        if (k !== key && k.startsWith(`${SUPPRESS_PREFIX}${d.rule.spec.id}/`) && d.lastEventMs - old.startMs > 2 * spec.durationMs) {
          windows.delete(k);
          dirty.add(k);
        }
      }
      return { kind: 'new' };
    },
    checkpoint() {
      const out: StateEntry[] = [];
      for (const key of dirty) {
        const w = windows.get(key);
        out.push({ key, value: w ? JSON.stringify(w) : null });
      }
      dirty.clear();
      return out;
    },
    restore(entries) {
      for (const e of entries) {
        if (!e.key.startsWith(SUPPRESS_PREFIX) || e.value === null) continue;
        try {
          windows.set(e.key, JSON.parse(e.value) as Window);
        } catch {
          dirty.add(e.key); // corrupt: tombstone it at the next checkpoint
        }
      }
    },
  };
}
