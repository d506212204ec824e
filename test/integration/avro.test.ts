/**
 * Issue 16: an Avro topic and a JSON topic in one `sift run`, through the real
 * schema registry the project's script starts (Apicurio Registry,
 * scripts/stack.sh start registry; docs/stack.md). Avro records written with
 * two schema versions are indexed beside the JSON ones; the bad Avro records
 * go to the DLQ with their codes and the good ones around them are indexed;
 * the alerts topic is Avro and decodes with the schema Sift registered. Then
 * a registry that is down pauses consumption: nothing is dead-lettered, and
 * everything is indexed once it is back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OKTA_AVRO_SCHEMA_V1, OKTA_AVRO_SCHEMA_V2 } from '../../src/generate/index.js';
import { documentId } from '../../src/ingest/index.js';
import { accountLockedRule } from '../helpers/okta-events.js';
import { ROOT, cleanup, countDocs, createTopic, es, foundIds, kafka, offsets, produce, readAll, startSift, testConfig, uniqueNames, waitFor } from '../helpers/stack.js';

const REGISTRY = `http://127.0.0.1:${process.env['SIFT_STACK_REGISTRY_PORT'] ?? 8081}/apis/ccompat/v7`;
const names = uniqueNames('avro');
const avroTopic = `${names.topic}.avro`;
const alertsTopic = `it.alerts.${names.id}`;
const stateTopic = `it.state.${names.id}`;
const paused = uniqueNames('avropause');
const extraTopics = [avroTopic, alertsTopic, `${alertsTopic}.dlq`, stateTopic];

const stack = (...args: string[]): void => {
  execFileSync('scripts/stack.sh', args, { cwd: ROOT, stdio: 'inherit' });
};

beforeAll(() => stack('start', 'registry'), 240_000);
afterAll(async () => {
  stack('start', 'registry'); // in case the pause test failed while it was stopped
  await cleanup(names, extraTopics);
  await cleanup(paused);
  await es.indices.delete({ index: `sift-alerts-${names.namespace}`, ignore_unavailable: true }).catch(() => undefined);
});

async function register(subject: string, schema: object): Promise<number> {
  const res = await fetch(`${REGISTRY}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: number }).id;
}

const V1 = avro.Type.forSchema(OKTA_AVRO_SCHEMA_V1 as unknown as avro.Schema, { wrapUnions: 'never' });
const V2 = avro.Type.forSchema(OKTA_AVRO_SCHEMA_V2 as unknown as avro.Schema, { wrapUnions: 'never' });

function wire(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

/** An Okta System Log event in the v1 shape (every v1 field present, as an Avro producer writes them). */
function oktaV1(uuid: string, eventType: string, user: string, at: string, result: 'SUCCESS' | 'FAILURE') {
  return {
    uuid,
    published: at,
    eventType,
    version: '0',
    severity: result === 'FAILURE' ? 'WARN' : 'INFO',
    displayMessage: eventType,
    legacyEventType: null,
    actor: { id: `id-${user}`, type: 'User', alternateId: user, displayName: user, detailEntry: null },
    client: { userAgent: { rawUserAgent: 'curl/8.5.0', os: null, browser: null }, zone: null, device: 'Computer', id: null, ipAddress: '198.51.100.7', geographicalContext: null },
    outcome: { result, reason: null },
    target: null,
    transaction: { type: 'WEB', id: `tx-${uuid}`, detail: {} },
    debugContext: { debugData: { requestId: `req-${uuid}` } },
    request: { ipChain: [{ ip: '198.51.100.7', geographicalContext: null, version: 'V4', source: null }] },
  };
}
function oktaV2(uuid: string, eventType: string, user: string, at: string, asNumber: number) {
  return {
    ...oktaV1(uuid, eventType, user, at, 'SUCCESS'),
    securityContext: { asNumber, asOrg: 'Example Transit', isp: null, domain: 'example.net', isProxy: false },
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: `sess-${uuid}` },
  };
}

const RULE = accountLockedRule('it.avro-account-locked');

/** The alerts topic's records as bytes (readAll reads text). */
async function readBinary(topic: string, expected: number): Promise<Buffer[]> {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  const out: Buffer[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void (message.value && out.push(message.value)) });
  await waitFor(() => out.length >= expected, 30_000, `${expected} records from ${topic}`);
  await consumer.disconnect();
  return out;
}

interface OktaDoc {
  event: { action: string; outcome: string };
  user: { name: string };
  client: { ip: string; as?: { number: number; organization: { name: string } } };
}

