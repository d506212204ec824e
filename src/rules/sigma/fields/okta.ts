/**
 * Okta System Log (LogEvent, https://developer.okta.com/docs/reference/api/system-log/)
 * field names as Sigma rules write them → Sift's `okta.system` fields.
 *
 * Every row comes from Sift's normalizer, src/ingest/normalize/vendors/okta/
 * (system.ts for the envelope, debug.ts for debugData, target.ts for
 * targets), which follows Elastic's Okta integration; docs/sources/okta.md
 * has the same table for readers. test/unit/rules/sigma-fields.test.ts
 * checks each row by normalizing a raw event that carries the field.
 */
import { RestCase, type FieldTable } from './types.js';

const DEVICE_KEYS = [
  'id',
  'name',
  'os_platform',
  'os_version',
  'managed',
  'registered',
  'jailbreak',
  'secure_hardware_present',
  'disk_encryption_type',
  'screen_lock_type',
] as const;

/** debugData keys Sift parses from text into objects: Sigma's string tests on the text do not carry over. */
const PARSED_TEXT = 'Sift parses this text into an object (okta.debug_context.debug_data.*), so string tests on the raw text do not carry over';

export const OKTA_FIELDS: FieldTable = {
  exact: {
    eventType: 'event.action',
    legacyEventType: { none: 'Sift does not keep legacyEventType, which Okta deprecated' },
    displayMessage: 'okta.display_message',
    uuid: 'event.id',
    published: '@timestamp',
    severity: 'okta.severity',
    version: 'okta.version',
    'actor.id': 'okta.actor.id',
    'actor.type': 'okta.actor.type',
    'actor.alternateId': 'okta.actor.alternate_id',
    'actor.displayName': 'okta.actor.display_name',
    'client.id': 'okta.client.id',
    'client.ipAddress': 'okta.client.ip',
    'client.device': 'okta.client.device',
    'client.zone': 'okta.client.zone',
    'client.userAgent.rawUserAgent': 'okta.client.user_agent.raw_user_agent',
    'client.userAgent.browser': 'okta.client.user_agent.browser',
    'client.userAgent.os': 'okta.client.user_agent.os',
    // client.geographicalContext → client.geo.* (system.ts geoOf).
    'client.geographicalContext.city': 'client.geo.city_name',
    'client.geographicalContext.country': 'client.geo.country_name',
    'client.geographicalContext.state': 'client.geo.region_name',
    'client.geographicalContext.postalCode': 'client.geo.postal_code',
    'outcome.result': 'okta.outcome.result',
    'outcome.reason': 'okta.outcome.reason',
    'securityContext.asNumber': 'okta.security_context.as.number',
    'securityContext.asOrg': 'okta.security_context.as.organization.name',
    'securityContext.isp': 'okta.security_context.isp',
    'securityContext.domain': 'okta.security_context.domain',
    'securityContext.isProxy': 'okta.security_context.is_proxy',
    // system.ts: authentication_provider falls back to `interface` when no provider is sent (as Elastic).
    'authenticationContext.authenticationProvider': 'okta.authentication_context.authentication_provider',
    'authenticationContext.authenticationStep': 'okta.authentication_context.authentication_step',
    'authenticationContext.credentialProvider': 'okta.authentication_context.credential_provider',
    'authenticationContext.credentialType': 'okta.authentication_context.credential_type',
    'authenticationContext.externalSessionId': 'okta.authentication_context.external_session_id',
    'authenticationContext.rootSessionId': 'okta.authentication_context.root_session_id',
    'authenticationContext.interface': 'okta.authentication_context.interface',
    'authenticationContext.issuer.id': 'okta.authentication_context.issuer.id',
    'authenticationContext.issuer.type': 'okta.authentication_context.issuer.type',
    'transaction.id': 'okta.transaction.id',
    'transaction.type': 'okta.transaction.type',
    'transaction.detail.requestApiTokenId': 'okta.transaction.detail.request_api_token_id',
    'transaction.detail.rootApiTokenId': 'okta.transaction.detail.root_api_token_id',
    // debug.ts RENAMED: the keys Elastic renames to snake_case.
    'debugContext.debugData.requestId': 'okta.debug_context.debug_data.request_id',
    'debugContext.debugData.requestUri': 'okta.debug_context.debug_data.request_uri',
    'debugContext.debugData.url': 'okta.debug_context.debug_data.url',
    'debugContext.debugData.threatSuspected': 'okta.debug_context.debug_data.threat_suspected',
    'debugContext.debugData.deviceFingerprint': 'okta.debug_context.debug_data.device_fingerprint',
    'debugContext.debugData.dtHash': 'okta.debug_context.debug_data.dt_hash',
    'debugContext.debugData.factor': 'okta.debug_context.debug_data.factor',
    'debugContext.debugData.clientSecret': 'okta.debug_context.debug_data.client_secret',
    'debugContext.debugData.requestedScopes': 'okta.debug_context.debug_data.requested_scopes',
    'debugContext.debugData.grantedScopes': 'okta.debug_context.debug_data.granted_scopes',
    'debugContext.debugData.grantType': 'okta.debug_context.debug_data.grant_type',
    // debug.ts: Java-map and JSON strings, parsed.
    'debugContext.debugData.behaviors': { field: 'okta.debug_context.debug_data.flattened.behaviors', existsOnly: PARSED_TEXT },
    'debugContext.debugData.risk': { field: 'okta.debug_context.debug_data.flattened.risk', existsOnly: PARSED_TEXT },
    'debugContext.debugData.logOnlySecurityData': { field: 'okta.debug_context.debug_data.flattened.logOnlySecurityData', existsOnly: PARSED_TEXT },
    'debugContext.debugData.tunnels': { field: 'okta.debug_context.debug_data.flattened.tunnels', existsOnly: PARSED_TEXT },
    // target.ts: each target keeps its keys, alternateId/displayName renamed.
    'target.alternateId': 'okta.target.alternate_id',
    'target.displayName': 'okta.target.display_name',
    'target.detailEntry.methodTypeUsed': 'okta.target.detailEntry.methodTypeUsed',
    'target.detailEntry.methodUsedVerifiedProperties': 'okta.target.detailEntry.methodUsedVerifiedProperties',
    // system.ts deviceOf: the Okta Verify device, already in snake_case; only these keys are kept.
    ...Object.fromEntries(DEVICE_KEYS.map((k) => [`device.${k}`, `okta.device.${k}`])),
  },
  prefixes: [
    // debug.ts flattenedOf: every debugData key, as Okta sent it.
    { sigma: 'debugContext.debugData.', to: 'okta.debug_context.debug_data.flattened.' },
    { sigma: 'target.detailEntry.', to: { none: 'Sift keeps only methodTypeUsed and methodUsedVerifiedProperties of a target detailEntry' } },
    { sigma: 'target.', to: 'okta.target.' },
    { sigma: 'device.device_integrator.', to: 'okta.device.device_integrator.' },
    { sigma: 'device.', to: { none: `Sift keeps only these device keys: ${DEVICE_KEYS.join(', ')}` } },
    // system.ts: request.ipChain through snakeClean.
    { sigma: 'request.ipChain.', to: 'okta.request.ip_chain.', rest: RestCase.snake },
  ],
};
