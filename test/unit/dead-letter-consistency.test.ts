/**
 * Issue 11 point 7: a reason code has one stage whichever vendor refuses the
 * record, and the dead letter's `vendor` and `dataset` fields mean what
 * docs/dead-letter.md says. The stage oracle is the hand-written table in
 * that doc; the per-vendor expectations below are written by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/ingest/index.js';
import { deadLetterValue, planSource, prepareBatch, type SourcePlan } from '../../src/pipeline/index.js';

const DOC = readFileSync(new URL('../../docs/dead-letter.md', import.meta.url), 'utf8');

/** code → the stage column of docs/dead-letter.md's reason-code table. */
function documentedStages(): Map<string, string> {
  const stages = new Map<string, string>();
  for (const m of DOC.matchAll(/^\| `(SIFT_[A-Z0-9_]+)` \| ([^|]+) \|/gm)) stages.set(m[1] ?? '', (m[2] ?? '').trim());
  return stages;
}

const VENDORS = ['okta', 'google_workspace', 'slack', 'zoom', 'gitlab', 'github', 'aws_cloudtrail', 'gcp_audit'] as const;

const opts = { limits: { maxBytes: 1 << 20, maxDepth: 64 }, keepOriginal: false };

function planOf(vendor: string): SourcePlan {
  const plan = planSource(vendor, 'default');
  if (!plan) throw new Error(`${vendor} must have a plan`);
  return plan;
}

const record = (vendor: string, text: string, offset = 0): RawRecord => ({
  topic: `sift.raw.${vendor}`,
  partition: 0,
  offset: String(offset),
  timestamp: '1767225600000',
  key: null,
  value: Buffer.from(text),
});

/** Records no source accepts, in the shapes operators actually misroute: other vendors' events, broken pages, scalars. */
const HOSTILE = [
  'not json',
  '42',
  '"text"',
  'null',
  '[1, "a"]',
  '{}',
  '{"foo":1}',
  '{"uuid":"u1","published":"2026-01-01T00:00:00Z"}',
  '{"eventVersion":"1.08","eventID":"e1","eventTime":"2026-01-01T00:00:00Z","eventName":"ConsoleLogin"}',
  '{"Records":{}}',
  '{"Records":[{"s3":{"bucket":{"name":"b"}},"eventSource":"aws:s3"}]}',
  '{"messageType":"DATA_MESSAGE","logGroup":"g"}',
  '{"detail-type":"Object Created","detail":{}}',
  '{"kind":"admin#reports#activities","items":{}}',
  '{"alerts":{}}',
  '{"entries":{}}',
  '{"operation_logs":{}}',
  '{"activity_logs":5}',
  '{"message":{"messageId":"1"}}',
  '{"messages":[5]}',
  '{"action":"repo.create"}',
  '{"entity_type":"Project"}',
  '{"protoPayload":{}}',
];

describe('dead-letter reason codes (docs/dead-letter.md)', () => {
  it('documents exactly one stage per code', () => {
    const stages = documentedStages();
    expect(stages.size).toBeGreaterThan(10);
    const several = [...stages].filter(([, stage]) => !/^[a-z]+$/.test(stage));
    expect(several).toEqual([]);
  });

  it('gives every dead letter of every vendor the stage its code is documented with', () => {
    const stages = documentedStages();
    const seen = new Set<string>();
    const wrong: string[] = [];
    for (const vendor of VENDORS) {
      const out = prepareBatch(HOSTILE.map((t, i) => record(vendor, t, i)), planOf(vendor), opts);
      for (const d of out.dead) {
        seen.add(`${d.code}@${vendor}`);
        if (stages.get(d.code) !== d.stage) wrong.push(`${vendor} ${HOSTILE[Number(d.record.offset)]}: ${d.code} at ${d.stage}, documented ${stages.get(d.code) ?? '(undocumented)'}`);
      }
    }
    expect(wrong).toEqual([]);
    // The battery reaches the code from every vendor that emits it (grep: src/ingest/normalize/vendors/*).
    for (const vendor of ['okta', 'google_workspace', 'slack', 'zoom', 'aws_cloudtrail', 'gcp_audit']) {
      expect(seen.has(`SIFT_DECODE_UNKNOWN_SOURCE@${vendor}`), vendor).toBe(true);
    }
  });

  it('refuses an unknown shape at stage decode whether explode or normalize noticed it', () => {
    // Okta: explode refuses an object with none of a LogEvent's keys; normalize refuses one without eventType.
    const okta = prepareBatch([record('okta', '{"foo":1}', 0), record('okta', '{"uuid":"u1","published":"2026-01-01T00:00:00Z"}', 1)], planOf('okta'), opts);
    expect(okta.dead.map((d) => [d.code, d.stage, d.path])).toEqual([
      ['SIFT_DECODE_UNKNOWN_SOURCE', 'decode', undefined],
      ['SIFT_DECODE_UNKNOWN_SOURCE', 'decode', '$.eventType'],
    ]);
    // Zoom: explode refuses a page whose list is not a list; normalize refuses an object of no known shape.
    const zoom = prepareBatch([record('zoom', '{"operation_logs":{}}', 0), record('zoom', '{"foo":1}', 1)], planOf('zoom'), opts);
    expect(zoom.dead.map((d) => [d.code, d.stage, d.path])).toEqual([
      ['SIFT_DECODE_UNKNOWN_SOURCE', 'decode', '$.operation_logs'],
      ['SIFT_DECODE_UNKNOWN_SOURCE', 'decode', '$'],
    ]);
  });
});

describe('dead-letter vendor and dataset fields', () => {
  /** Written by hand from docs/sources.md: the dataset when the vendor has only one, else null. */
  const DATASET_BEFORE_NORMALIZE: Record<(typeof VENDORS)[number], string | null> = {
    okta: 'okta.system',
    google_workspace: null,
    slack: 'slack.audit',
    zoom: null,
    gitlab: 'gitlab.audit',
    github: 'github.audit',
    aws_cloudtrail: 'aws.cloudtrail',
    gcp_audit: 'gcp.audit',
  };

  it('names the vendor always and the dataset only when it is known', () => {
    for (const vendor of VENDORS) {
      const out = prepareBatch([record(vendor, 'not json')], planOf(vendor), opts);
      const [letter] = out.dead;
      if (letter === undefined) throw new Error(`${vendor}: no dead letter`);
      const value = deadLetterValue(letter);
      expect({ vendor: value.vendor, dataset: value.dataset }, vendor).toEqual({ vendor, dataset: DATASET_BEFORE_NORMALIZE[vendor] });
    }
  });

  it('keeps the dataset of an event refused at index', () => {
    const value = deadLetterValue({
      record: record('google_workspace', '{}'),
      vendor: 'google_workspace',
      dataset: 'google_workspace.login',
      stage: 'index',
      code: 'SIFT_INDEX_MAPPING_REJECTED',
      message: 'mapper_parsing_exception',
    });
    expect({ vendor: value.vendor, dataset: value.dataset }).toEqual({ vendor: 'google_workspace', dataset: 'google_workspace.login' });
  });
});
