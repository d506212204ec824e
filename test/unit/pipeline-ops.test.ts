// The pipeline-health documents of one batch (src/pipeline/ops.ts). Every
// expected document is written out by hand from the batch described above it.
import { describe, expect, it } from 'vitest';
import { opsDocs, type OpsBatch } from '../../src/pipeline/ops.js';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const at = (iso: string): number => Date.parse(iso);

describe('opsDocs', () => {
  it('writes one batch document per dataset: indexed events, and lag from the newest indexed, non-future event', () => {
    const batch: OpsBatch = {
      topic: 'raw.gws',
      partition: 3,
      firstOffset: '120',
      now: NOW,
      traces: [
        { dataset: 'google_workspace.login', time: at('2024-05-01T11:59:00.000Z'), future: false },
        { dataset: 'google_workspace.admin', time: at('2024-05-01T11:00:00.000Z'), future: false },
        // Newest login, but refused by Elasticsearch: not indexed, no lag from it.
        { dataset: 'google_workspace.login', time: at('2024-05-01T11:59:50.000Z'), future: false },
        // Future-dated: indexed (counted) but not the newest time.
        { dataset: 'google_workspace.login', time: at('2024-05-03T00:00:00.000Z'), future: true },
        { dataset: 'google_workspace.login', time: at('2024-05-01T11:59:30.000Z'), future: false },
      ],
      rejected: new Set([2]),
      dead: [],
    };
    expect(opsDocs(batch)).toEqual([
      {
        id: 'raw.gws/3/120/batch/google_workspace.login',
        source: {
          '@timestamp': '2024-05-01T12:00:00.000Z',
          event: { dataset: 'google_workspace.login' },
          sift: { ops: { kind: 'batch', topic: 'raw.gws', partition: 3, events: 3, lag_ms: 30_000 } },
        },
      },
      {
        id: 'raw.gws/3/120/batch/google_workspace.admin',
        source: {
          '@timestamp': '2024-05-01T12:00:00.000Z',
          event: { dataset: 'google_workspace.admin' },
          sift: { ops: { kind: 'batch', topic: 'raw.gws', partition: 3, events: 1, lag_ms: 3_600_000 } },
        },
      },
    ]);
  });

  it('gives no lag to a dataset without a usable, non-future time, and none below zero', () => {
    const batch: OpsBatch = {
      topic: 't',
      partition: 0,
      firstOffset: '0',
      now: NOW,
      traces: [
        { dataset: 'zoom.webhook', time: Number.NaN, future: false },
        { dataset: 'zoom.operation', time: at('2024-05-02T00:00:00.000Z'), future: true },
        // Two seconds ahead of this clock, within the allowed skew: no lag, not a negative one.
        { dataset: 'zoom.activity', time: at('2024-05-01T12:00:02.000Z'), future: false },
      ],
      rejected: new Set(),
      dead: [],
    };
    expect(opsDocs(batch).map((d) => d.source.sift.ops)).toEqual([
      { kind: 'batch', topic: 't', partition: 0, events: 1 },
      { kind: 'batch', topic: 't', partition: 0, events: 1 },
      { kind: 'batch', topic: 't', partition: 0, events: 1, lag_ms: 0 },
    ]);
  });

  it('writes one dead-letter document per reason, with the dataset when known and else the vendor', () => {
    const batch: OpsBatch = {
      topic: 'raw.okta',
      partition: 1,
      firstOffset: '7',
      now: NOW,
      traces: [{ dataset: 'okta.system', time: at('2024-05-01T11:59:59.000Z'), future: false }],
      rejected: new Set(),
      dead: [
        { vendor: 'okta', dataset: 'okta.system', stage: 'decode', code: 'SIFT_DECODE_NOT_JSON' },
        { vendor: 'okta', dataset: 'okta.system', stage: 'decode', code: 'SIFT_DECODE_EMPTY' },
        { vendor: 'okta', dataset: 'okta.system', stage: 'decode', code: 'SIFT_DECODE_NOT_JSON' },
        { vendor: 'zoom', dataset: null, stage: 'decode', code: 'SIFT_DECODE_NOT_JSON' },
      ],
    };
    expect(opsDocs(batch)).toEqual([
      {
        id: 'raw.okta/1/7/batch/okta.system',
        source: { '@timestamp': '2024-05-01T12:00:00.000Z', event: { dataset: 'okta.system' }, sift: { ops: { kind: 'batch', topic: 'raw.okta', partition: 1, events: 1, lag_ms: 1_000 } } },
      },
      {
        id: 'raw.okta/1/7/dead_letter/SIFT_DECODE_NOT_JSON/decode/okta.system',
        source: {
          '@timestamp': '2024-05-01T12:00:00.000Z',
          event: { dataset: 'okta.system' },
          error: { code: 'SIFT_DECODE_NOT_JSON' },
          sift: { ops: { kind: 'dead_letter', topic: 'raw.okta', partition: 1, stage: 'decode', count: 2 } },
        },
      },
      {
        id: 'raw.okta/1/7/dead_letter/SIFT_DECODE_EMPTY/decode/okta.system',
        source: {
          '@timestamp': '2024-05-01T12:00:00.000Z',
          event: { dataset: 'okta.system' },
          error: { code: 'SIFT_DECODE_EMPTY' },
          sift: { ops: { kind: 'dead_letter', topic: 'raw.okta', partition: 1, stage: 'decode', count: 1 } },
        },
      },
      {
        id: 'raw.okta/1/7/dead_letter/SIFT_DECODE_NOT_JSON/decode/zoom',
        source: {
          '@timestamp': '2024-05-01T12:00:00.000Z',
          event: { dataset: 'zoom' },
          error: { code: 'SIFT_DECODE_NOT_JSON' },
          sift: { ops: { kind: 'dead_letter', topic: 'raw.okta', partition: 1, stage: 'decode', count: 1 } },
        },
      },
    ]);
  });

  it('gives a batch processed again the same ids (it overwrites, never doubles), and an empty batch no document', () => {
    const batch = (now: number): OpsBatch => ({
      topic: 'raw.slack',
      partition: 0,
      firstOffset: '42',
      now,
      traces: [{ dataset: 'slack.audit', time: at('2024-05-01T11:00:00.000Z'), future: false }],
      rejected: new Set(),
      dead: [{ vendor: 'slack', dataset: 'slack.audit', stage: 'index', code: 'SIFT_INDEX_MAPPING_REJECTED' }],
    });
    expect(opsDocs(batch(NOW)).map((d) => d.id)).toEqual(['raw.slack/0/42/batch/slack.audit', 'raw.slack/0/42/dead_letter/SIFT_INDEX_MAPPING_REJECTED/index/slack.audit']);
    expect(opsDocs(batch(NOW + 60_000)).map((d) => d.id)).toEqual(opsDocs(batch(NOW)).map((d) => d.id));
    expect(opsDocs({ topic: 't', partition: 0, firstOffset: '0', now: NOW, traces: [], rejected: new Set(), dead: [] })).toEqual([]);
  });
});
