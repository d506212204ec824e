/**
 * Actor and target entities of a CloudTrail event (actor.entity.id,
 * target.entity.id, related.entity and the typed user/host/service/entity
 * variants), following the entity rules of Elastic's AWS integration: the
 * actor is the calling principal's ARN; the targets are the resources the
 * call acted on, picked per eventSource/eventName; related.entity is every
 * identifier of both plus a per-service list of ids found in the request
 * and response.
 *
 * Elastic adds a list of ids with `addValues`, which stops at the first id
 * that is missing or already present: `seq` keeps that behaviour so the sets
 * come out equal to Elastic's.
 */
import { addStringsAt, firstAt, stringAt, valuesAt } from './paths.js';

type Ids = Set<string>;

interface Ctx {
  readonly rec: unknown;
  readonly related: Ids;
  readonly target: Ids;
  actor: string | undefined;
}

const RP = 'requestParameters';
const RE = 'responseElements';
const ACCOUNT = 'recipientAccountId';

function add(set: Ids, v: unknown): boolean {
  if (typeof v !== 'string' || v === '' || set.has(v)) return false;
  set.add(v);
  return true;
}

/** Each path independently. */
function fields(set: Ids, root: unknown, paths: readonly string[]): void {
  for (const p of paths) addStringsAt(set, root, p);
}

/** Elastic's addValues: stops at the first value that is absent or already there. */
function seq(set: Ids, values: readonly unknown[]): void {
  for (const v of values) if (!add(set, v)) return;
}

/** seq() over the first value of each of `paths` in `item`. */
function seqFirst(set: Ids, item: unknown, paths: readonly string[]): void {
  for (const p of paths) if (!add(set, firstAt(item, p))) return;
}

/** For every item of the list at `listPath` (ending in `[]`): seq() over the item's fields. */
function seqEach(set: Ids, root: unknown, listPath: string, itemPaths: readonly string[]): void {
  for (const item of valuesAt(root, listPath)) seqFirst(set, item, itemPaths);
}

interface ServiceRule {
  /** Ids added to related.entity for every event of the service. */
  readonly related?: readonly string[];
  /** eventName → paths of its targets. */
  readonly targets?: Readonly<Record<string, readonly string[]>>;
  /** Rules that need more than paths. */
  readonly extra?: (ctx: Ctx, eventName: string | undefined) => void;
}

const r = (names: readonly string[], paths: readonly string[]): Record<string, readonly string[]> => Object.fromEntries(names.map((n) => [n, paths]));

const EC2_RULE_SET = `${RE}.securityGroupRuleSet.items[]`;
const EC2_RULE_SET_IDS = ['groupId', 'referencedGroupInfo.groupId', 'securityGroupRuleId'];
const EC2_GROUP_IDS = [`${RE}.groupSet.items[].groupId`, `${RP}.groupSet.items[].groupId`, `${RP}.instancesSet.items[].instanceId`];
const EC2_INSTANCES = `${RE}.instancesSet.items[]`;
const EC2_INSTANCE_IDS = ['subnetId', 'vpcId', 'instanceId', 'imageId', 'iamInstanceProfile.arn'];
const EC2_NETWORKS = 'networkInterfaceSet.items[]';
const EC2_NETWORK_IDS = ['networkInterfaceId', 'vpcId', 'subnetId'];
const EC2_NETWORK_GROUPS = ['groupSet.items[].groupId'];
const EC2_REVOKED = `${RP}.revokedSecurityGroupRuleSet.items[]`;
const EC2_REVOKED_IDS = ['securityGroupRuleId', 'groupId'];

function ec2Extra(ctx: Ctx): void {
  const { rec, related } = ctx;
  seqEach(related, rec, EC2_RULE_SET, EC2_RULE_SET_IDS);
  fields(related, rec, EC2_GROUP_IDS);
  for (const instance of valuesAt(rec, EC2_INSTANCES)) {
    seqFirst(related, instance, EC2_INSTANCE_IDS);
    for (const network of valuesAt(instance, EC2_NETWORKS)) {
      seqFirst(related, network, EC2_NETWORK_IDS);
      fields(related, network, EC2_NETWORK_GROUPS);
    }
  }
  seqEach(related, rec, EC2_REVOKED, EC2_REVOKED_IDS);
}

