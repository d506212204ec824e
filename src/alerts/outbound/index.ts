export { AddressClass, addressAllowed, classifyAddress, type AddressAllowance } from './address.js';
export {
  checkAddresses,
  checkTarget,
  checkUrl,
  hostAllowed,
  OutboundCode,
  OutboundError,
  policyIssues,
  resolveChecked,
  systemResolver,
  type OutboundPolicy,
  type ResolvedAddress,
  type Resolver,
} from './policy.js';
export { createOutboundClient, type OutboundClient, type OutboundClientOptions, type OutboundRequest } from './client.js';
// In shared/: config redaction (config check, logs) masks URLs the same way.
export { redactUrl, scrub, urlSecrets } from '../../shared/index.js';
