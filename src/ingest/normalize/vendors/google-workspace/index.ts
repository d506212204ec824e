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

/**
 * An activity's events as units: `events` is a list, or (as Elastic's split
 * leaves it) one object. A member of the list that is not an object is passed
 * on as it is, so normalize refuses it with its own index beside the events
 * that can be read.
 */
function unitsOf(activity: Obj): unknown[] {
  const events = activity['events'];
  if (Array.isArray(events)) {
    // An activity with no events still says who did what when.
    if (events.length === 0) return [new ActivityUnit(activity, undefined, undefined)];
    return events.map((e, i) => (isObj(e) ? new ActivityUnit(activity, e, i) : e));
  }
  return [new ActivityUnit(activity, isObj(events) ? events : undefined, undefined)];
}

const isActivity = (o: Obj): boolean => o['kind'] === 'admin#reports#activity' || o['events'] !== undefined || isObj(o['id']);

/**
 * Panther's GSuite.ActivityEvent: one event with the activity's fields, its
 * `name`, `type` and `parameters` (already folded) side by side.
 */
const isPantherEvent = (o: Obj): boolean =>
  o['events'] === undefined && (typeof o['name'] === 'string' || typeof o['type'] === 'string' || o['parameters'] !== undefined || typeof o['p_log_type'] === 'string');

/** The units of a Reports API activities.list page. */
function pageUnits(page: Obj): readonly unknown[] | Failure {
  const items = page['items'];
  // Google leaves `items` out of a page that has no activities.
  if (items === undefined || (Array.isArray(items) && items.length === 0)) {
    return failure(ErrorCode.DecodeNoEvents, 'Reports API activities page holds no activity', '$.items');
  }
  if (!Array.isArray(items)) return failure(ErrorCode.DecodeUnknownSource, 'Reports API activities page has an "items" member that is not a list', '$.items');
  // A non-object item goes on alone: normalize refuses it with its index.
  return items.flatMap((item): unknown[] => (!isObj(item) || isPantherEvent(item) ? [item] : unitsOf(item)));
}

/** The alerts of an Alert Center alerts.list page; a non-object one goes on alone for normalize to refuse. */
function alertUnits(page: Obj): readonly unknown[] | Failure {
  const alerts = page['alerts'];
  if (!Array.isArray(alerts)) return failure(ErrorCode.DecodeUnknownSource, 'Alert Center page has an "alerts" member that is not a list', '$.alerts');
  return alerts.length > 0 ? alerts : failure(ErrorCode.DecodeNoEvents, 'Alert Center page has an empty "alerts" list', '$.alerts');
}

/**
 * Every record yields at least one unit or a Failure, never nothing. An
 * alert, activity or Panther event is recognised before any page key is
 * read: one that also carries an empty `items` or `alerts` key is still
 * indexed, not taken for an empty page.
 */
export function explodeWorkspace(value: unknown): readonly unknown[] | Failure {
  if (!isObj(value)) return failure(ErrorCode.NormalizeNotObject, 'a Google Workspace record must be a JSON object', '$');
  // Reports API activities.list page (also the body of a watch notification channel delivery).
  if (value['kind'] === 'admin#reports#activities') return pageUnits(value);
  if (isAlert(value)) return [value];
  if (isPantherEvent(value)) return [value];
  if (isActivity(value)) return unitsOf(value);
  if (value['items'] !== undefined) return pageUnits(value);
  // Alert Center alerts.list page.
  if (value['alerts'] !== undefined) return alertUnits(value);
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
    return first instanceof ActivityUnit ? normalizeActivity(first.activity, first.event, first.index, opts) : failure(ErrorCode.NormalizeNotObject, 'the first event of the activity is not a JSON object', '$.events[0]');
  }
  return failure(ErrorCode.DecodeUnknownSource, 'not a Reports API activity, Panther GSuite.ActivityEvent or Alert Center alert', '$');
}

export const GOOGLE_WORKSPACE: Source = { vendor: 'google_workspace', explode: explodeWorkspace, normalize: normalizeWorkspace };
export { ActivityUnit };
