/**
 * CloudTrail record fields (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
 * as Sigma rules write them → Sift's `aws.cloudtrail` fields.
 *
 * Rows come from Sift's normalizer, src/ingest/normalize/vendors/aws-cloudtrail/
 * (cloudtrail.ts for the record, identity.ts for userIdentity, payloads.ts
 * for the open-ended objects), which follows Elastic's AWS integration;
 * docs/sources/aws-cloudtrail.md has the same table for readers.
 * test/unit/rules/sigma-fields.test.ts normalizes a record per row to check it.
 */
import type { FieldTable } from './types.js';

/** user.name / cloud.account.id blend several CloudTrail members, so a test on one member would match others. */
const BLENDED = (ecs: string, members: string): { none: string } => ({
  none: `Sift's ${ecs} blends ${members}; no ECS field holds this member alone`,
});

export const AWS_CLOUDTRAIL_FIELDS: FieldTable = {
  exact: {
    eventName: 'event.action',
    eventSource: 'event.provider',
    eventID: 'event.id',
    eventTime: '@timestamp',
    eventType: 'aws.cloudtrail.event_type',
    eventVersion: 'aws.cloudtrail.event_version',
    eventCategory: 'aws.cloudtrail.event_category',
    awsRegion: 'cloud.region',
    recipientAccountId: 'aws.cloudtrail.recipient_account_id',
    // cloudtrail.ts: source.address is sourceIPAddress as written (an IP or
    // "AWS Internal" or a service host name); source.ip only when it is an IP.
    sourceIPAddress: { field: 'source.address', cidrField: 'source.ip' },
    userAgent: 'user_agent.original',
    errorCode: 'aws.cloudtrail.error_code',
    errorMessage: 'aws.cloudtrail.error_message',
    requestID: 'aws.cloudtrail.request_id',
    apiVersion: 'aws.cloudtrail.api_version',
    readOnly: 'aws.cloudtrail.read_only',
    managementEvent: 'aws.cloudtrail.management_event',
    sharedEventID: 'aws.cloudtrail.shared_event_id',
    vpcEndpointId: 'aws.cloudtrail.vpc_endpoint_id',
    sessionCredentialFromConsole: 'aws.cloudtrail.session_credential_from_console',
    'userIdentity.type': 'aws.cloudtrail.user_identity.type',
    'userIdentity.arn': 'aws.cloudtrail.user_identity.arn',
    'userIdentity.accessKeyId': 'aws.cloudtrail.user_identity.access_key_id',
    'userIdentity.invokedBy': 'aws.cloudtrail.user_identity.invoked_by',
    'userIdentity.principalId': BLENDED('user.id', 'principalId and, for Identity Center users, onBehalfOf.userId'),
    'userIdentity.userName': BLENDED('user.name', 'userName and, for assumed roles and federated users, sessionIssuer.userName'),
    'userIdentity.accountId': BLENDED('cloud.account.id', 'userIdentity.accountId and recipientAccountId'),
    'userIdentity.sessionContext.sessionIssuer.userName': BLENDED('user.name', 'userName and sessionIssuer.userName'),
    'userIdentity.sessionContext.sessionIssuer.type': 'aws.cloudtrail.user_identity.session_context.session_issuer.type',
    'userIdentity.sessionContext.sessionIssuer.arn': 'aws.cloudtrail.user_identity.session_context.session_issuer.arn',
    'userIdentity.sessionContext.sessionIssuer.principalId': 'aws.cloudtrail.user_identity.session_context.session_issuer.principal_id',
    'userIdentity.sessionContext.sessionIssuer.accountId': 'aws.cloudtrail.user_identity.session_context.session_issuer.account_id',
    'userIdentity.sessionContext.attributes.mfaAuthenticated': 'aws.cloudtrail.user_identity.session_context.mfa_authenticated',
    'userIdentity.sessionContext.attributes.creationDate': 'aws.cloudtrail.user_identity.session_context.creation_date',
    // payloads.ts: the whole object as Java-map text (`{bucketName=b, …}`), as Elastic keeps it.
    requestParameters: 'aws.cloudtrail.request_parameters',
    responseElements: 'aws.cloudtrail.response_elements',
    additionalEventData: 'aws.cloudtrail.additional_eventdata',
    serviceEventDetails: 'aws.cloudtrail.service_event_details',
    // payloads.ts resourcesOf: ARN → arn, accountId → account_id.
    'resources.ARN': 'aws.cloudtrail.resources.arn',
    'resources.accountId': 'aws.cloudtrail.resources.account_id',
    'resources.type': 'aws.cloudtrail.resources.type',
    'tlsDetails.cipherSuite': 'tls.cipher',
    'tlsDetails.clientProvidedHostHeader': 'tls.client.server_name',
    'tlsDetails.tlsVersion': { none: 'Sift splits tlsVersion into tls.version and tls.version_protocol ("TLSv1.3" → "1.3", "tls")' },
  },
  prefixes: [
    // payloads.ts: the same objects, flattened, keys as AWS sent them.
    { sigma: 'requestParameters.', to: 'aws.cloudtrail.flattened.request_parameters.' },
    { sigma: 'responseElements.', to: 'aws.cloudtrail.flattened.response_elements.' },
    { sigma: 'additionalEventData.', to: 'aws.cloudtrail.flattened.additional_eventdata.' },
    { sigma: 'serviceEventDetails.', to: 'aws.cloudtrail.flattened.service_event_details.' },
    { sigma: 'insightDetails.', to: 'aws.cloudtrail.flattened.insight_details.' },
  ],
};
