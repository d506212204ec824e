/**
 * Which vendor wrote a file of raw events, for `sift replay` without
 * `--source`. First the file name (exports are usually named after their
 * source), then the shape of the first decoded value: each vendor's documented
 * keys, checked from the most specific to the least, because several vendors
 * share generic names (`action`, `actor`, `event`).
 */

/**
 * File-name words → vendor id. Vendor-specific words first, so that
 * `slack-workspace.ndjson` is Slack and `gcp-workspace-audit.json` is not.
 */
const NAME_HINTS: readonly (readonly [RegExp, string])[] = [
  [/okta/, 'okta'],
  [/cloudtrail/, 'aws_cloudtrail'],
  [/github/, 'github'],
  [/gitlab/, 'gitlab'],
  [/slack/, 'slack'],
  [/zoom/, 'zoom'],
  [/google[-_]?workspace|gsuite|g[-_]suite/, 'google_workspace'],
  [/gcp|cloud[-_]?audit/, 'gcp_audit'],
  [/aws/, 'aws_cloudtrail'],
];

/** The file's name first, then its folders from the nearest up (`logs/okta/2024-06-01.ndjson`). */
export function vendorFromName(file: string): string | undefined {
  for (const part of file.toLowerCase().split(/[\\/]/).reverse()) {
    const hit = NAME_HINTS.find(([re]) => re.test(part));
    if (hit) return hit[1];
  }
  return undefined;
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const has = (o: Obj, ...keys: string[]): boolean => keys.some((k) => Object.hasOwn(o, k));

/** Ordered checks; the first that holds names the vendor. */
const SHAPES: readonly (readonly [string, (o: Obj) => boolean])[] = [
  ['gcp_audit', (o) => has(o, 'protoPayload', 'logName', 'logname') || (isObj(o['message']) && has(o['message'], 'data'))],
  ['aws_cloudtrail', (o) => has(o, 'eventSource', 'eventsource', 'Records', 'digestS3Object', 'logEvents') || (has(o, 'detail-type') && has(o, 'detail'))],
  ['okta', (o) => has(o, 'eventType') && has(o, 'uuid', 'published', 'actor')],
  ['google_workspace', (o) => (isObj(o['id']) && has(o['id'], 'applicationName')) || has(o, 'alertId') || (typeof o['kind'] === 'string' && o['kind'].startsWith('admin#reports'))],
  ['zoom', (o) => has(o, 'operation_detail', 'category_type', 'operation_logs', 'activity_logs', 'client_type') || (typeof o['event'] === 'string' && has(o, 'payload', 'event_ts'))],
  ['gitlab', (o) => has(o, 'author_id', 'entity_type', 'target_type', 'correlation_id')],
  ['slack', (o) => has(o, 'date_create', 'entries') || (isObj(o['actor']) && has(o, 'action'))],
  ['github', (o) => has(o, 'action') && (typeof o['actor'] === 'string' || has(o, '_document_id', 'actor_id', 'org', 'created_at'))],
];

/** The vendor whose documented shape `value` has (a JSON array: its first element), or undefined. */
export function sniffVendor(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (!isObj(first)) return undefined;
  return SHAPES.find(([, test]) => test(first))?.[0];
}
