import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leafPaths } from '../../src/ecs/index.js';
import { sourceFor, type NormalizeResult, type Source } from '../../src/ingest/index.js';
import { hashMapOrder, javaText } from '../../src/ingest/normalize/vendors/aws-cloudtrail/java-text.js';
import { categorize } from '../../src/ingest/normalize/vendors/aws-cloudtrail/categories.js';
import { entitiesOf } from '../../src/ingest/normalize/vendors/aws-cloudtrail/entities.js';
import { targetKind } from '../../src/ingest/normalize/vendors/aws-cloudtrail/entity-kinds.js';
import { addStringsAt, firstAt, stringAt, valuesAt } from '../../src/ingest/normalize/vendors/aws-cloudtrail/paths.js';
import { prepareRecords, type PreparedOutcome } from '../helpers/prepared.js';
import { complianceSuite } from '../helpers/compliance.js';
import { CORPUS, elasticExpected, pantherLogs, type PantherTest } from '../helpers/corpus.js';

function cloudTrailSource(): Source {
  const s = sourceFor('aws_cloudtrail');
  if (!s) throw new Error('aws_cloudtrail source is not registered');
  return s;
}
const source = cloudTrailSource();
const opts = { original: undefined };
const normalize = (raw: unknown): NormalizeResult => source.normalize(raw, opts);

const FILES = [
  'test-attach-user-policy-json.log',
  'test-authorize-security-group-ingress-json.log',
  'test-console-login-json.log',
  'test-delete-bucket-json.log',
  'test-delete-flow-log-json.log',
  'test-get-caller-identity-json.log',
  'test-stop-configuration-recorder.log',
];

function elasticInputs(): unknown[] {
  const out: unknown[] = [];
  for (const f of FILES) {
    const text = readFileSync(join(CORPUS, 'elastic', 'aws', 'cloudtrail', f), 'utf8');
    for (const line of text.split('\n')) if (line.trim() !== '') out.push(JSON.parse(line));
  }
  return out;
}

type Tagged = PantherTest & { log_type?: string };
const logTypeOf = (test: PantherTest): string | undefined => (test as Tagged).log_type ?? (test.log as { p_log_type?: string } | null)?.p_log_type;

/** Panther tests whose log is a CloudTrail record (standard_rules mixes vendors). */
function pantherCloudTrail(): { rule: string; test: PantherTest }[] {
  const own = pantherLogs('aws_cloudtrail_rules').filter(({ test }) => (logTypeOf(test) ?? 'AWS.CloudTrail') === 'AWS.CloudTrail');
  const shared = pantherLogs('standard_rules').filter(({ test }) => logTypeOf(test) === 'AWS.CloudTrail');
  return [...own, ...shared];
}

complianceSuite('aws_cloudtrail', () => [...elasticInputs(), ...pantherCloudTrail().map(({ test }) => test.log)]);

/** Leaf fields of Elastic's documents Sift claims to map (user_agent parsing is central). */
const CLAIMED = [
  /^@timestamp$/,
  /^event\.(id|action|kind|outcome|provider|category|type)$/,
  /^cloud\./,
  /^source\.(ip|address)$/,
  /^user_agent\.original$/,
  /^user\.(id|name|email)$/,
  /^user\.target\.(id|name)$/,
  /^group\./,
  /^tls\./,
  /^(actor|target)\.entity\.id$/,
  /^related\.entity$/,
  /^aws\.cloudtrail\./,
];

function canonical(v: unknown): string {
  if (Array.isArray(v)) return JSON.stringify(v.map(canonical).sort());
  if (v !== null && typeof v === 'object') return JSON.stringify(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)]));
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return String(Date.parse(v));
  return JSON.stringify(v);
}

function eventOf(r: NormalizeResult): Record<string, unknown> {
  if (r.ok !== true) throw new Error(`normalize failed: ${r.code} ${r.message}`);
  return r.event as unknown as Record<string, unknown>;
}

