import type { EcsEvent, JsonObject } from '../../ecs/index.js';
import { isObj } from './accessors.js';
import { parseUserAgent } from './user-agent.js';

/**
 * Shared enrichment after any vendor normalizer, as Elastic's `user_agent`
 * processor does for every integration: `user_agent.original` → name,
 * version, os.*, device.name. Pure and memoized (the same agents repeat).
 * A normalizer that already set `user_agent.name` is left alone.
 */
export function enrichUserAgent(event: EcsEvent): void {
  const ua = event['user_agent'];
  if (!isObj(ua) || typeof ua['original'] !== 'string' || ua['name'] !== undefined) return;
  const parsed = parseUserAgent(ua['original']);
  const target = ua as JsonObject;
  target['name'] = parsed.name;
  target['version'] = parsed.version;
  if (parsed.os && (parsed.os.name !== undefined || parsed.os.version !== undefined)) {
    // The parser's results are shared between calls: copy, never alias.
    target['os'] = { name: parsed.os.name, version: parsed.os.version, full: parsed.os.full };
  }
  if (parsed.device?.name !== undefined) target['device'] = { name: parsed.device.name };
}
