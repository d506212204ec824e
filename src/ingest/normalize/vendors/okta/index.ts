import { ErrorCode, failure, type Failure } from '../../../../shared/index.js';
import { isObj } from '../../accessors.js';
import type { Source } from '../../source.js';
import { normalizeOktaSystem } from './system.js';

const LOG_EVENT_KEYS = ['eventType', 'uuid', 'published', 'actor'] as const;

/**
 * Okta System Log: one LogEvent per record (arrays and NDJSON are split
 * before). An object with none of a LogEvent's identifying members is another
 * vendor's record on the wrong topic, and is refused as such.
 */
function explodeOkta(value: unknown): readonly unknown[] | Failure {
  if (isObj(value) && !LOG_EVENT_KEYS.some((k) => Object.hasOwn(value, k))) {
    return failure(ErrorCode.DecodeUnknownSource, 'not an Okta System Log LogEvent (no eventType, uuid, published or actor)');
  }
  return [value];
}

export const OKTA: Source = { vendor: 'okta', explode: explodeOkta, normalize: normalizeOktaSystem };
export { normalizeOktaSystem };
