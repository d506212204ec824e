/**
 * AWS CloudTrail record → ECS (`aws.cloudtrail`).
 *
 * Vendor schema: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * (record eventVersion 1.0–1.11, management/data/insight events). Field names
 * and values follow Elastic's AWS integration (packages/aws, data stream
 * cloudtrail) so that Kibana content and rules written for it work on Sift's
 * documents.
 */
import type { EcsEvent, JsonObject } from '../../../../ecs/index.js';
import { ErrorCode, failure } from '../../../../shared/index.js';
import { bool, ip, isObj, obj, pushUnique, str, type Obj } from '../../accessors.js';
import { isoTimestamp } from '../../timestamp.js';
import type { NormalizeOptions, NormalizeResult } from '../../result.js';
import { categorize } from './categories.js';
import { DATASET, isDigest, normalizeDigest } from './digest.js';
import { entitiesOf } from './entities.js';
import { actorKind, targetKind, type EntityKind } from './entity-kinds.js';
import { identityOf } from './identity.js';
import { dropEmpty } from './java-text.js';
import { canonicalRecord } from './keys.js';
import { payloadsOf } from './payloads.js';
import { compact, keywordOf, list } from './util.js';

export { DATASET };

type Outcome = 'success' | 'failure' | 'unknown';

/** Elastic: an error code or message means failure; ConsoleLogin says so itself. */
function outcomeOf(rec: Obj, eventName: string | undefined, response: Obj | undefined): Outcome {
  if (eventName === 'ConsoleLogin') {
    const login = response?.['ConsoleLogin'];
    if (typeof login === 'string') {
      const lower = login.toLowerCase();
      return lower === 'success' || lower === 'failure' ? lower : 'unknown';
    }
  }
  return dropEmpty(rec['errorCode']) !== undefined || dropEmpty(rec['errorMessage']) !== undefined ? 'failure' : 'success';
}

/** "TLSv1.3" → protocol "tls", version "1.3" (a value without "v" is all version). */
function tlsOf(details: Obj | undefined): JsonObject | undefined {
  const raw = str(details, 'tlsVersion');
  // CloudTrail sometimes writes its own field name as a placeholder: no TLS data then.
  if (raw === 'tlsVersion') return undefined;
  const v = raw?.indexOf('v') ?? -1;
  return compact({
    version: raw === undefined ? undefined : v >= 0 ? raw.slice(v + 1) : raw,
    version_protocol: raw !== undefined && v >= 0 ? raw.slice(0, v).toLowerCase() : undefined,
    cipher: str(details, 'cipherSuite'),
    client: compact({ server_name: str(details, 'clientProvidedHostHeader') }),
  });
}

/** sourceIPAddress is an address, or the host name of the AWS service that called ("ec2.amazonaws.com"). */
const HOST_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

interface EntityFields {
  readonly actor: JsonObject | undefined;
  readonly target: JsonObject | undefined;
  readonly entity: JsonObject | undefined;
  readonly service: JsonObject | undefined;
  readonly host: JsonObject | undefined;
  /** user.entity and user.target.entity */
  readonly user: JsonObject | undefined;
  readonly userTarget: JsonObject | undefined;
  readonly related: string[];
}

/** actor/target entity ids, and their typed variants (user/host/service/entity). */
function entityFields(rec: Obj, identityType: string | undefined): EntityFields {
  const { actor, targets, related } = entitiesOf(rec);
  const byKind = (kind: EntityKind): string[] | undefined => list(targets.filter((t) => targetKind(t) === kind));
  const actorAs = (kind: EntityKind): string[] | undefined => (actor !== undefined && actorKind(actor, identityType) === kind ? [actor] : undefined);
  const ids = (id: string[] | undefined): JsonObject | undefined => compact({ id });
  return {
    actor: compact({ entity: ids(actor === undefined ? undefined : [actor]) }),
    target: compact({ entity: ids(list(targets)) }),
    entity: compact({ id: actorAs('generic'), target: ids(byKind('generic')) }),
    service: compact({ entity: ids(actorAs('service')), target: compact({ entity: ids(byKind('service')) }) }),
    host: compact({ entity: ids(actorAs('host')), target: compact({ entity: ids(byKind('host')) }) }),
    user: ids(actorAs('user')),
    userTarget: ids(byKind('user')),
    related: [...related],
  };
}

