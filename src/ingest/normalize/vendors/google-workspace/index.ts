/**
 * Google Workspace: Admin SDK Reports API activities (one document per event
 * of an activity, dataset per application) and Alert Center alerts.
 *
 * Reports API: https://developers.google.com/workspace/admin/reports/reference/rest/v1/activities
 * Alert Center: https://developers.google.com/workspace/admin/alertcenter/reference/rest/v1beta1/alerts
 */
import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { isObj, type Obj } from '../../accessors.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import type { Source } from '../../source.js';
import { ActivityUnit, normalizeActivity } from './activity.js';
import { isAlert, normalizeAlert } from './alert.js';

/** An activity's events as units: `events` is a list, or (as Elastic's split leaves it) one object. */
function unitsOf(activity: Obj): ActivityUnit[] {
  const events = activity['events'];
  if (Array.isArray(events)) {
    const units: ActivityUnit[] = [];
    events.forEach((e, i) => {
      if (isObj(e)) units.push(new ActivityUnit(activity, e, i));
    });
    // An activity whose events are all unusable still says who did what when.
    return units.length > 0 ? units : [new ActivityUnit(activity, undefined, 0)];
  }
  return [new ActivityUnit(activity, isObj(events) ? events : undefined, 0)];
}

const isActivity = (o: Obj): boolean => o['kind'] === 'admin#reports#activity' || o['events'] !== undefined || isObj(o['id']);

/**
 * Panther's GSuite.ActivityEvent: one event with the activity's fields, its
 * `name`, `type` and `parameters` (already folded) side by side.
 */
const isPantherEvent = (o: Obj): boolean =>
  o['events'] === undefined && (typeof o['name'] === 'string' || typeof o['type'] === 'string' || o['parameters'] !== undefined || typeof o['p_log_type'] === 'string');

export function explodeWorkspace(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'a Google Workspace record must be a JSON object', '$');
  // Reports API activities.list page (also the body of a watch notification channel delivery).
  if (value['kind'] === 'admin#reports#activities' || (Array.isArray(value['items']) && value['kind'] === undefined)) {
    const items = value['items'];
    return Array.isArray(items) ? items.filter(isObj).flatMap((item): unknown[] => (isPantherEvent(item) ? [item] : unitsOf(item))) : [];
  }
  // Alert Center alerts.list page.
  if (Array.isArray(value['alerts'])) return value['alerts'].filter(isObj);
  if (isAlert(value)) return [value];
  if (isPantherEvent(value)) return [value];
  if (isActivity(value)) return unitsOf(value);
  return failure(ErrorCode.DecodeUnknownSource, 'not a Reports API activity, activities page, Panther GSuite.ActivityEvent or Alert Center alert', '$');
}

export function normalizeWorkspace(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (raw instanceof ActivityUnit) return normalizeActivity(raw.activity, raw.event, raw.index, opts);
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'a Google Workspace event must be a JSON object', '$');
  if (isAlert(raw)) return normalizeAlert(raw, opts);
  if (isPantherEvent(raw)) return normalizeActivity(raw, raw, undefined, opts);
  if (isActivity(raw)) {
    // Called without explode: the activity's first event.
    const [first] = unitsOf(raw);
    return first ? normalizeActivity(first.activity, first.event, first.index, opts) : failure(ErrorCode.NormalizeNotObject, 'no event', '$');
  }
  return failure(ErrorCode.DecodeUnknownSource, 'not a Reports API activity, Panther GSuite.ActivityEvent or Alert Center alert', '$');
}

export const GOOGLE_WORKSPACE: Source = { vendor: 'google_workspace', explode: explodeWorkspace, normalize: normalizeWorkspace };
export { ActivityUnit };
