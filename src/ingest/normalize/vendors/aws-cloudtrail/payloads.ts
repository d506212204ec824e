/**
 * The service-specific parts of a CloudTrail record (requestParameters,
 * responseElements, additionalEventData, serviceEventDetails, resources,
 * insightDetails), kept the way Elastic's AWS integration keeps them: each
 * object once as text (aws.cloudtrail.request_parameters, …) and once as a
 * `flattened` object (aws.cloudtrail.flattened.request_parameters, …), both
 * without empty values.
 */
import type { JsonObject } from '../../../../ecs/index.js';
import { nestingExceeds } from '../../../decode/index.js';
import { isObj, type Obj } from '../../accessors.js';
import { dropEmpty, javaText } from './java-text.js';
import { asJson, compact, keywordOf } from './util.js';

/** Same bound as the record's default `pipeline.max_depth`. */
const MAX_EMBEDDED_DEPTH = 64;

/** Elastic keeps the flattened copy only below Lucene's term size limit. */
const MAX_TEXT = 32766;

/** Athena/Glue exports carry these objects as JSON text. */
function asObjectValue(v: unknown): unknown {
  if (typeof v !== 'string' || !v.startsWith('{')) return v;
  // JSON inside a string escapes the record's depth check: check it here.
  if (nestingExceeds(Buffer.from(v), MAX_EMBEDDED_DEPTH)) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

interface Part {
  readonly text: string | undefined;
  /** The value without empty members. */
  readonly value: unknown;
  /** The same, when small enough for the flattened copy. */
  readonly flat: unknown;
}

function part(raw: unknown): Part {
  const v = asObjectValue(raw);
  const text = typeof raw === 'string' ? (raw === '' ? undefined : raw) : javaText(v);
  const value = dropEmpty(v);
  // A flattened field holds an object (or a list of them), never a bare scalar.
  const flat = typeof value === 'object' && text !== undefined && text.length < MAX_TEXT ? value : undefined;
  return { text, value, flat };
}

/**
 * `resources[]` without duplicates (same ARN, account and type), with
 * Elastic's key names (arn, account_id).
 */
function resourcesOf(v: unknown): JsonObject[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const unique = new Map<string, JsonObject>();
  for (const item of v) {
    const clean = dropEmpty(item);
    if (!isObj(clean)) continue;
    const out: JsonObject = {};
    for (const key of Object.keys(clean)) {
      const name = key === 'ARN' ? 'arn' : key === 'accountId' ? 'account_id' : key;
      out[name] = asJson(clean[key]);
    }
    const k = `${keywordOf(out['arn']) ?? ''}_${keywordOf(out['account_id']) ?? ''}_${keywordOf(out['type']) ?? ''}`;
    unique.set(k, out);
  }
  return unique.size > 0 ? [...unique.values()] : undefined;
}

/** aws.cloudtrail.console_login.additional_eventdata of a ConsoleLogin event. */
function consoleLoginOf(additional: unknown): JsonObject | undefined {
  if (!isObj(additional)) return undefined;
  const mobile = additional['MobileVersion'];
  const mfa = additional['MFAUsed'];
  return compact({
    mobile_version: mobile === undefined ? undefined : mobile !== 'No',
    login_to: keywordOf(additional['LoginTo']),
    mfa_used: mfa === undefined ? undefined : mfa !== 'No',
  });
}

export interface Payloads {
  /** Members of aws.cloudtrail.* (text forms, resources, console_login). */
  readonly fields: JsonObject;
  /** aws.cloudtrail.flattened */
  readonly flattened: JsonObject | undefined;
  /** The swept requestParameters / responseElements, for ECS fields read from them. */
  readonly request: Obj | undefined;
  readonly response: Obj | undefined;
}

export function payloadsOf(rec: Obj, eventName: string | undefined): Payloads {
  const request = part(rec['requestParameters']);
  const response = part(rec['responseElements']);
  const additional = part(rec['additionalEventData']);
  const service = part(rec['serviceEventDetails']);
  const insight = dropEmpty(rec['insightDetails']);
  return {
    fields: {
      request_parameters: request.text,
      response_elements: response.text,
      additional_eventdata: additional.text,
      service_event_details: service.text,
      resources: resourcesOf(rec['resources']),
      console_login: eventName === 'ConsoleLogin' ? compact({ additional_eventdata: consoleLoginOf(additional.value) }) : undefined,
    },
    flattened: compact({
      request_parameters: asJson(request.flat),
      response_elements: asJson(response.flat),
      additional_eventdata: asJson(additional.flat),
      service_event_details: asJson(service.flat),
      insight_details: asJson(insight),
    }),
    request: isObj(request.value) ? request.value : undefined,
    response: isObj(response.value) ? response.value : undefined,
  };
}
