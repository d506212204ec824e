/**
 * Alert suppression (`suppression: {group_by, duration}`): repeats of one
 * rule's detection for the same suppression group fold into the first alert
 * for `duration` of event time, so a noisy condition pages once.
 *
 * Pure, over a finished list of detections. It lives here for the rule-test
 * runner and `sift replay`; the alerting stage (src/alerts/) will own the
 * streaming version, and these semantics are what it must keep:
 * - the group is read from the detection's fields, else from its last sample event;
 * - a window opens at the first kept detection's last event time and covers
 *   [start - duration, start + duration): a late detection of the same
 *   incident folds as well;
 * - a detection outside every open window of its group starts a new one.
 */
import { suppressionValues } from '../runtime/index.js';
import type { Detection } from '../runtime/types.js';

export interface SuppressedDetection {
  readonly detection: Detection;
  /** How many later detections were folded into this one. */
  readonly suppressed: number;
}

function groupOf(d: Detection, fields: readonly string[]): string {
  return JSON.stringify([d.rule.spec.id, suppressionValues(d, fields)]);
}

export interface Suppressor {
  /**
   * `undefined` when `d` opens a new alert; otherwise the earlier detection
   * whose window it folds into.
   */
  offer(d: Detection): Detection | undefined;
  /** Detections folded so far. */
  readonly suppressed: number;
}

/** Streaming form, for `sift replay`: detections are offered in the order the engine produced them. */
export function createSuppressor(): Suppressor {
  /** group → the detections that opened its windows (a window starts at their last event time). */
  const windows = new Map<string, Detection[]>();
  let suppressed = 0;
  return {
    offer(d) {
      const spec = d.rule.spec.suppression;
      if (!spec) return undefined;
      const key = groupOf(d, spec.groupBy);
      const open = windows.get(key) ?? [];
      const into = open.find((w) => Math.abs(d.lastEventMs - w.lastEventMs) < spec.durationMs);
      if (into) {
        suppressed++;
        return into;
      }
      open.push(d);
      windows.set(key, open);
      return undefined;
    },
    get suppressed() {
      return suppressed;
    },
  };
}

/** Pure form over a finished list: the alerts that remain, each with how many it absorbed. */
export function suppress(detections: readonly Detection[]): SuppressedDetection[] {
  const kept = new Map<Detection, { detection: Detection; suppressed: number }>();
  const suppressor = createSuppressor();
  for (const d of detections) {
    const into = suppressor.offer(d);
    const owner = into === undefined ? undefined : kept.get(into);
    if (owner) owner.suppressed++;
    else kept.set(d, { detection: d, suppressed: 0 });
  }
  return [...kept.values()];
}