function ec2Targets(ctx: Ctx, eventName: string | undefined): void {
  if (eventName === 'AuthorizeSecurityGroupIngress' || eventName === 'AuthorizeSecurityGroupEgress') {
    fields(ctx.target, ctx.rec, [`${RP}.groupId`, `${RE}.securityGroupRuleSet.items[].securityGroupRuleId`]);
  } else if (eventName === 'DeleteNetworkAclEntry') {
    fields(ctx.target, ctx.rec, [`${RP}.networkAclId`]);
    const rule = valuesAt(ctx.rec, `${RP}.ruleNumber`)[0];
    if (typeof rule === 'number' || typeof rule === 'string') add(ctx.target, String(rule));
  }
}

const SSM_INSTANCE_IDS = `${RP}.instanceIds[]`;
const SSM_TARGET_VALUES = `${RP}.targets[].values[]`;

function ssmSendCommand(ctx: Ctx, eventName: string | undefined): void {
  if (eventName !== 'SendCommand') return;
  let ids: readonly unknown[] = valuesAt(ctx.rec, SSM_INSTANCE_IDS);
  if (ids.length === 0) ids = valuesAt(ctx.rec, SSM_TARGET_VALUES);
  // "*" means every managed instance: the account is the target.
  if (ids.length === 1 && ids[0] === '*') ids = [stringAt(ctx.rec, ACCOUNT)];
  seq(ctx.target, ids);
}

function stsActor(ctx: Ctx, eventName: string | undefined): void {
  if (eventName === 'AssumeRole') {
    const type = stringAt(ctx.rec, 'userIdentity.type');
    if (type === 'AWSService') ctx.actor = stringAt(ctx.rec, 'userIdentity.invokedBy');
    else if (type === 'AssumedRole') ctx.actor = stringAt(ctx.rec, 'userIdentity.sessionContext.sessionIssuer.arn');
    else ctx.actor = stringAt(ctx.rec, 'userIdentity.arn');
  } else if (eventName === 'GetCallerIdentity') {
    ctx.actor = stringAt(ctx.rec, 'userIdentity.arn');
  }
}

const LAMBDA_GROUPS = `${RE}.vpcConfig.securityGroupIds[]`;
const LAMBDA_SUBNETS = `${RE}.vpcConfig.subnetIds[]`;

function lambdaExtra(ctx: Ctx, eventName: string | undefined): void {
  seq(ctx.related, valuesAt(ctx.rec, LAMBDA_GROUPS));
  seq(ctx.related, valuesAt(ctx.rec, LAMBDA_SUBNETS));
  // Lambda event names carry an API version suffix (AddPermission20150331v2).
  if (eventName?.includes('AddPermission')) fields(ctx.target, ctx.rec, [`${RP}.functionName`]);
  else if (eventName?.includes('ListFunctions')) fields(ctx.target, ctx.rec, [ACCOUNT]);
}

const RESOURCES = 'resources[].ARN';

