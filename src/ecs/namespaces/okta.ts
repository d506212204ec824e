import type { FieldDef } from '../catalog.js';
import { prefixed, type Namespace } from '../namespace.js';

/**
 * The `okta.*` namespace, following the field names of Elastic's Okta
 * integration (packages/okta, data_stream system) so that Kibana content built
 * for it works on Sift's documents. Open-ended parts (targets, the IP chain,
 * debug data) are `flattened`, so that no vendor key can blow up the mapping.
 */
const o = prefixed('okta');

const OKTA_FIELDS: readonly FieldDef[] = [
  o('uuid', 'keyword', 'Unique id of the System Log event.'),
  o('event_type', 'keyword', 'Okta event type, e.g. user.session.start.'),
  o('version', 'keyword', 'Event schema version.'),
  o('severity', 'keyword', 'DEBUG, INFO, WARN or ERROR.'),
  o('display_message', 'keyword', 'Human-readable description from Okta.'),
  o('actor.id', 'keyword', 'Id of the actor.'),
  o('actor.type', 'keyword', 'Type of the actor (User, PublicClientApp, …).'),
  o('actor.alternate_id', 'keyword', 'Alternate id (usually the login) of the actor.'),
  o('actor.display_name', 'keyword', 'Display name of the actor.'),
  o('client.id', 'keyword', 'Client id.'),
  o('client.ip', 'ip', 'Client IP address.'),
  o('client.device', 'keyword', 'Client device type.'),
  o('client.zone', 'keyword', 'Network zone of the client.'),
  o('client.user_agent.browser', 'keyword', 'Browser, as classified by Okta.'),
  o('client.user_agent.os', 'keyword', 'Operating system, as classified by Okta.'),
  o('client.user_agent.raw_user_agent', 'keyword', 'Raw User-Agent header.'),
  o('outcome.result', 'keyword', 'SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE or UNKNOWN.'),
  o('outcome.reason', 'keyword', 'Why the outcome happened.'),
  o('transaction.id', 'keyword', 'Transaction id.'),
  o('transaction.type', 'keyword', 'WEB or JOB.'),
  o('transaction.detail.request_api_token_id', 'keyword', 'Id of the API token used for the request.'),
  o('transaction.detail.root_api_token_id', 'keyword', 'Id of the root API token.'),
  o('authentication_context.authentication_provider', 'keyword', 'Authentication provider.'),
  o('authentication_context.authentication_step', 'long', 'Step in the authentication flow.'),
  o('authentication_context.credential_provider', 'keyword', 'Credential provider.'),
  o('authentication_context.credential_type', 'keyword', 'Credential type.'),
  o('authentication_context.external_session_id', 'keyword', 'External session id.'),
  o('authentication_context.interface', 'keyword', 'Interface used.'),
  o('authentication_context.issuer.id', 'keyword', 'Issuer id.'),
  o('authentication_context.issuer.type', 'keyword', 'Issuer type.'),
  o('security_context.as.number', 'long', 'Autonomous system number.'),
  o('security_context.as.organization.name', 'keyword', 'Autonomous system organization.'),
  o('security_context.domain', 'keyword', 'Domain of the client.'),
  o('security_context.is_proxy', 'boolean', 'Whether the client is a known proxy.'),
  o('security_context.isp', 'keyword', 'Internet service provider.'),
  o('debug_context.debug_data.request_id', 'keyword', 'Okta request id.'),
  o('debug_context.debug_data.request_uri', 'keyword', 'Request URI.'),
  o('debug_context.debug_data.url', 'keyword', 'Request URL.'),
  o('debug_context.debug_data.threat_suspected', 'keyword', 'Whether Okta suspected a threat.'),
  o('debug_context.debug_data.device_fingerprint', 'keyword', 'Device fingerprint.'),
  o('debug_context.debug_data.dt_hash', 'keyword', 'Device token hash.'),
  o('debug_context.debug_data.risk_level', 'keyword', 'Risk level from Okta risk scoring (logOnlySecurityData.risk.level).'),
  o('debug_context.debug_data.risk_reasons', 'keyword', 'Why Okta scored the risk.', true),
  o('debug_context.debug_data.risk_behaviors', 'keyword', 'Behaviors Okta detected as POSITIVE (new device, velocity, …).', true),
  o('debug_context.debug_data.factor', 'keyword', 'The MFA factor used.'),
  o('debug_context.debug_data.flattened', 'flattened', 'Every debug data key, as Okta sent it.'),
  o('request.ip_chain', 'flattened', 'The chain of IP addresses the request passed through.'),
  o('target', 'flattened', 'The entities the action was performed on.'),
];

export const OKTA: Namespace = { vendor: 'okta', datasets: ['okta.system'], fields: OKTA_FIELDS };
