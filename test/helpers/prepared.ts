import { planSource, prepareBatch } from '../../src/pipeline/index.js';

export interface PreparedOutcome {
  /** Each document as `dataset:action`. */
  actions: string[];
  ids: string[];
  dead: { stage: string; code: string; path?: string; eventIndex?: number }[];
}

/** Records (one per text, at offsets 0, 1, …) of one vendor through the batch stage of `sift run`. */
export function prepareRecords(vendor: string, texts: readonly string[]): PreparedOutcome {
  const plan = planSource(vendor, 'default');
  if (!plan) throw new Error(`no ${vendor} plan`);
  const records = texts.map((text, i) => ({ topic: `sift.raw.${vendor}`, partition: 0, offset: String(i), timestamp: '1704067200000', key: null, value: Buffer.from(text) }));
  const out = prepareBatch(records, plan, { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false });
  return {
    actions: out.docs.map((d) => {
      const e = (JSON.parse(d.source) as { event: { dataset: string; action: string } }).event;
      return `${e.dataset}:${e.action}`;
    }),
    ids: out.docs.map((d) => d.id),
    dead: out.dead.map((d) => ({ stage: d.stage, code: d.code, path: d.path, eventIndex: d.eventIndex })),
  };
}