const SERVICES: Readonly<Record<string, ServiceRule>> = {
  'cloudformation.amazonaws.com': { targets: { CreateStackSet: [`${RE}.stackSetId`], CreateStack: [`${RE}.stackId`] } },
  'cloudtrail.amazonaws.com': {
    related: [`${RP}.name`, `${RP}.s3BucketName`, `${RE}.cloudWatchLogsLogGroupArn`, `${RE}.cloudWatchLogsRoleArn`, `${RE}.kmsKeyId`, `${RE}.snsTopicARN`, `${RE}.trailARN`, `${RE}.name`],
    targets: { ...r(['DeleteTrail', 'StopLogging'], [`${RP}.name`]), DescribeTrails: [ACCOUNT] },
  },
  'config.amazonaws.com': {
    related: [`${RP}.configurationRecorderName`],
    targets: r(['StopConfigurationRecorder', 'StartConfigurationRecorder'], [`${RP}.configurationRecorderName`]),
  },
  'ec2-instance-connect.amazonaws.com': { targets: r(['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey'], [`${RP}.instanceId`]) },
  'ec2.amazonaws.com': {
    related: [
      ...['groupId', 'groupName', 'roleName', 'subnetId', 'volumeId', 'networkInterfaceId', 'vpcId', 'snapshotId'].map((k) => `${RP}.${k}`),
      ...['groupId', 'reservationId', 'vpc.vpcId', 'vpc.dhcpOptionsId', 'snapshotId', 'volumeId'].map((k) => `${RE}.${k}`),
    ],
    targets: {
      CreateTrafficMirrorFilter: [`${RE}.CreateTrafficMirrorFilterResponse.trafficMirrorFilter.trafficMirrorFilterId`],
      CreateTrafficMirrorFilterRule: [`${RE}.CreateTrafficMirrorFilterRuleResponse.trafficMirrorFilterRule.trafficMirrorFilterRuleId`],
      CreateTrafficMirrorSession: [`${RE}.CreateTrafficMirrorSessionResponse.trafficMirrorSession.trafficMirrorSessionId`],
      CreateTrafficMirrorTarget: [`${RE}.CreateTrafficMirrorTargetResponse.trafficMirrorTarget.trafficMirrorTargetId`],
      DeleteFlowLogs: [`${RP}.DeleteFlowLogsRequest.FlowLogId.content`],
      DeleteNetworkAcl: [`${RP}.networkAclId`],
      GetPasswordData: [`${RP}.instanceId`],
      ModifyImageAttribute: [`${RP}.imageId`],
      ModifySnapshotAttribute: [`${RP}.snapshotId`],
      ...r(['DescribeSecurityGroups', 'DescribeNetworkInterfaces', 'DescribeRegions', 'DescribeVpcs', 'DescribeNetworkAcls', 'DescribeVolumes'], [ACCOUNT]),
    },
    extra: (ctx, eventName) => {
      ec2Extra(ctx);
      ec2Targets(ctx, eventName);
    },
  },
  'elasticfilesystem.amazonaws.com': { targets: { DeleteFileSystem: [`${RP}.fileSystemId`], DeleteMountTarget: [`${RP}.mountTargetId`] } },
  'events.amazonaws.com': { targets: { DeleteRule: [`${RP}.name`] } },
  'guardduty.amazonaws.com': {
    related: [`${RP}.detectorId`, `${RE}.detectorId`],
    targets: { CreateDetector: [`${RE}.detectorId`], DeleteDetector: [`${RP}.detectorId`] },
  },
  'iam.amazonaws.com': {
    related: [
      ...['userName', 'serialNumber', 'accessKeyId', 'policyArn', 'roleName', 'policyName'].map((k) => `${RP}.${k}`),
      ...['accessKey.userName', 'accessKey.accessKeyId', 'user.arn', 'user.userId', 'user.userName', 'userId', 'role.arn', 'serialNumber'].map((k) => `${RE}.${k}`),
    ],
    targets: {
      AttachGroupPolicy: [`${RP}.groupName`],
      ...r(['AttachRolePolicy', 'ListAttachedRolePolicies', 'UpdateAssumeRolePolicy'], [`${RP}.roleName`]),
      AttachUserPolicy: [`${RP}.policyArn`, `${RP}.userName`],
      CreateAccessKey: [`${RE}.accessKey.accessKeyId`, `${RP}.userName`],
      ...r(['CreateUser', 'DeactivateMFADevice'], [`${RP}.userName`]),
      DeleteVirtualMFADevice: [`${RP}.serialNumber`],
      GetPolicy: [`${RP}.policyArn`],
      CreatePolicy: [`${RE}.policy.arn`],
      ...r(['ListRoles', 'ListUsers'], [ACCOUNT]),
    },
  },
  'kms.amazonaws.com': {
    related: [`${RP}.keyId`, `${RE}.keyId`, `${RE}.keyMetadata.arn`, `${RE}.keyMetadata.keyId`],
    targets: r(['DisableKey', 'ScheduleKeyDeletion'], [RESOURCES]),
  },
  'lambda.amazonaws.com': {
    related: [`${RP}.functionName`, `${RE}.functionArn`, `${RE}.functionName`, `${RE}.role`],
    extra: lambdaExtra,
  },
  'logs.amazonaws.com': { targets: { DeleteLogGroup: [`${RP}.logGroupName`], DeleteLogStream: [`${RP}.logStreamName`] } },
  'monitoring.amazonaws.com': { targets: { DeleteAlarms: [`${RP}.alarmNames[]`] } },
  'rds.amazonaws.com': {
    related: [
      `${RP}.dBInstanceIdentifier`,
      `${RP}.dBInstanceArn`,
      `${RE}.dBInstanceIdentifier`,
      `${RE}.dbInstanceArn`,
      `${RE}.dBSubnetGroup.vpcId`,
      `${RE}.dBSubnetGroup.subnets[].subnetIdentifier`,
      `${RE}.vpcSecurityGroups[].vpcSecurityGroupId`,
    ],
    targets: {
      ...r(['DeleteDBCluster', 'ModifyDBCluster', 'StopDBCluster'], [`${RE}.dBClusterArn`]),
      ...r(['DeleteDBInstance', 'ModifyDBInstance', 'RestoreDBInstanceFromDBSnapshot', 'RestoreDBInstanceFromS3', 'StopDBInstance'], [`${RE}.dBInstanceArn`]),
      DeleteGlobalCluster: [`${RE}.globalClusterArn`],
      ModifyDBClusterSnapshotAttribute: [`${RE}.dBClusterSnapshotIdentifier`],
      ModifyDBSnapshotAttribute: [`${RE}.dBSnapshotIdentifier`],
      DescribeDBInstances: [ACCOUNT],
    },
  },
  'rolesanywhere.amazonaws.com': { targets: { CreateTrustAnchor: [`${RE}.trustAnchor.trustAnchorArn`] } },
  'route53resolver.amazonaws.com': { targets: { DeleteResolverQueryLogConfig: [`${RE}.resolverQueryLogConfig.arn`] } },
  's3.amazonaws.com': {
    related: [`${RP}.bucketName`],
    targets: {
      ...r(['CopyObject', 'PutBucketLogging', 'PutBucketVersioning', 'PutObject', 'GetBucketPolicy', 'ListObjects', 'HeadObject', 'GetObject', 'DeleteObject', 'DeleteBucket'], [RESOURCES]),
      PutBucketReplication: [RESOURCES, `${RP}.ReplicationConfiguration.Rule.Destination.Bucket`],
      ListBuckets: [ACCOUNT],
    },
  },
  'secretsmanager.amazonaws.com': { targets: { BatchGetSecretValue: [`${RP}.secretIdList[]`], GetSecretValue: [`${RP}.secretId`] } },
  'signin.amazonaws.com': { targets: { ConsoleLogin: [ACCOUNT] } },
  'ssm.amazonaws.com': {
    targets: {
      ...r(['GetParameter', 'GetParameters', 'CreateControlChannel', 'OpenControlChannel'], [RESOURCES]),
      StartSession: [`${RP}.target`],
      CreateDocument: [`${RP}.name`],
      ...r(['TerminateSession', 'OpenDataChannel'], [`${RP}.sessionId`]),
      ListInstanceAssociations: [ACCOUNT],
    },
    extra: ssmSendCommand,
  },
  'sts.amazonaws.com': {
    related: [`${RP}.roleArn`, 'sourceIdentity', 'additionalEventData.MFAIdentifier', `${RE}.assumedRoleUser.arn`, `${RP}.roleSessionName`, `${RE}.accessKeyId`],
    targets: { AssumeRole: [`${RP}.roleArn`], GetCallerIdentity: [ACCOUNT] },
    extra: stsActor,
  },
  'wafv2.amazonaws.com': { related: [`${RP}.id`, `${RE}.summary`], targets: r(['DeleteRuleGroup', 'DeleteWebACL'], [`${RP}.id`]) },
  'sns.amazonaws.com': { targets: { CreateTopic: [`${RE}.topicArn`], ...r(['Subscribe', 'Publish'], [`${RP}.topicArn`]) } },
  'bedrock.amazonaws.com': { targets: { Converse: [`${RP}.modelId`] } },
  'elasticloadbalancing.amazonaws.com': { targets: { DescribeLoadBalancers: [ACCOUNT] } },
  'dynamodb.amazonaws.com': { targets: { ListTables: [ACCOUNT] } },
};

