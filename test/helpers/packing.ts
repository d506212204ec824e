/**
 * Several raw vendor events in ONE Kafka record, in the envelope the vendor
 * itself delivers batches in (each link is the vendor's documentation of
 * that shape), or NDJSON when the events do not all fit it. The events keep
 * their order: the record's event index is their arrival order.
 */
import type { Json } from './rule-cases.js';

type Obj = { [key: string]: Json };

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasAny = (o: Obj, keys: readonly string[]): boolean => keys.some((k) => Object.hasOwn(o, k));

/** One JSON document per line: every source's decoder splits NDJSON. */
export function ndjson(events: readonly Json[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n');
}

/**
 * CloudTrail S3 log file `{"Records":[…]}`
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html);
 * a case event that is itself a log file contributes its records.
 */
function cloudTrailFile(events: readonly Json[]): string | undefined {
  const records: Json[] = [];
  for (const e of events) {
    if (!isObj(e) || hasAny(e, ['detail-type', 'messageType', 'digestS3Object'])) return undefined;
    const inner = e['Records'];
    if (inner === undefined) records.push(e);
    else if (Array.isArray(inner)) records.push(...inner);
    else return undefined;
  }
  return JSON.stringify({ Records: records });
}

/**
 * Pub/Sub pull response `{"receivedMessages":[{"ackId","message":{"data":<base64 LogEntry>,…}}]}`
 * (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/pull).
 */
export function pubSubPull(entries: readonly Json[], publishTime = '2026-01-01T00:00:00.000Z'): string | undefined {
  if (!entries.every((e) => isObj(e) && !hasAny(e, ['message', 'data', 'messages', 'receivedMessages', 'entries']))) return undefined;
  const receivedMessages = entries.map((e, i) => ({
    ackId: `ack-${i}`,
    message: { data: Buffer.from(JSON.stringify(e)).toString('base64'), messageId: `${1000 + i}`, publishTime },
  }));
  return JSON.stringify({ receivedMessages });
}

/**
 * Reports API `activities.list` page `{"kind":"admin#reports#activities","items":[…]}`
 * (https://developers.google.com/workspace/admin/reports/reference/rest/v1/activities/list).
 */
export function workspacePage(activities: readonly Json[]): string | undefined {
  if (!activities.every((a) => isObj(a) && a['kind'] === 'admin#reports#activity')) return undefined;
  return JSON.stringify({ kind: 'admin#reports#activities', items: activities });
}

/** Slack Audit Logs API page `{"entries":[…]}` (https://api.slack.com/admins/audit-logs-call). */
function slackPage(events: readonly Json[]): string | undefined {
  if (!events.every((e) => isObj(e) && !Object.hasOwn(e, 'entries'))) return undefined;
  return JSON.stringify({ entries: events, response_metadata: { next_cursor: '' } });
}

/** A JSON array: a page of Okta's System Log API or GitHub's audit-log REST API. */
function jsonArray(events: readonly Json[]): string | undefined {
  return events.every(isObj) ? JSON.stringify(events) : undefined;
}

/** Zoom Report API `GET /report/operationlogs` page `{"operation_logs":[…]}`. */
function zoomOperationLogs(events: readonly Json[]): string | undefined {
  if (!events.every((e) => isObj(e) && hasAny(e, ['operation_detail', 'category_type']) && !Object.hasOwn(e, 'operation_logs'))) return undefined;
  return JSON.stringify({ from: '', to: '', page_size: events.length, next_page_token: '', operation_logs: events });
}

const ENVELOPES: Readonly<Record<string, (events: readonly Json[]) => string | undefined>> = {
  aws_cloudtrail: cloudTrailFile,
  gcp_audit: (events) => pubSubPull(events),
  google_workspace: workspacePage,
  slack: slackPage,
  okta: jsonArray,
  github: jsonArray,
  zoom: zoomOperationLogs,
};

/** The events as one record, and which shape it took (for log lines). */
export function pack(vendor: string, events: readonly Json[]): { value: string; shape: string } {
  const envelope = ENVELOPES[vendor]?.(events);
  return envelope === undefined ? { value: ndjson(events), shape: 'ndjson' } : { value: envelope, shape: `${vendor} envelope` };
}