export function normalizeCloudTrail(raw: unknown, opts: NormalizeOptions): NormalizeResult {
  if (typeof raw === 'string') return failure(ErrorCode.NormalizeNotObject, 'CloudWatch Logs message is not a JSON CloudTrail record', '$.message');
  if (!isObj(raw)) return failure(ErrorCode.NormalizeNotObject, 'a CloudTrail record must be a JSON object', '$');
  const rec = canonicalRecord(raw);
  if (isDigest(rec)) return normalizeDigest(rec, opts);

  const eventTime = rec['eventTime'];
  if (eventTime === undefined || eventTime === null) return failure(ErrorCode.NormalizeNoTimestamp, 'CloudTrail record has no "eventTime"', '$.eventTime');
  const timestamp = typeof eventTime === 'string' ? isoTimestamp(eventTime) : undefined;
  if (timestamp === undefined) return failure(ErrorCode.NormalizeBadTimestamp, 'CloudTrail "eventTime" is not an ISO 8601 timestamp', '$.eventTime');

  const eventName = str(rec, 'eventName');
  const eventId = str(rec, 'eventID');
  const who = identityOf(rec);
  const payloads = payloadsOf(rec, eventName);
  const { request, response } = payloads;
  const cat = categorize(eventName);
  const entities = entityFields(rec, who.type);

  const address = str(rec, 'sourceIPAddress');
  const sourceIp = ip(rec, 'sourceIPAddress');
  const errorCode = keywordOf(rec['errorCode']);
  const errorMessage = keywordOf(rec['errorMessage']);
  const targetName = str(request, 'userName');
  const newName = str(request, 'newUserName');
  const targetId = str(obj(response, 'user'), 'userId');

  const relatedUser: string[] = [];
  pushUnique(relatedUser, targetName, newName, targetId, who.userId, who.userName);

  const event: EcsEvent = {
    '@timestamp': timestamp,
    event: {
      kind: 'event',
      dataset: DATASET,
      module: 'aws',
      provider: str(rec, 'eventSource'),
      action: eventName,
      id: eventId,
      outcome: outcomeOf(rec, eventName, response),
      category: list(cat.category),
      type: list(cat.type),
      original: opts.original,
    },
    cloud: compact({ provider: 'aws', region: str(rec, 'awsRegion'), account: compact({ id: who.accountId ?? str(rec, 'recipientAccountId') }) }),
    source: compact({ address, ip: sourceIp, domain: sourceIp === undefined && address !== undefined && HOST_NAME.test(address) ? address : undefined }),
    user_agent: compact({ original: str(rec, 'userAgent') }),
    user: compact({
      id: who.userId,
      name: who.userName,
      email: who.email,
      changes: compact({ name: newName }),
      target: compact({ id: targetId, name: targetName, entity: entities.userTarget }),
      entity: entities.user,
    }),
    group: compact({ id: str(obj(response, 'group'), 'groupId'), name: str(request, 'groupName') }),
    error: compact({ code: errorCode, message: errorMessage }),
    tls: tlsOf(obj(rec, 'tlsDetails')),
    actor: entities.actor,
    target: entities.target,
    entity: entities.entity,
    service: entities.service,
    host: entities.host,
    related: compact({
      user: list(relatedUser),
      ip: sourceIp === undefined ? undefined : [sourceIp],
      entity: list(entities.related),
    }),
    aws: {
      cloudtrail: {
        event_version: str(rec, 'eventVersion'),
        event_type: str(rec, 'eventType'),
        event_category: str(rec, 'eventCategory'),
        user_identity: who.fields,
        error_code: errorCode,
        error_message: errorMessage,
        request_id: str(rec, 'requestID'),
        api_version: str(rec, 'apiVersion'),
        management_event: keywordOf(rec['managementEvent']),
        read_only: bool(rec, 'readOnly'),
        recipient_account_id: str(rec, 'recipientAccountId'),
        shared_event_id: str(rec, 'sharedEventID') ?? str(rec, 'sharedEventId'),
        vpc_endpoint_id: str(rec, 'vpcEndpointId'),
        session_credential_from_console: keywordOf(rec['sessionCredentialFromConsole']),
        ...payloads.fields,
        flattened: payloads.flattened,
      },
    },
  };
  return { ok: true, event, vendorId: eventId };
}
