import type { Prepared } from '../../ingest/index.js';
import type { DetectInput } from './types.js';

/**
 * A prepared batch's documents as detection inputs: each with its `_id`, its
 * position (record offset, index in the record) and its future flag. The one
 * mapping `sift run`, `sift replay` and `sift rules test` share.
 */
export function detectInputs(prepared: Prepared): DetectInput[] {
  const inputs: DetectInput[] = [];
  const { origins, docs } = prepared;
  for (let i = 0; i < origins.length; i++) {
    const o = origins[i];
    const doc = docs[i];
    if (o === undefined || doc === undefined) continue;
    inputs.push({ event: o.event, id: doc.id, offset: o.record.offset, index: o.eventIndex, future: o.future });
  }
  return inputs;
}
