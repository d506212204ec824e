/**
 * A turn of the event loop for everything else (a macrotask, not a
 * microtask): long synchronous work cut into slices awaits this between them.
 * A 4 MiB fetch is ~2,500 Okta records, ~300 ms of CPU; without a turn nothing
 * else ran for that long: not the bulk response that frees the next request,
 * not the other partitions' fetches, not heartbeats, not a /metrics scrape
 * (event-loop lag p99 was ~450 ms at full speed).
 */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
