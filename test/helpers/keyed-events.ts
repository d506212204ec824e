/**
 * Raw vendor events for the keyed-detection acceptance test, in the shapes the
 * vendors document, with the fields a real tenant sends (not only those Sift
 * reads), and a producer that places each record on an explicit partition, as
 * a round-robin shipper does.
 *
 * - Okta System Log LogEvent: https://developer.okta.com/docs/reference/api/system-log/#logevent-object
 *   (event types: https://developer.okta.com/docs/reference/api/event-types/).
 * - CloudTrail record: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
 *   userIdentity of an IAM Identity Center (SSO) session:
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import type { Json } from './rule-cases.js';
import { kafka, waitFor } from './stack.js';

const ACCOUNT = '123456789012';

export interface OktaOpts {
  readonly uuid: string;
  readonly at: string;
  readonly user: string;
  readonly ip: string;
  readonly eventType: string;
  readonly result: 'SUCCESS' | 'FAILURE' | 'ALLOW';
  readonly displayMessage: string;
  readonly legacyEventType?: string;
  readonly reason?: string;
  readonly target?: Json;
}

/** One Okta LogEvent, as `GET /api/v1/logs` returns it. */
export function oktaLogEvent(o: OktaOpts): Json {
  const local = o.user.split('@')[0] ?? o.user;
  const geo = { city: 'Frankfurt am Main', state: 'Hesse', country: 'Germany', postalCode: '60313', geolocation: { lat: 50.1109, lon: 8.6821 } };
  return {
    actor: { id: `00u${local}1a2b3c4d5e6f7`, type: 'User', alternateId: o.user, displayName: local.charAt(0).toUpperCase() + local.slice(1), detailEntry: null },
    client: {
      userAgent: { rawUserAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', os: 'Linux', browser: 'FIREFOX' },
      zone: 'null',
      device: 'Computer',
      id: null,
      ipAddress: o.ip,
      geographicalContext: geo,
    },
    device: null,
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: `102${o.uuid.slice(0, 8)}` },
    displayMessage: o.displayMessage,
    eventType: o.eventType,
    outcome: { result: o.result, reason: o.reason ?? null },
    published: o.at,
    securityContext: { asNumber: 64496, asOrg: 'example transit', isp: 'example isp', domain: 'example.net', isProxy: false },
    severity: o.result === 'FAILURE' ? 'WARN' : 'INFO',
    debugContext: { debugData: { requestId: `req-${o.uuid}`, requestUri: '/idp/idx/identify', url: '/idp/idx/identify?' } },
    legacyEventType: o.legacyEventType ?? null,
    transaction: { type: 'WEB', id: `tx-${o.uuid}`, detail: {} },
    uuid: o.uuid,
    version: '0',
    request: { ipChain: [{ ip: o.ip, geographicalContext: geo, version: 'V4', source: null }] },
    target: o.target ?? null,
  };
}

/** `user.session.start`: a sign-in to Okta, failed with INVALID_CREDENTIALS or successful. */
export function oktaSignIn(uuid: string, at: string, user: string, ip: string, result: 'SUCCESS' | 'FAILURE'): Json {
  return oktaLogEvent({
    uuid,
    at,
    user,
    ip,
    eventType: 'user.session.start',
    result,
    displayMessage: 'User login to Okta',
    legacyEventType: result === 'FAILURE' ? 'core.user_auth.login_failed' : 'core.user_auth.login_success',
    ...(result === 'FAILURE' ? { reason: 'INVALID_CREDENTIALS' } : {}),
  });
}

/** An IAM Identity Center (AWS SSO) permission-set session: the role session is named after the person's email. */
export function ssoSession(email: string, startedAt: string): Json {
  const role = 'AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b';
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEID4SSOADMIN:${email}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${email}`,
    accountId: ACCOUNT,
    accessKeyId: `ASIA${email.split('@')[0]?.toUpperCase().padEnd(16, 'X')}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID4SSOADMIN', arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${role}`, accountId: ACCOUNT, userName: role },
      attributes: { creationDate: startedAt, mfaAuthenticated: 'false' },
    },
  };
}

/** A long-lived IAM user (an automation account): no email anywhere. */
export function iamUser(name: string): Json {
  return { type: 'IAMUser', principalId: `AIDA${name.toUpperCase().replace(/[^A-Z]/g, '').padEnd(17, 'Q')}`, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLEBOTKEY001', userName: name };
}

/** One management-event CloudTrail record. */
export function cloudTrailRecord(o: {
  readonly eventID: string;
  readonly at: string;
  readonly identity: Json;
  readonly eventSource: string;
  readonly eventName: string;
  readonly ip: string;
  readonly readOnly: boolean;
  readonly requestParameters: Json;
  readonly responseElements: Json;
}): Json {
  return {
    eventVersion: '1.09',
    userIdentity: o.identity,
    eventTime: o.at,
    eventSource: o.eventSource,
    eventName: o.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: o.ip,
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe sid/ad6ac1b5d3d4 md/prompt#off command/iam',
    requestParameters: o.requestParameters,
    responseElements: o.responseElements,
    requestID: `${o.eventID.slice(0, 8)}-1111-4c2d-9e3f-0a1b2c3d4e5f`,
    eventID: o.eventID,
    readOnly: o.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${o.eventSource.split('.')[0] ?? 'iam'}.amazonaws.com` },
  };
}

/**
 * Produces `records[i]` to partition `i % partitions` of its topic, once
 * (idempotent producer: a retried request must not write a record twice),
 * and checks every partition then holds exactly its share.
 */
export async function produceRoundRobin(batches: readonly { topic: string; records: readonly string[] }[], partitions: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: batches.map((b) => ({ topic: b.topic, messages: b.records.map((value, i) => ({ partition: i % partitions, value })) })),
    });
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const b of batches) {
      for (const p of await admin.fetchTopicOffsets(b.topic)) {
        const want = b.records.filter((_, i) => i % partitions === p.partition).length;
        if (Number(p.high) !== want) throw new Error(`${b.topic}[${p.partition}] holds ${p.high} records, not the ${want} produced to it`);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Reads `expected` records of a topic from the beginning: their keys (text) and partitions. */
export async function readKeyed(topic: string, expected: number, timeoutMs = 15_000): Promise<{ key: string; partition: number }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  const out: { key: string; partition: number }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    // Source markers (key @mark, docs/keyed-order.md) are not events.
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const key = message.key?.toString() ?? '';
        if (key !== '@mark') out.push({ key, partition });
      },
    });
    await waitFor(() => out.length >= expected, timeoutMs, `reading ${expected} records from ${topic}`);
    // A moment more, so that records beyond the expected number are seen too.
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    await consumer.disconnect();
  }
  return out;
}