describe('Avro with a real schema registry', () => {
  it('runs an Avro topic (two schema versions) beside a JSON topic; bad Avro goes to the DLQ with its code; alerts are Avro', async () => {
    const v1 = await register(`${avroTopic}-value`, OKTA_AVRO_SCHEMA_V1);
    const v2 = await register(`${avroTopic}-value`, OKTA_AVRO_SCHEMA_V2);
    expect(v2).not.toBe(v1);
    const at = (m: number): string => `2026-07-01T10:${String(m).padStart(2, '0')}:00.000Z`;
    const avroRecords: Buffer[] = [
      wire(v1, V1.toBuffer(oktaV1('av-1', 'user.session.start', 'ana@example.com', at(1), 'SUCCESS'))),
      Buffer.from(JSON.stringify({ uuid: 'json-on-avro', published: at(2), eventType: 'user.session.start' })), // SIFT_DECODE_AVRO_MAGIC
      wire(v2, V2.toBuffer(oktaV2('av-2', 'user.session.start', 'bo@example.com', at(3), 64500))),
      wire(987654, V1.toBuffer(oktaV1('av-x', 'user.session.start', 'cy@example.com', at(4), 'SUCCESS'))), // SIFT_DECODE_AVRO_UNKNOWN_SCHEMA
      wire(v1, V1.toBuffer(oktaV1('av-3', 'user.account.lock', 'dee@example.com', at(5), 'FAILURE'))),
      Buffer.from([0, 0, 0]), // SIFT_DECODE_AVRO_TOO_SHORT
      wire(v2, V2.toBuffer(oktaV2('av-y', 'user.session.start', 'ed@example.com', at(6), 64501))).subarray(0, 40), // SIFT_DECODE_AVRO_BODY (truncated)
      wire(v2, V2.toBuffer(oktaV2('av-4', 'user.session.end', 'fay@example.com', at(7), 64502))),
    ];
    const jsonEvents = ['js-1', 'js-2', 'js-3'].map((uuid, i) => ({
      uuid,
      published: at(10 + i),
      eventType: 'user.session.start',
      actor: { id: 'u', type: 'User', alternateId: `json${i}@example.com` },
      client: { ipAddress: '192.0.2.1' },
      outcome: { result: 'SUCCESS' },
    }));
    // The JSON topic as Okta's API delivers it too: one event alone, then a page (an array) of two.
    const jsonRecords = [JSON.stringify(jsonEvents[0]), JSON.stringify(jsonEvents.slice(1))];
    await createTopic(names.topic, 1);
    await createTopic(avroTopic, 1);
    await produce(avroTopic, avroRecords);
    await produce(names.topic, jsonRecords);

    const dir = mkdtempSync(join(tmpdir(), 'sift-avro-rules-'));
    writeFileSync(join(dir, 'lock.yml'), RULE);
    const base = testConfig(names);
    const sift = startSift({
      ...base,
      kafka: { ...base.kafka, topics: [{ name: names.topic, source: 'okta' }, { name: avroTopic, source: 'okta', format: 'avro' }], schema_registry: { url: REGISTRY } },
      // local: a single-event rule needs no keyed topic, and the test starts faster without one.
      rules: { dir, reload: false, state_topic: stateTopic, stateful: 'local' },
      alerts: { topic: alertsTopic, dlq_topic: `${alertsTopic}.dlq`, kafka: { format: 'avro' } },
    });
    try {
      await waitFor(
        async () => (await offsets(names.group, avroTopic)).committed === avroRecords.length && (await offsets(names.group, names.topic)).committed === jsonRecords.length,
        120_000,
        'both topics to be committed',
      );
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);
    expect(sift.output()).toContain('Alert Avro schema registered.');

    // Both topics indexed, under the ids the Okta uuids give.
    const ids = ['av-1', 'av-2', 'av-3', 'av-4', 'js-1', 'js-2', 'js-3'].map((u) => documentId('okta.system', u));
    expect(await countDocs(names.alias)).toBe(7);
    expect(await foundIds(names.alias, ids)).toBe(7);
    const get = async (uuid: string) => (await es.get<OktaDoc>({ index: names.alias, id: documentId('okta.system', uuid) }))._source;
    expect(await get('av-1')).toMatchObject({ event: { action: 'user.session.start', outcome: 'success' }, user: { name: 'ana@example.com' }, client: { ip: '198.51.100.7' } });
    expect((await get('av-1'))?.client.as).toBeUndefined(); // v1 has no securityContext
    expect(await get('av-2')).toMatchObject({ user: { name: 'bo@example.com' }, client: { as: { number: 64500, organization: { name: 'Example Transit' } } } });
    expect(await get('av-4')).toMatchObject({ event: { action: 'user.session.end' }, client: { as: { number: 64502 } } });
    expect(await get('js-2')).toMatchObject({ user: { name: 'json1@example.com' }, client: { ip: '192.0.2.1' } });

    // Both topics are read at once: a reader's group join is most of its time.
    const [letters, alerts] = await Promise.all([readAll(names.dlq, 4), readBinary(alertsTopic, 1)]);
    // The four bad Avro records, each with its code and its own offset.
    const dead = letters.map((d) => JSON.parse(d.value) as { reason: { code: string; stage: string }; source: { topic: string; offset: string } });
    expect(dead.map((d) => [d.source.topic, d.source.offset, d.reason.code, d.reason.stage]).sort()).toEqual([
      [avroTopic, '1', 'SIFT_DECODE_AVRO_MAGIC', 'decode'],
      [avroTopic, '3', 'SIFT_DECODE_AVRO_UNKNOWN_SCHEMA', 'decode'],
      [avroTopic, '5', 'SIFT_DECODE_AVRO_TOO_SHORT', 'decode'],
      [avroTopic, '6', 'SIFT_DECODE_AVRO_BODY', 'decode'],
    ]);

    // The alert from av-3, in the wire format, decoded with the schema the registry holds for its id.
    const [alert] = alerts;
    expect(alert?.[0]).toBe(0);
    const schemaId = alert?.readUInt32BE(1) ?? -1;
    const byId = (await (await fetch(`${REGISTRY}/schemas/ids/${schemaId}`)).json()) as { schema: string };
    const decoded = avro.Type.forSchema(JSON.parse(byId.schema) as avro.Schema, { wrapUnions: 'never' }).fromBuffer(alert?.subarray(5) ?? Buffer.alloc(0)) as Record<string, unknown>;
    expect(decoded).toMatchObject({
      rule_id: 'it.avro-account-locked',
      severity: 'high',
      update: false,
      entities: { 'user.name': 'dee@example.com', 'source.ip': '198.51.100.7' },
      event: { kind: 'alert', dataset: 'sift.alerts', severity: 73 },
    });
    expect((decoded.sift as { event_ids: string[] }).event_ids).toEqual([documentId('okta.system', 'av-3')]);
    const versions = (await (await fetch(`${REGISTRY}/subjects/${alertsTopic}-value/versions`)).json()) as number[];
    expect(versions).toHaveLength(1);
  }, 240_000);

  it('pauses while the registry is down (nothing dead-lettered, nothing committed) and resumes when it is back', async () => {
    // The stack's registry keeps its schemas on disk: stopped and started, it knows this id again.
    const id = await register(`${paused.topic}-value`, OKTA_AVRO_SCHEMA_V1);
    stack('stop', 'registry');
    const events = ['pz-1', 'pz-2', 'pz-3'].map((u, i) => wire(id, V1.toBuffer(oktaV1(u, 'user.session.start', `p${i}@example.com`, `2026-07-02T10:0${i}:00.000Z`, 'SUCCESS'))));
    await createTopic(paused.topic, 1);
    await produce(paused.topic, events);
    const base = testConfig(paused);
    const sift = startSift({
      ...base,
      kafka: { ...base.kafka, topics: [{ name: paused.topic, source: 'okta', format: 'avro' }], schema_registry: { url: REGISTRY, retry_initial_ms: 100, retry_max_ms: 1000 } },
      rules: { enabled: false },
    });
    try {
      await waitFor(() => (sift.output().match(/Schema registry unavailable/g) ?? []).length >= 2, 60_000, 'the pause to be logged twice');
      const metrics = await (await fetch(`http://127.0.0.1:${sift.httpPort()}/metrics`)).text();
      expect(metrics).toMatch(/^sift_ingest_registry_paused 1$/m);
      expect((await offsets(paused.group, paused.topic)).committed).toBe(0);

      stack('start', 'registry');
      await waitFor(async () => (await offsets(paused.group, paused.topic)).committed === events.length, 60_000, 'the records to be committed after the registry came back');
      const after = await (await fetch(`http://127.0.0.1:${sift.httpPort()}/metrics`)).text();
      expect(after).toMatch(/^sift_ingest_registry_paused 0$/m);
    } finally {
      sift.child.kill('SIGTERM');
    }
    expect(await sift.exited).toBe(0);
    expect(await foundIds(paused.alias, ['pz-1', 'pz-2', 'pz-3'].map((u) => documentId('okta.system', u)))).toBe(3);
    // Nothing was dead-lettered for the outage.
    const admin = kafka.admin();
    await admin.connect();
    const dlq = await admin.fetchTopicOffsets(paused.dlq).catch(() => []);
    await admin.disconnect();
    expect(dlq.reduce((n, p) => n + Number(p.high), 0)).toBe(0);
  }, 240_000);
});
