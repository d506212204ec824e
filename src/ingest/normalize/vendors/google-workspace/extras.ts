/**
 * What a per-application mapper adds to the common activity document: the
 * `google_workspace.<dataset>` subtree built from the event parameters, and
 * the ECS fields some parameters feed (user.target, group, file, url, …).
 */
import type { JsonObject, JsonValue } from '../../../../ecs/index.js';
import { pushUnique } from '../../accessors.js';
import { setPath, splitEmail, type Tree } from './util.js';

export interface Extras {
  /** google_workspace.<dataset>.* */
  readonly app: Tree;
  targetUser: { name?: string; domain?: string; email?: string; group?: { name?: string; domain?: string } } | undefined;
  group: { id?: string; name?: string; domain?: string } | undefined;
  file: JsonObject | undefined;
  url: JsonObject | undefined;
  network: JsonObject | undefined;
  rule: JsonObject | undefined;
  message: string | undefined;
  start: string | undefined;
  end: string | undefined;
  outcome: 'success' | 'failure' | undefined;
  hostOsVersion: string | undefined;
  /** Users besides the actor, appended to related.user after the actor's. */
  readonly relatedUser: string[];
  readonly relatedHosts: string[];
  readonly relatedIp: string[];
  readonly relatedHash: string[];
}

export function emptyExtras(): Extras {
  return {
    app: {},
    targetUser: undefined,
    group: undefined,
    file: undefined,
    url: undefined,
    network: undefined,
    rule: undefined,
    message: undefined,
    start: undefined,
    end: undefined,
    outcome: undefined,
    hostOsVersion: undefined,
    relatedUser: [],
    relatedHosts: [],
    relatedIp: [],
    relatedHash: [],
  };
}

/** A parameter-name → Elastic path table; names not in it keep their own name. */
export type RenameTable = Readonly<Record<string, string>>;

/**
 * Copies every parameter into the dataset subtree under its Elastic name,
 * skipping the names in `skip` (parameters the mapper moved to ECS fields).
 */
export function copyRenamed(params: Tree, out: Tree, table: RenameTable, rename?: (name: string) => string, skip?: ReadonlySet<string>): void {
  for (const name of Object.keys(params)) {
    if (skip?.has(name)) continue;
    const value: JsonValue | undefined = params[name];
    const path = Object.hasOwn(table, name) ? (table[name] as string) : rename ? rename(name) : name;
    setPath(out, path, value);
  }
}

/** Sets user.target.* from an email, as Elastic's pipelines split it (related.user gets the local part). */
export function targetFromEmail(x: Extras, email: string | undefined, withEmail: boolean): void {
  const parts = splitEmail(email);
  if (!parts) return;
  x.targetUser = { ...x.targetUser, name: parts.local, domain: parts.domain, email: withEmail ? email : x.targetUser?.email };
  pushUnique(x.relatedUser, parts.local);
}

/** Sets group.name/domain from a group email, and mirrors them in user.target.group. */
export function groupFromEmail(x: Extras, email: string | undefined): void {
  const parts = splitEmail(email);
  if (!parts) return;
  x.group = { ...x.group, name: parts.local, domain: parts.domain };
}
