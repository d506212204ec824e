/**
 * CloudTrail records exported through Athena / AWS Glue tables (and tools
 * reading them) have lower-cased column names: `eventtime`, `useridentity.
 * principalid`, … . This restores the record's documented camelCase names
 * where only the lower-cased one is present, so one normalizer reads both.
 * Records already in camelCase are returned as they are (no copy).
 */
import { isObj, type Obj } from '../../accessors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const TOP = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID',
  'eventType', 'apiVersion', 'managementEvent', 'readOnly', 'resources', 'recipientAccountId', 'serviceEventDetails',
  'sharedEventID', 'vpcEndpointId', 'vpcEndpointAccountId', 'eventCategory', 'addendum', 'sessionCredentialFromConsole',
  'edgeDeviceDetails', 'tlsDetails', 'insightDetails', 'sourceIdentity',
];
const USER_IDENTITY = ['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'userName', 'invokedBy', 'sessionContext', 'identityProvider', 'onBehalfOf', 'credentialId'];
const SESSION_CONTEXT = ['attributes', 'sessionIssuer', 'webIdFederationData', 'sourceIdentity', 'ec2RoleDelivery'];
const ATTRIBUTES = ['creationDate', 'mfaAuthenticated'];
const SESSION_ISSUER = ['type', 'principalId', 'arn', 'accountId', 'userName'];
const TLS = ['tlsVersion', 'cipherSuite', 'clientProvidedHostHeader'];

const lowerMap = (names: readonly string[]): ReadonlyMap<string, string> => new Map(names.map((n) => [n.toLowerCase(), n]));
const TOP_MAP = lowerMap(TOP);
const NESTED: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  ['userIdentity', lowerMap(USER_IDENTITY)],
  ['sessionContext', lowerMap(SESSION_CONTEXT)],
  ['attributes', lowerMap(ATTRIBUTES)],
  ['sessionIssuer', lowerMap(SESSION_ISSUER)],
  ['tlsDetails', lowerMap(TLS)],
]);

function renamed(o: Obj, names: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const canonical = names.get(key) ?? key;
    const name = canonical !== key && Object.hasOwn(o, canonical) ? key : canonical;
    const child = NESTED.get(name);
    const v = o[key];
    out[name] = child && isObj(v) ? renamed(v, child) : v;
  }
  return out;
}

/** The record with camelCase names, when it came with lower-cased ones. */
export function canonicalRecord(rec: Obj): Obj {
  if (Object.hasOwn(rec, 'eventTime') || !Object.hasOwn(rec, 'eventtime')) return rec;
  return renamed(rec, TOP_MAP);
}
