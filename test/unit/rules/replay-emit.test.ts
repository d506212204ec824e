/**
 * `sift replay --emit ecs`: the documents `sift run` would index, from raw
 * vendor files in every shape the sources accept. The oracle is Elastic's
 * expected ECS output for the same corpus inputs (../shared/corpus/elastic),
 * never Sift's own normalizer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { replayCommand } from '../../../src/cli/replay.js';
import { capture } from '../../helpers/capture.js';
import { corpusAvailable, elasticExpected } from '../../helpers/corpus.js';

afterEach(() => vi.restoreAllMocks());

interface Line {
  _index: string;
  _id: string;
  _source: Record<string, unknown> & { event: Record<string, unknown>; source?: { ip?: string } };
}

/** The fields compared against Elastic's expected documents. */
function key(doc: Record<string, unknown>): string {
  const d = doc as { '@timestamp'?: string; event?: { action?: string; id?: string }; source?: { ip?: string } };
  return [d['@timestamp'], d.event?.action, d.event?.id, d.source?.ip].join(' | ');
}

const lines = (out: string): Line[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

let dir: string;
const trail = corpusAvailable() ? elasticExpected('aws', 'cloudtrail', 'test-console-login-json.log') : undefined;
const okta = corpusAvailable() ? elasticExpected('okta', 'system', 'test-okta-system-no-flattened-events.log') : undefined;
const gcp = corpusAvailable() ? elasticExpected('gcp', 'audit', 'test-iamcredentials-googleapis-com.log') : undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sift-emit-'));
  if (!trail || !okta || !gcp) return;
  const trailEvents = trail.input.trim().split('\n');
  const oktaEvents = okta.input.trim().split('\n').slice(0, 3);
  // The same CloudTrail events as NDJSON, as one S3 log file ({"Records":[…]}), and one alone.
  writeFileSync(join(dir, 'trail.ndjson'), trail.input);
  writeFileSync(join(dir, 'trail-records.json'), JSON.stringify({ Records: trailEvents.map((l) => JSON.parse(l) as unknown) }, null, 2));
  writeFileSync(join(dir, 'trail-single.json'), `${trailEvents[0] ?? ''}\n`);
  // Okta: a JSON array (an API page) on one line, then a line that is not JSON.
  writeFileSync(join(dir, 'okta-page.ndjson'), `[${oktaEvents.join(',')}]\n{"this is": not json\n`);
  // GCP: the LogEntry inside a Pub/Sub pull batch, base64 as Pub/Sub sends it.
  const data = Buffer.from(gcp.input.trim()).toString('base64');
  writeFileSync(join(dir, 'gcp-pubsub.json'), JSON.stringify({ receivedMessages: [{ ackId: 'a1', message: { data, messageId: '1' } }] }));
});

describe.skipIf(!corpusAvailable())('sift replay --emit ecs', () => {
  it('prints each CloudTrail event once per line with its index and _id, whatever the file shape', async () => {
    const want = (trail?.expected ?? []).map(key);
    expect(want[0]).toBe('2014-07-16T15:49:27.000Z | ConsoleLogin | 3fcfb182-98f8-4744-bd45-10aEXAMPLE | 89.160.20.156');
    const ids: string[][] = [];
    for (const file of ['trail.ndjson', 'trail-records.json']) {
      const io = capture();
      expect(await replayCommand([join(dir, file), '--emit', 'ecs'])).toBe(0);
      const docs = lines(io.out());
      expect(docs.map((d) => key(d._source))).toEqual(want);
      expect(docs.every((d) => d._index === 'logs-aws.cloudtrail-default')).toBe(true);
      ids.push(docs.map((d) => d._id));
      // NDJSON: a record per line; the S3 log file is one record of three events.
      expect(io.err()).toContain(file === 'trail.ndjson' ? '3 records, 3 documents, 0 dead letters' : '1 records, 3 documents, 0 dead letters');
    }
    // Same events, same documents: the _id does not depend on how they were packed.
    expect(ids[1]).toEqual(ids[0]);
    const io = capture();
    expect(await replayCommand([join(dir, 'trail-single.json'), '--emit', 'ecs'])).toBe(0);
    expect(lines(io.out()).map((d) => key(d._source))).toEqual(want.slice(0, 1));
  });

  it('splits an Okta page, and puts the line that is not JSON on stderr with its reason', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'okta-page.ndjson'), '--emit', 'ecs', '--json'])).toBe(0);
    const docs = lines(io.out());
    expect(docs.map((d) => key(d._source))).toEqual((okta?.expected ?? []).slice(0, 3).map(key));
    expect(docs[1]?._source.event.action).toBe('user.session.start');
    expect(docs.map((d) => d._index)).toEqual(['logs-okta.system-default', 'logs-okta.system-default', 'logs-okta.system-default']);
    expect(io.err()).toMatch(/okta-page\.ndjson:2: SIFT_DECODE_NOT_JSON/);
    expect(io.err()).toContain('2 records, 3 documents, 1 dead letters');
  });

  it('unwraps a Pub/Sub batch into the Cloud Audit LogEntry it carries', async () => {
    const io = capture();
    expect(await replayCommand([join(dir, 'gcp-pubsub.json'), '--emit', 'ecs', '--source', 'gcp_audit'])).toBe(0);
    const docs = lines(io.out());
    expect(docs.map((d) => key(d._source))).toEqual(['2024-11-19T00:49:55.293Z | GenerateAccessToken | 15djrryd6bap | 175.16.199.45']);
    expect(docs[0]?._index).toBe('logs-gcp.audit-default');
  });

  it('refuses --rules and an unknown --emit as usage errors', async () => {
    capture();
    await expect(replayCommand([join(dir, 'trail.ndjson'), '--emit', 'ecs', '--rules', 'rules'])).rejects.toThrow(/--emit ecs runs no rules/);
    await expect(replayCommand([join(dir, 'trail.ndjson'), '--emit', 'documents'])).rejects.toThrow(/--emit is alerts or ecs/);
  });
});
