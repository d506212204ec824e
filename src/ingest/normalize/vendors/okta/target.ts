/**
 * Okta `target[]` → `okta.target` and the ECS subject of the action
 * (`user.target.*`).
 *
 * Target object: https://developer.okta.com/docs/reference/api/system-log/#target-object
 * Like Elastic's Okta integration, each target keeps `id`, `type`,
 * `alternate_id`, `display_name`, the two `detailEntry` keys that say how a
 * user verified (methodTypeUsed, methodUsedVerifiedProperties) and
 * `changeDetails` with its from/to values as text (their shapes differ per
 * event type, which would make the field types collide).
 */
import type { JsonObject, JsonValue } from '../../../../ecs/index.js';
import { cleanJson, isObj, str, type Obj } from '../../accessors.js';
import { compact, javaString } from './util.js';

const KEPT_DETAIL_KEYS = ['methodTypeUsed', 'methodUsedVerifiedProperties'] as const;

/** Target keys renamed below (Okta's camelCase → Elastic's snake_case), for `sift rules lint`. */
export const MOVED_TARGET_KEYS = [
  { path: 'okta.target.alternateId', to: 'okta.target.alternate_id' },
  { path: 'okta.target.displayName', to: 'okta.target.display_name' },
] as const;

/** `detail` is already a cleanJson() copy (the target's), so its members are used as they are. */
function detailEntryOf(detail: unknown): JsonObject | undefined {
  if (!isObj(detail)) return undefined;
  const out: JsonObject = {};
  for (const key of KEPT_DETAIL_KEYS) out[key] = detail[key] as JsonValue | undefined;
  return compact(out);
}

function sideAsText(side: unknown): JsonObject | undefined {
  if (!isObj(side)) return undefined;
  const out: JsonObject = {};
  for (const key of Object.keys(side)) {
    const v = side[key];
    out[key] = typeof v === 'string' ? v : javaString(v);
  }
  return compact(out);
}

/** `cd` is already a cleanJson() copy (the target's). */
function changeDetailsOf(cd: unknown): JsonObject | undefined {
  if (!isObj(cd)) return undefined;
  const out: JsonObject = {};
  for (const key of Object.keys(cd)) {
    out[key] = key === 'from' || key === 'to' ? sideAsText(cd[key]) : (cd[key] as JsonValue | undefined);
  }
  return compact(out);
}

/** One target as Elastic stores it under `okta.target`. */
function targetOf(raw: Obj): JsonObject | undefined {
  const t = cleanJson(raw);
  if (!isObj(t)) return undefined;
  const out: JsonObject = {};
  for (const key of Object.keys(t)) {
    switch (key) {
      case 'alternateId':
        out['alternate_id'] = t[key] as JsonValue | undefined;
        break;
      case 'displayName':
        out['display_name'] = t[key] as JsonValue | undefined;
        break;
      case 'detailEntry':
        out['detailEntry'] = detailEntryOf(t[key]);
        break;
      case 'changeDetails':
        out['changeDetails'] = changeDetailsOf(t[key]);
        break;
      default:
        out[key] = t[key] as JsonValue | undefined;
    }
  }
  return compact(out);
}

export interface Targets {
  readonly list: JsonObject[] | undefined;
  /** The first target of type User (any case): the subject of user admin actions. */
  readonly user: JsonObject | undefined;
  readonly userDisplayName: string | undefined;
  /** The first UserGroup target. */
  readonly group: JsonObject | undefined;
}

const isUserType = (type: string | undefined): boolean => type?.toLowerCase() === 'user';
const isGroupType = (type: string | undefined): boolean => type?.toLowerCase() === 'usergroup';

export function targetsOf(targets: readonly unknown[] | undefined): Targets {
  const list: JsonObject[] = [];
  let user: JsonObject | undefined;
  let userDisplayName: string | undefined;
  let group: JsonObject | undefined;
  for (const raw of targets ?? []) {
    if (!isObj(raw)) continue;
    const mapped = targetOf(raw);
    if (mapped) list.push(mapped);
    const type = str(raw, 'type');
    if (user === undefined && isUserType(type)) {
      const login = str(raw, 'alternateId');
      userDisplayName = str(raw, 'displayName');
      user = compact({
        id: str(raw, 'id'),
        name: login,
        email: login !== undefined && login.indexOf('@') > 0 ? login : undefined,
        full_name: userDisplayName,
      });
    } else if (group === undefined && isGroupType(type)) {
      group = compact({ id: str(raw, 'id'), name: str(raw, 'displayName') });
    }
  }
  return { list: list.length > 0 ? list : undefined, user, userDisplayName, group };
}
