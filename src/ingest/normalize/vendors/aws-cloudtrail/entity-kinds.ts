/**
 * Elastic's typed entity fields: the actor and each target are also filed as
 * user, host, service or generic entities (user.entity.id,
 * service.target.entity.id, entity.target.id, …). Targets are sorted by the
 * resource type of their ARN, or by the prefix of a bare id (i- for
 * instances, sg-/vpc-/subnet-… for network resources, AKIA… access keys).
 */

/** Which ECS entity family an identifier belongs to (Elastic's typed entity fields). */
export type EntityKind = 'user' | 'host' | 'service' | 'generic';

const USER_RESOURCE_TYPES = new Set(['assumed-role', 'federated-user', 'instance-profile', 'mfa', 'role', 'serialNumber', 'user']);
const HOST_RESOURCE_TYPES = new Set(['instance']);
const SERVICE_RESOURCE_TYPES = new Set([
  'alarm', 'cluster', 'configuration-recorder', 'db', 'detector', 'dhcp-options', 'document', 'file-system', 'function',
  'global-cluster', 'group', 'ipset', 'key', 'loadbalancer', 'log-group', 'log-stream', 'model', 'mount-target',
  'network-acl', 'network-interface', 'parameter', 'policy', 'resolver-query-log-config', 'rule', 'rulegroup', 'secret',
  'security-group', 'session', 'stack', 'stack-set', 'subnet', 'table', 'topic', 'trail', 'trust-anchor', 'vpc', 'webacl',
]);
const SERVICE_ID_PREFIXES = ['sg-', 'sgr-', 'eni-', 'vpc-', 'subnet-', 'acl-', 'rtb-', 'igw-', 'nat-', 'vpce-', 'tgw-', 'pcx-'];
const USER_IDENTITY_TYPES = new Set(['AssumedRole', 'IAMUser', 'Root']);

const isServiceRole = (id: string): boolean => id.includes('/AWSServiceRoleFor') || id.includes('/aws-service-role/');

/** arn:partition:service:region:account:type/id → [service, type]. */
function arnParts(id: string): [string, string] | undefined {
  const parts = id.split(':');
  const resource = parts[5];
  if (resource === undefined || parts[2] === undefined) return undefined;
  const slash = resource.indexOf('/');
  return [parts[2], slash > 0 ? resource.slice(0, slash) : resource];
}

/** The family of a target id: by ARN resource type, else by id prefix. */
export function targetKind(id: string): EntityKind {
  if (id.startsWith('arn:')) {
    const arn = arnParts(id);
    if (!arn) return 'generic';
    const [service, type] = arn;
    if (isServiceRole(id)) return 'service';
    if (USER_RESOURCE_TYPES.has(type)) return 'user';
    if (HOST_RESOURCE_TYPES.has(type)) return 'host';
    if (SERVICE_RESOURCE_TYPES.has(type) || service === 's3') return 'service';
    return 'generic';
  }
  if (id.length === 20 && id.startsWith('AKIA')) return 'user';
  if (id.startsWith('i-')) return 'host';
  if (SERVICE_ID_PREFIXES.some((p) => id.startsWith(p))) return 'service';
  return 'generic';
}

/** The family of the actor: by identity type first, then by ARN. */
export function actorKind(actor: string, identityType: string | undefined): EntityKind {
  if (identityType === 'AWSService' || isServiceRole(actor)) return 'service';
  if (identityType !== undefined && USER_IDENTITY_TYPES.has(identityType)) return 'user';
  if (actor.startsWith('arn:')) {
    const type = arnParts(actor)?.[1];
    if (type === 'user' || type === 'role' || type === 'assumed-role' || type === 'federated-user') return 'user';
    if (type === 'instance') return 'host';
  }
  return actor.startsWith('i-') ? 'host' : 'generic';
}
