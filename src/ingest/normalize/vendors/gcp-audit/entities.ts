/**
 * Who acted on what, in the entity fields of Elastic's GCP audit pipeline
 * (actor.entity.id / target.entity.id, typed as user / service / host /
 * generic entity, and related.entity), so Kibana's entity and graph views
 * work on Sift's documents.
 *
 * Identities: https://cloud.google.com/logging/docs/audit/understanding-audit-logs#caller_identities
 * IAM principal identifiers: https://cloud.google.com/iam/docs/principal-identifiers
 */
import { arr, isObj, obj, str, type Obj } from '../../accessors.js';

export type ActorKind = 'user' | 'service' | 'entity';
export type TargetKind = 'user' | 'service' | 'host' | 'entity';

/**
 * Service accounts (Google's `serviceAccount:` principals, any
 * `*.gserviceaccount.com` address, Kubernetes service accounts) are services;
 * people are users; anything else (`system:anonymous`, workload identity
 * principals without an email) is a generic entity.
 */
export function actorKind(email: string | undefined, subject: string | undefined): ActorKind | undefined {
  if (email === undefined && subject === undefined) return undefined;
  const e = email ?? '';
  const s = subject ?? '';
  if (s.startsWith('serviceAccount:') || e.endsWith('gserviceaccount.com') || e.startsWith('system:serviceaccount:')) return 'service';
  if (s.startsWith('user:') || (e.includes('@') && !e.startsWith('system:'))) return 'user';
  return 'entity';
}

const SERVICE_ACCOUNT = /(^|\/)serviceAccounts\//;
const USER_OR_GROUP = /(^|\/)(users|groups)\//;
const COMPUTE_INSTANCE = /(^|\/)zones\/[^/]+\/instances\/[^/]/;
// Network and storage resources of Compute Engine, classified as services by Elastic.
const COMPUTE_SERVICE = /(^|\/)(disks|networks|subnetworks|firewalls)(\/|$)/;

/** What kind of entity a `resourceName` (with the LogEntry's monitored resource type) names. */
export function targetKind(resourceName: string, resourceType: string | undefined): TargetKind {
  if (SERVICE_ACCOUNT.test(resourceName) || resourceType === 'service_account') return 'service';
  if (USER_OR_GROUP.test(resourceName)) return 'user';
  if (COMPUTE_INSTANCE.test(resourceName) || resourceType === 'gce_instance') return 'host';
  if (COMPUTE_SERVICE.test(resourceName)) return 'service';
  return 'entity';
}

/** A Set, not pushUnique(): IAM policies can list thousands of members. */
function add(out: Set<string>, ...values: (string | undefined)[]): void {
  for (const v of values) if (v !== undefined && v !== '') out.add(v);
}

/** Members and roles of an IAM Policy (`bindings[]`), as SetIamPolicy/GetIamPolicy carry them. */
function pushPolicy(out: Set<string>, policy: Obj | undefined): void {
  for (const binding of arr(policy, 'bindings') ?? []) {
    if (!isObj(binding)) continue;
    for (const member of arr(binding, 'members') ?? []) if (typeof member === 'string') add(out, member);
    add(out, str(binding, 'role'));
  }
}

/**
 * Every identity and resource an audit entry names: the caller, the target
 * resource, the delegation chain, IAM policy members and roles, and the
 * networks and service accounts a new VM gets.
 */
export function relatedEntities(payload: Obj, actorIds: readonly string[], resourceName: string | undefined): string[] {
  const out = new Set<string>();
  add(out, ...actorIds, resourceName);
  for (const d of arr(obj(payload, 'authenticationInfo'), 'serviceAccountDelegationInfo') ?? []) {
    if (!isObj(d)) continue;
    add(out, str(d, 'principalSubject'), str(obj(d, 'firstPartyPrincipal'), 'principalEmail'));
  }
  for (const link of arr(obj(payload, 'metadata'), 'identityDelegationChain') ?? []) if (typeof link === 'string') add(out, link);
  const request = obj(payload, 'request');
  pushPolicy(out, obj(request, 'policy'));
  pushPolicy(out, obj(payload, 'response'));
  for (const nic of arr(request, 'networkInterfaces') ?? []) if (isObj(nic)) add(out, str(nic, 'network'));
  for (const sa of arr(request, 'serviceAccounts') ?? []) if (isObj(sa)) add(out, str(sa, 'email'));
  return [...out];
}
