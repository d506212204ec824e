/**
 * Who a Zoom webhook is about, per event family, following Elastic's webhook
 * sub-pipelines: the actor (`user.*`: the operator by default, the
 * participant or registrant when the event is theirs), the subject of user
 * and account administration (`user.target.*`), the new values of a change
 * (`user.changes.*`), and every user id for `related.user`.
 */
import type { JsonObject } from '../../../../ecs/index.js';
import { isObj, obj, str, type Obj } from '../../accessors.js';
import { keyword } from './util.js';

export interface Actor extends JsonObject {
  id?: string;
  email?: string;
  full_name?: string;
  name?: string;
}

export interface People {
  readonly actor: Actor;
  readonly target: Actor;
  readonly changes: Actor;
  readonly related: readonly (string | undefined)[];
}

function fullName(o: Obj | undefined, first = 'first_name', last = 'last_name'): string | undefined {
  const name = [str(o, first), str(o, last)].filter((x) => x !== undefined).join(' ');
  return name === '' ? undefined : name;
}

export function peopleOf(family: string, payload: Obj | undefined, object: Obj | undefined): People {
  const operator = str(payload, 'operator');
  const operatorId = keyword(payload, 'operator_id');
  const oldObject = obj(payload, 'old_object');
  const participant = obj(object, 'participant');
  const registrant = obj(object, 'registrant');
  const objectId = keyword(object, 'id');
  const hostId = keyword(object, 'host_id');
  let actor: Actor = operatorId !== undefined ? { id: operatorId, email: operator } : {};
  let target: Actor = {};
  let changes: Actor = {};
  const related: (string | undefined)[] = [operatorId];
  if (family === 'user') {
    const hasOperator = operator !== undefined || operatorId !== undefined;
    actor = hasOperator ? { id: operatorId, email: operator } : { id: objectId, email: str(object, 'email'), full_name: fullName(object) };
    const subject = oldObject !== undefined || hasOperator;
    target = {
      id: keyword(oldObject, 'id') ?? (subject ? objectId : undefined),
      email: str(oldObject, 'email') ?? (subject ? str(object, 'email') : undefined),
      full_name: fullName(oldObject) ?? (subject ? fullName(object) : undefined),
    };
    const oldId = keyword(oldObject, 'id');
    const oldEmail = str(oldObject, 'email');
    const oldName = fullName(oldObject);
    changes = {
      id: oldId !== undefined && oldId !== objectId ? objectId : undefined,
      email: oldEmail !== undefined && oldEmail !== str(object, 'email') ? str(object, 'email') : undefined,
      full_name: oldName !== undefined && oldName !== fullName(object) ? fullName(object) : undefined,
    };
    related.push(objectId, oldId);
  } else if (family === 'account') {
    target = {
      id: keyword(oldObject, 'id') ?? keyword(object, 'owner_id'),
      email: str(oldObject, 'account_email') ?? str(object, 'owner_email'),
      full_name: str(oldObject, 'account_name'),
      name: str(oldObject, 'account_alias'),
    };
    const changed = (key: string): string | undefined => {
      const now = str(object, key);
      return now !== undefined && now !== str(oldObject, key) ? now : undefined;
    };
    changes = { email: changed('account_email'), full_name: changed('account_name'), name: changed('account_alias') };
    related.push(keyword(object, 'owner_id'), target.id);
  } else if (family === 'meeting' || family === 'webinar') {
    if (participant) actor = { id: keyword(participant, 'id'), full_name: str(participant, 'user_name'), email: str(participant, 'email') };
    if (family === 'webinar' && registrant) actor = { id: keyword(registrant, 'id'), email: str(registrant, 'email'), full_name: fullName(registrant) };
    if (family === 'meeting') actor.id ??= hostId;
    related.push(keyword(participant, 'id'), keyword(participant, 'user_id'), keyword(participant, 'participant_uuid'), hostId);
    if (family === 'webinar') related.push(keyword(registrant, 'id'));
  } else if (family === 'recording') {
    if (registrant && actor.id === undefined) actor = { id: keyword(registrant, 'id'), email: str(registrant, 'email'), full_name: fullName(registrant) };
    if (!registrant) actor.id = hostId ?? actor.id;
    related.push(hostId, keyword(registrant, 'id'));
  } else if (family === 'chat_message') {
    related.push(keyword(object, 'contact_id'));
  } else if (family === 'chat_channel') {
    for (const m of Array.isArray(object?.['members']) ? object['members'] : []) {
      if (isObj(m)) related.push(str(m, 'display_name'), keyword(m, 'id'));
    }
  } else if (family === 'phone') {
    related.push(keyword(obj(object, 'callee'), 'user_id'), keyword(obj(object, 'caller'), 'user_id'));
  }

  return { actor, target, changes, related };
}