describe('aws.cloudtrail against Elastic expected documents', () => {
  const docs = FILES.flatMap((f) => elasticExpected('aws', 'cloudtrail', f).expected.filter((d) => (d['event'] as { original?: string }).original !== undefined));

  it('matches every claimed field of every expected document', () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const doc of docs) {
      const original = (doc['event'] as { original: string }).original;
      const ours = leafPaths(eventOf(normalize(JSON.parse(original))));
      for (const [path, value] of leafPaths(doc)) {
        if (!CLAIMED.some((re) => re.test(path))) continue;
        compared++;
        if (canonical(ours.get(path)) !== canonical(value)) mismatches.push(`${path}: expected ${JSON.stringify(value)}, got ${JSON.stringify(ours.get(path))}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(250);
  });

  it('keeps request parameters as Java map text in HashMap order, without empty values', () => {
    const doc = docs.find((d) => (d['event'] as { action?: string }).action === 'AuthorizeSecurityGroupIngress');
    const ev = eventOf(normalize(JSON.parse((doc?.['event'] as { original: string }).original)));
    const ct = (ev['aws'] as { cloudtrail: Record<string, unknown> }).cloudtrail;
    expect(ct['request_parameters']).toBe('{groupId=sg-0f63fecfa17ef4fee, ipPermissions={items=[{ipRanges={items=[{cidrIp=203.0.113.0/24}]}, fromPort=22, toPort=22, ipProtocol=tcp}]}}');
    const flat = ct['flattened'] as { request_parameters: { ipPermissions: { items: Record<string, unknown>[] } } };
    expect(Object.keys(flat.request_parameters.ipPermissions.items[0] ?? {}).sort()).toEqual(['fromPort', 'ipProtocol', 'ipRanges', 'toPort']);
  });

  it('lists the caller id and name in related.user (Elastic 2024 pipelines)', () => {
    for (const action of ['AttachUserPolicy', 'AuthorizeSecurityGroupIngress', 'DeleteFlowLogs']) {
      const doc = docs.find((d) => (d['event'] as { action?: string }).action === action);
      const ev = eventOf(normalize(JSON.parse((doc?.['event'] as { original: string }).original)));
      expect(canonical((ev['related'] as { user: string[] }).user)).toBe(canonical((doc?.['related'] as { user: string[] }).user));
    }
  });

  it('uses eventID as the vendor id and aws.cloudtrail as the dataset', () => {
    const r = normalize(elasticInputs()[0]);
    expect(r.ok && r.vendorId).toBe('48a0efc2-e7b5-48d0-a3d7-38c44cd15525');
    expect(r.ok && r.event.event.dataset).toBe('aws.cloudtrail');
    expect(r.ok && r.event.event.module).toBe('aws');
  });

  it('sets event.original when given', () => {
    const r = source.normalize(elasticInputs()[0], { original: '{"raw":1}' });
    expect(r.ok && r.event.event.original).toBe('{"raw":1}');
  });
});

describe('aws.cloudtrail on Panther raw events', () => {
  const logs = pantherCloudTrail();
  it('normalizes every record with an eventTime (or, lacking one, a p_event_time) and refuses the others', () => {
    expect(logs.length).toBeGreaterThan(200);
    let ok = 0;
    for (const { rule, test } of logs) {
      const log = test.log as Record<string, unknown>;
      // Panther's p_event_time stands in for a missing eventTime (src/ingest/normalize/panther.ts).
      const time = log['eventTime'] ?? log['eventtime'] ?? log['p_event_time'];
      const r = normalize(log);
      if (typeof time === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/.test(time)) {
        expect(r.ok, `${rule}/${test.name}`).toBe(true);
        if (r.ok !== true) continue;
        ok++;
        expect(r.event['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(r.event.event.action).toBe(log['eventName'] ?? log['eventname']);
      } else {
        expect(r.ok, `${rule}/${test.name}`).toBe(false);
        if (r.ok === false) expect(r.code).toMatch(/^SIFT_NORMALIZE_(NO|BAD)_TIMESTAMP$/);
      }
    }
    expect(ok).toBeGreaterThan(200);
  });

  it('reads lower-cased (Athena/Glue) column names', () => {
    const log = logs.find(({ test }) => Object.hasOwn(test.log as object, 'eventtime'))?.test.log;
    const r = normalize(log);
    expect(r.ok).toBe(true);
    if (r.ok !== true) return;
    expect(r.event.event.action).toBe((log as { eventname: string }).eventname);
    expect(r.event.event.id).toBe((log as { eventid: string }).eventid);
    expect(r.event['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

const RECORD = {
  eventVersion: '1.08',
  eventTime: '2024-05-01T10:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateUser',
  eventID: 'ev-1',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.7',
  userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
  requestParameters: { userName: 'bob' },
  responseElements: { user: { userId: 'AIDABOB', userName: 'bob', arn: 'arn:aws:iam::111122223333:user/bob' } },
};

function exploded(value: unknown): unknown[] {
  const units = source.explode(value);
  if (!Array.isArray(units)) throw new Error(`explode failed: ${JSON.stringify(units)}`);
  return units as unknown[];
}

describe('aws_cloudtrail explode', () => {
  it('passes a single record through', () => {
    expect(exploded(RECORD)).toEqual([RECORD]);
  });

  it('splits an S3 log file into its Records', () => {
    const second = { ...RECORD, eventID: 'ev-2' };
    const units = exploded({ Records: [RECORD, second] });
    expect(units.map((u) => (normalize(u).ok ? (normalize(u) as { vendorId: string }).vendorId : null))).toEqual(['ev-1', 'ev-2']);
  });

  it('unwraps the detail of an EventBridge "via CloudTrail" event', () => {
    const envelope = { version: '0', id: 'eb-1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: '111122223333', time: '2024-05-01T10:00:01Z', region: 'us-east-1', resources: [], detail: RECORD };
    expect(exploded(envelope)).toEqual([RECORD]);
    const signIn = { ...envelope, 'detail-type': 'AWS Console Sign In via CloudTrail' };
    expect(exploded(signIn)).toEqual([RECORD]);
  });

  it('refuses EventBridge events that are not CloudTrail, and S3 notifications', () => {
    expect(source.explode({ 'detail-type': 'EC2 Instance State-change Notification', detail: {} })).toMatchObject({ ok: false, code: 'SIFT_DECODE_UNKNOWN_SOURCE' });
    expect(source.explode({ 'detail-type': 'AWS API Call via CloudTrail', detail: 'x' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    const s3 = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: '2024-05-01T10:00:00Z', s3: { bucket: { name: 'trail' } } }] };
    expect(source.explode(s3)).toMatchObject({ ok: false, code: 'SIFT_DECODE_UNKNOWN_SOURCE' });
    expect(source.explode({ Records: 'nope' })).toMatchObject({ ok: false, code: 'SIFT_DECODE_UNKNOWN_SOURCE' });
    expect(source.explode('text')).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('reads CloudWatch Logs subscription payloads and skips control messages', () => {
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: 'aws-cloudtrail-logs',
      logStream: '111122223333_CloudTrail_us-east-1',
      subscriptionFilters: ['to-kafka'],
      logEvents: [
        { id: '1', timestamp: 1714557600000, message: JSON.stringify(RECORD) },
        { id: '2', timestamp: 1714557600000, message: 'not json' },
      ],
    };
    const units = exploded(payload);
    expect(units[0]).toEqual(RECORD);
    expect(normalize(units[1])).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
    // A health check carries no CloudTrail event: it is accounted for as such, never dropped.
    expect(source.explode({ messageType: 'CONTROL_MESSAGE', logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] })).toMatchObject({
      ok: false,
      code: 'SIFT_DECODE_NO_EVENTS',
      path: '$.messageType',
    });
  });
});

describe('aws_cloudtrail normalize', () => {
  it('refuses a missing or unparsable eventTime instead of using the clock', () => {
    const { eventTime: _drop, ...noTime } = RECORD;
    expect(normalize(noTime)).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NO_TIMESTAMP', path: '$.eventTime' });
    expect(normalize({ ...RECORD, eventTime: 'yesterday' })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP', path: '$.eventTime' });
    expect(normalize({ ...RECORD, eventTime: 1714557600 })).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_BAD_TIMESTAMP' });
    expect(normalize([RECORD])).toMatchObject({ ok: false, code: 'SIFT_NORMALIZE_NOT_OBJECT' });
  });

  it('maps IAM user operations: target user, related users, entities', () => {
    const ev = eventOf(normalize(RECORD));
    expect(ev['user']).toMatchObject({ id: 'AIDAEXAMPLE', name: 'alice', target: { id: 'AIDABOB', name: 'bob' } });
    expect(new Set((ev['related'] as { user: string[] }).user)).toEqual(new Set(['bob', 'AIDABOB', 'AIDAEXAMPLE', 'alice']));
    expect(ev['event']).toMatchObject({ category: ['iam'], type: ['user', 'creation'], outcome: 'success' });
    expect(ev['target']).toEqual({ entity: { id: ['bob'] } });
    expect(ev['actor']).toEqual({ entity: { id: ['arn:aws:iam::111122223333:user/alice'] } });
    expect((ev['related'] as { entity: string[] }).entity).toContain('arn:aws:iam::111122223333:user/bob');
  });

  it('marks errors as failures and keeps them in error.* and aws.cloudtrail.*', () => {
    const ev = eventOf(normalize({ ...RECORD, errorCode: 'AccessDenied', errorMessage: 'User is not authorized' }));
    expect(ev['event']).toMatchObject({ outcome: 'failure' });
    expect(ev['error']).toEqual({ code: 'AccessDenied', message: 'User is not authorized' });
    expect(ev['aws']).toMatchObject({ cloudtrail: { error_code: 'AccessDenied', error_message: 'User is not authorized' } });
    expect(eventOf(normalize({ ...RECORD, errorCode: '' }))['event']).toMatchObject({ outcome: 'success' });
  });

  it('takes a ConsoleLogin outcome from responseElements', () => {
    const login = { ...RECORD, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: 'Yes' } };
    const ev = eventOf(normalize(login));
    expect(ev['event']).toMatchObject({ outcome: 'failure', category: ['authentication'] });
    expect(ev['aws']).toMatchObject({ cloudtrail: { console_login: { additional_eventdata: { mfa_used: true } } } });
  });

  it('keeps an AWS service host name as source.domain, not source.ip', () => {
    const ev = eventOf(normalize({ ...RECORD, sourceIPAddress: 'ec2.amazonaws.com', userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' } }));
    expect(ev['source']).toEqual({ address: 'ec2.amazonaws.com', domain: 'ec2.amazonaws.com' });
    expect((ev['related'] as { ip?: unknown }).ip).toBeUndefined();
    const internal = eventOf(normalize({ ...RECORD, sourceIPAddress: 'AWS Internal' }));
    expect(internal['source']).toEqual({ address: 'AWS Internal' });
  });

  it('reads roles: user.name from the session issuer, email from an SSO session name', () => {
    const ev = eventOf(
      normalize({
        ...RECORD,
        userIdentity: {
          type: 'AssumedRole',
          principalId: 'AROAEXAMPLE:jane@example.com',
          arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/jane@example.com',
          sessionContext: { sessionIssuer: { type: 'Role', userName: 'AWSReservedSSO_Admin_0123', arn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123' }, attributes: { mfaAuthenticated: 'false', creationDate: '2024-05-01T09:00:00Z' } },
        },
      }),
    );
    expect(ev['user']).toMatchObject({ name: 'AWSReservedSSO_Admin_0123', email: 'jane@example.com', id: 'AROAEXAMPLE:jane@example.com' });
  });

  it('maps TLS details, insight details and resources', () => {
    const ev = eventOf(
      normalize({
        ...RECORD,
        tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 'iam.amazonaws.com' },
        insightDetails: { state: 'Start', insightType: 'ApiCallRateInsight', insightContext: { statistics: { baseline: { average: 0.01 } } } },
        resources: [
          { ARN: 'arn:aws:s3:::b', accountId: '1', type: 'AWS::S3::Bucket' },
          { ARN: 'arn:aws:s3:::b', accountId: '1', type: 'AWS::S3::Bucket' },
        ],
      }),
    );
    expect(ev['tls']).toEqual({ version: '1.2', version_protocol: 'tls', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', client: { server_name: 'iam.amazonaws.com' } });
    const ct = (ev['aws'] as { cloudtrail: Record<string, unknown> }).cloudtrail;
    expect(ct['resources']).toEqual([{ arn: 'arn:aws:s3:::b', account_id: '1', type: 'AWS::S3::Bucket' }]);
    expect(ct['flattened']).toMatchObject({ insight_details: { state: 'Start', insightType: 'ApiCallRateInsight' } });
  });

  it('normalizes a digest file with digestEndTime as its time', () => {
    const digest = {
      awsAccountId: '111122223333',
      digestStartTime: '2020-09-11T18:36:49Z',
      digestEndTime: '2020-09-11T19:36:49Z',
      digestS3Bucket: 'trail-bucket',
      digestS3Object: 'AWSLogs/111122223333/CloudTrail-Digest/us-west-2/2020/09/11/x.json.gz',
      previousDigestHashAlgorithm: 'SHA-256',
      previousDigestSignature: 'abcdef',
      logFiles: [{ s3Bucket: 'trail-bucket', s3Object: 'a.json.gz', hashValue: '00', hashAlgorithm: 'SHA-256' }],
    };
    const r = normalize(digest);
    expect(r.ok).toBe(true);
    if (r.ok !== true) return;
    expect(r.event['@timestamp']).toBe('2020-09-11T19:36:49.000Z');
    expect(r.event).toMatchObject({ cloud: { account: { id: '111122223333' } }, file: { path: digest.digestS3Object, hash: { sha256: 'abcdef' } }, related: { hash: ['abcdef'] } });
    expect(r.vendorId).toBe(`digest:${digest.digestS3Object}`);
  });
});

describe('aws_cloudtrail Java map text', () => {
  it('orders keys like java.util.HashMap', () => {
    expect(hashMapOrder(['userName', 'policyArn'])).toEqual(['policyArn', 'userName']);
    expect(hashMapOrder(['MobileVersion', 'LoginTo', 'MFAUsed'])).toEqual(['LoginTo', 'MobileVersion', 'MFAUsed']);
    // 13 keys make the table grow to 32 buckets.
    const many = Array.from({ length: 13 }, (_, i) => `k${i}`);
    expect(new Set(hashMapOrder(many))).toEqual(new Set(many));
  });

  it('prints nested maps, lists, numbers and booleans as Java does', () => {
    expect(javaText({ a: [1, 'x', { b: true }], c: null, d: '', e: {} })).toBe('{a=[1, x, {b=true}]}');
    expect(javaText({ f: 1.5, g: 1e-7, h: 2.5e21 })).toBe('{f=1.5, g=1.0E-7, h=2.5E21}');
    expect(javaText({ x: {} })).toBeUndefined();
  });
});

describe('aws_cloudtrail categories and entities', () => {
  it('categorizes like Elastic, and only the events Elastic lists', () => {
    expect(categorize('AuthorizeSecurityGroupIngress')).toEqual({ category: ['network'], type: ['access'] });
    expect(categorize('Converse')).toEqual({ category: ['api'], type: [] });
    expect(categorize('SomethingNew')).toEqual({ category: [], type: ['info'] });
    const ev = eventOf(normalize({ ...RECORD, eventSource: 'bedrock.amazonaws.com', eventName: 'Converse' }));
    expect((ev['event'] as { type?: unknown }).type).toBeUndefined();
  });

  it('takes the role issuer as the actor of AssumeRole and the account for SendCommand "*"', () => {
    const assume = entitiesOf({
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/r/s', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::1:role/r' } } },
      requestParameters: { roleArn: 'arn:aws:iam::1:role/target' },
    });
    expect(assume.actor).toBe('arn:aws:iam::1:role/r');
    expect(assume.targets).toEqual(['arn:aws:iam::1:role/target']);
    const send = entitiesOf({ eventSource: 'ssm.amazonaws.com', eventName: 'SendCommand', recipientAccountId: '123', requestParameters: { targets: [{ key: 'InstanceIds', values: ['*'] }] } });
    expect(send.targets).toEqual(['123']);
  });

  it('stops a list of ids at the first known one, as Elastic does', () => {
    const e = entitiesOf({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RevokeSecurityGroupIngress',
      requestParameters: { groupId: 'sg-1' },
      // Item 1: sg-1 is known already, so sgr-9 is never added. Item 2: no
      // referencedGroupInfo, so the list stops before sgr-2. (Rule ids still
      // reach related.entity as targets of AuthorizeSecurityGroup*.)
      responseElements: { securityGroupRuleSet: { items: [{ groupId: 'sg-1', securityGroupRuleId: 'sgr-9' }, { groupId: 'sg-2', securityGroupRuleId: 'sgr-2' }] } },
    });
    expect(e.related).toEqual(['sg-1', 'sg-2']);
    expect(targetKind('i-0abc')).toBe('host');
    expect(targetKind('arn:aws:iam::1:user/bob')).toBe('user');
    expect(targetKind('123456789012')).toBe('generic');
  });
});

describe('entity paths', () => {
  it('reads plain and fanned-out paths, skipping what is not a non-empty string', () => {
    const rec = { a: { b: 'x', n: 3, e: '' }, l: [{ id: 'i-1' }, { id: 2 }, { other: 'y' }, 'bare', { id: 'i-2' }], nested: [{ s: [{ v: 'p' }, { v: 'q' }] }] };
    expect(stringAt(rec, 'a.b')).toBe('x');
    expect(stringAt(rec, 'a.n')).toBeUndefined();
    expect(stringAt(rec, 'a.e')).toBeUndefined();
    expect(stringAt(rec, 'a.b.c')).toBeUndefined();
    expect(stringAt(rec, 'l[].id')).toBe('i-1');
    expect(valuesAt(rec, 'l[].id')).toEqual(['i-1', 2, 'i-2']);
    expect(valuesAt(rec, 'missing.x')).toEqual([]);
    expect(firstAt(rec, 'a.n')).toBe(3);
    const set = new Set<string>();
    addStringsAt(set, rec, 'nested[].s[].v');
    addStringsAt(set, rec, 'l[].id');
    addStringsAt(set, rec, 'a.b');
    expect([...set]).toEqual(['p', 'q', 'i-1', 'i-2', 'x']);
  });
});

/** One record through the batch stage: each document as dataset:action, each dead letter as written. */
function prepared(text: string): Omit<PreparedOutcome, 'ids'> {
  const { actions, dead } = prepareRecords('aws_cloudtrail', [text]);
  return { actions, dead };
}

describe('aws_cloudtrail: every record is indexed or dead-lettered (issue 9)', () => {
  const stopLogging = {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/mallory', accountId: '111122223333', userName: 'mallory' },
    eventTime: '2024-05-01T10:00:00Z',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main' },
    responseElements: null,
    requestID: 'req-stop-1',
    eventID: 'ev-stop-1',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };

  it('indexes a StopLogging record that also carries an empty "Records" key', () => {
    expect(prepared(JSON.stringify({ ...stopLogging, Records: [] }))).toEqual({ actions: ['aws.cloudtrail:StopLogging'], dead: [] });
  });

  it('dead-letters a log file with no Records', () => {
    expect(prepared('{"Records":[]}')).toEqual({ actions: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path: '$.Records', eventIndex: 0 }] });
  });

  it('dead-letters a CloudWatch Logs payload without log events, and a control message', () => {
    const empty = { messageType: 'DATA_MESSAGE', owner: '111122223333', logGroup: 'trail', logStream: 's', subscriptionFilters: ['f'], logEvents: [] };
    expect(prepared(JSON.stringify(empty))).toEqual({ actions: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path: '$.logEvents', eventIndex: 0 }] });
    const control = { messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] };
    expect(prepared(JSON.stringify(control))).toEqual({ actions: [], dead: [{ stage: 'decode', code: 'SIFT_DECODE_NO_EVENTS', path: '$.messageType', eventIndex: 0 }] });
  });

  it('dead-letters each non-object member of Records and indexes the others', () => {
    expect(prepared(JSON.stringify({ Records: [1, stopLogging] }))).toEqual({
      actions: ['aws.cloudtrail:StopLogging'],
      dead: [{ stage: 'normalize', code: 'SIFT_NORMALIZE_NOT_OBJECT', path: '$', eventIndex: 0 }],
    });
  });
});
