/**
 * Sizing window state for benchmarks and capacity planning. The durable size
 * is exact (what checkpoints write). Heap per window key has to be measured:
 * run node with --expose-gc, gc() and read process.memoryUsage().heapUsed,
 * evaluate N events that each open a new group (e.g. distinct user.name),
 * gc() again, and divide the heap growth by `partition.keys`. Keep the inputs
 * array alive across both readings so that only window state is counted.
 */
import type { PartitionEngine } from './types.js';

/** UTF-8 bytes of every live entry (key, value, offset) of a partition: its full checkpoint size. */
export function stateBytesEstimate(partition: PartitionEngine): number {
  let bytes = 0;
  for (const e of partition.snapshot()) {
    bytes += Buffer.byteLength(e.key) + (e.value === null ? 0 : Buffer.byteLength(e.value)) + (e.offset?.length ?? 0);
  }
  return bytes;
}