export interface Entities {
  readonly actor: string | undefined;
  readonly targets: readonly string[];
  readonly related: readonly string[];
}

const CALLER_IDS = [
  'userIdentity.accessKeyId',
  'userIdentity.arn',
  'userIdentity.userName',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.sessionContext.sessionIssuer.userName',
];

/** Entities of one (empty-swept) CloudTrail record. */
export function entitiesOf(rec: unknown): Entities {
  const ctx: Ctx = {
    rec,
    related: new Set(),
    target: new Set(),
    actor: stringAt(rec, 'userIdentity.arn') ?? stringAt(rec, 'userIdentity.onBehalfOf.userId'),
  };
  fields(ctx.related, rec, CALLER_IDS);
  if (stringAt(rec, 'userIdentity.type') === 'IdentityCenterUser') addStringsAt(ctx.related, rec, 'userIdentity.onBehalfOf.identityStoreArn');
  addStringsAt(ctx.related, rec, RESOURCES);

  const eventSource = stringAt(rec, 'eventSource');
  const eventName = stringAt(rec, 'eventName');
  const rule = eventSource !== undefined && Object.hasOwn(SERVICES, eventSource) ? SERVICES[eventSource] : undefined;
  if (rule) {
    fields(ctx.related, rec, rule.related ?? []);
    const targets = eventName !== undefined && rule.targets && Object.hasOwn(rule.targets, eventName) ? rule.targets[eventName] : undefined;
    fields(ctx.target, rec, targets ?? []);
    rule.extra?.(ctx, eventName);
  }
  for (const t of ctx.target) ctx.related.add(t);
  // Elastic keeps these in sorted sets.
  return { actor: ctx.actor, targets: [...ctx.target].sort(), related: [...ctx.related].sort() };
}
