/**
 * ECS event.category / event.type per CloudTrail eventName, as Elastic's AWS
 * integration assigns them (aws.cloudtrail ingest pipeline, "Add ECS
 * categorization"). Every other event is `type: [info]` with no category:
 * Elastic does not guess from verbs, and neither does Sift, so rules written
 * for Elastic's documents see the same values. An empty type list (Converse,
 * Publish, SendCommand) means the event has no event.type at all.
 */
export interface Categorization {
  readonly category: readonly string[];
  readonly type: readonly string[];
}

/** `category: type,type` per eventName; compact so the table stays readable. */
const TABLE: Readonly<Record<string, string>> = {
  AddUserToGroup: 'iam: group,change',
  AssumeRole: 'authentication: info',
  AttachGroupPolicy: 'iam: group,change',
  AttachRolePolicy: 'iam: change',
  AttachUserPolicy: 'iam: user,change',
  AuthorizeSecurityGroupIngress: 'network: access',
  ChangePassword: 'iam: user,change',
  ConsoleLogin: 'authentication: info',
  Converse: 'api: ',
  CreateAccessKey: 'iam: user,change',
  CreateBucket: 'file: creation',
  CreateControlChannel: 'session: start',
  CreateDataChannel: 'session: start',
  CreateDocument: 'file: creation',
  CreateGroup: 'iam: group,creation',
  CreateKeyPair: 'iam: admin,creation',
  CreatePolicy: 'iam: creation',
  CreateTopic: 'configuration: creation',
  CreateUser: 'iam: user,creation',
  CreateVirtualMFADevice: 'iam: user,change',
  DeactivateMFADevice: 'iam: user,change',
  DeleteAccessKey: 'iam: user,change',
  DeleteBucket: 'file: deletion',
  DeleteGroup: 'iam: group,deletion',
  DeleteGroupPolicy: 'iam: group,change',
  // "delete" (not "deletion") is what Elastic emits for this one.
  DeleteObject: 'file: delete',
  DeleteSSHPublicKey: 'iam: user,change',
  DeleteTrail: 'configuration: deletion',
  DeleteUser: 'iam: user,deletion',
  DeleteUserPermissionsBoundary: 'iam: user,change',
  DeleteUserPolicy: 'iam: user,change',
  DeleteVirtualMFADevice: 'iam: user,change',
  DescribeDBInstances: 'database: info',
  DescribeInstances: 'host: info',
  DescribeLoadBalancers: 'network: info',
  DescribeNetworkAcls: 'network: info',
  DescribeNetworkInterfaces: 'network: info',
  DescribeRegions: 'api: info',
  DescribeSecurityGroups: 'network: info',
  DescribeTrails: 'configuration: info',
  DescribeVolumes: 'host: info',
  DescribeVpcs: 'network: info',
  DetachGroupPolicy: 'iam: group,change',
  DetachUserPolicy: 'iam: user,change',
  EnableMFADevice: 'iam: user,change',
  GetCallerIdentity: 'authentication: info',
  GetGroup: 'iam: group,info',
  GetGroupPolicy: 'iam: group,info',
  GetObject: 'file: info',
  GetPolicy: 'iam: info',
  GetUser: 'iam: user,info',
  GetUserPolicy: 'iam: user,info',
  HeadObject: 'file: info',
  ListAttachedGroupPolicies: 'iam: group,info',
  ListAttachedRolePolicies: 'iam: info',
  ListAttachedUserPolicies: 'iam: user,info',
  ListBuckets: 'file: info',
  ListFunctions: 'package: info',
  ListGroupPolicies: 'iam: group,info',
  ListGroups: 'iam: group,info',
  ListGroupsForUser: 'iam: user,info',
  ListInstanceAssociations: 'host: info',
  ListObjects: 'file: info',
  ListRoles: 'iam: info',
  ListTables: 'database: info',
  ListUserPolicies: 'iam: user,info',
  ListUserTags: 'iam: user,info',
  ListUsers: 'iam: user,info',
  OpenControlChannel: 'session: start',
  OpenDataChannel: 'session: start',
  Publish: 'api: ',
  PutGroupPolicy: 'iam: group,change',
  PutObject: 'file: change',
  PutUserPermissionsBoundary: 'iam: user,change',
  PutUserPolicy: 'iam: user,change',
  RemoveUserFromGroup: 'iam: group,change',
  SendCommand: 'process: ',
  SetDefaultPolicyVersion: 'iam: admin,change',
  SetSecurityTokenServicePreferences: 'iam: admin,change',
  StartSession: 'session: start',
  Subscribe: 'configuration: change',
  TagUser: 'iam: user,change',
  TerminateSession: 'session: end',
  UntagUser: 'iam: user,change',
  UpdateAccessKey: 'iam: user,change',
  UpdateAccountPasswordPolicy: 'iam: admin,change',
  UpdateGroup: 'iam: group,change',
  UpdateLoginProfile: 'iam: user,change',
  UpdateRole: 'iam: admin,change',
  UpdateSSHPublicKey: 'iam: user,change',
  UpdateUser: 'iam: user,change',
};

const PARSED = new Map<string, Categorization>(
  Object.entries(TABLE).map(([name, spec]) => {
    const [category = '', types = ''] = spec.split(':');
    return [name, { category: [category.trim()], type: types.split(',').map((t) => t.trim()).filter((t) => t !== '') }];
  }),
);

const DEFAULT: Categorization = { category: [], type: ['info'] };

/** Elastic's categorization of one eventName (exact match, case-sensitive). */
export function categorize(eventName: string | undefined): Categorization {
  return (eventName === undefined ? undefined : PARSED.get(eventName)) ?? DEFAULT;
}
