/**
 * Minimal raw vendor events in the shapes the vendors document, for tests
 * that need particular users, addresses and times. Each builder keeps only
 * what the vendor always sends plus what the test varies.
 */
import type { Json } from './rule-cases.js';

/**
 * A CloudTrail `ConsoleLogin` record
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html).
 */
export function consoleLogin(o: { id: string; at: string; ip: string; user: string; result: 'Success' | 'Failure' }): Json {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', principalId: `AIDA${o.user.toUpperCase()}`, arn: `arn:aws:iam::123456789012:user/${o.user}`, accountId: '123456789012', userName: o.user },
    eventTime: o.at.replace('.000Z', 'Z'),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: o.ip,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    requestParameters: null,
    responseElements: { ConsoleLogin: o.result },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    eventID: o.id,
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    ...(o.result === 'Failure' ? { errorMessage: 'Failed authentication' } : {}),
  };
}

/** An Okta System Log `user.session.start` LogEvent (https://developer.okta.com/docs/reference/api/system-log/#logevent-object). */
export function oktaSignIn(o: { uuid: string; at: string; user: string; ip: string; result: 'SUCCESS' | 'FAILURE' }): Json {
  return {
    uuid: o.uuid,
    published: o.at,
    eventType: 'user.session.start',
    version: '0',
    severity: o.result === 'FAILURE' ? 'WARN' : 'INFO',
    legacyEventType: o.result === 'FAILURE' ? 'core.user_auth.login_failed' : 'core.user_auth.login_success',
    displayMessage: 'User login to Okta',
    actor: { id: `00u${o.user.split('@')[0]}`, type: 'User', alternateId: o.user, displayName: o.user },
    client: { ipAddress: o.ip, userAgent: { rawUserAgent: 'Mozilla/5.0', os: 'Linux', browser: 'FIREFOX' }, zone: 'null', device: 'Computer' },
    outcome: o.result === 'FAILURE' ? { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } : { result: 'SUCCESS' },
    transaction: { type: 'WEB', id: `tx-${o.uuid}` },
  };
}

/** A Cloud Audit Logs admin-activity LogEntry (https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog). */
export function gcpActivity(o: { insertId: string; at: string; email: string; method: string; service: string; resource: string }): Json {
  return {
    insertId: o.insertId,
    logName: 'projects/sift-it/logs/cloudaudit.googleapis.com%2Factivity',
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: o.email },
      requestMetadata: { callerIp: '203.0.113.44', callerSuppliedUserAgent: 'google-cloud-sdk gcloud/480.0.0' },
      serviceName: o.service,
      methodName: o.method,
      resourceName: o.resource,
      status: {},
    },
    resource: { type: 'project', labels: { project_id: 'sift-it' } },
    severity: 'NOTICE',
    timestamp: o.at,
    receiveTimestamp: o.at,
  };
}

/**
 * A Reports API `login` activity (https://developers.google.com/workspace/admin/reports/v1/appendix/activity/login):
 * one sign-in, possibly several events (a challenge, then the success).
 */
export function workspaceLogin(o: { id: string; at: string; email: string; ip: string; events: readonly string[] }): Json {
  return {
    kind: 'admin#reports#activity',
    id: { time: o.at, uniqueQualifier: o.id, applicationName: 'login', customerId: 'C03az79cb' },
    // One numeric profile id per user, as the API gives (user.id).
    actor: { callerType: 'USER', email: o.email, profileId: `11451114731${[...o.email].reduce((n, c) => n + c.charCodeAt(0), 0)}` },
    ipAddress: o.ip,
    events: o.events.map((name) => ({ type: 'login', name, parameters: [{ name: 'login_type', value: 'google_password' }] })),
  };
}
