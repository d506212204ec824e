/**
 * Issue 16: alerts on the Kafka topic as Avro. An alert document goes
 * through the codec and back unchanged (the notifier delivers what it reads
 * back), and the bytes are the Confluent wire format with the registered id.
 */
import { describe, expect, it } from 'vitest';
import avro from 'avsc';
import { ALERT_AVRO_SCHEMA, createAlertAvroCodec, encodeAlertJson, type AlertRecord } from '../../../src/alerts/index.js';
import type { JsonObject } from '../../../src/ecs/index.js';
import { makeAlert } from './fixtures.js';

function record(over: Partial<AlertRecord> = {}): AlertRecord {
  const a = makeAlert({ runbook: 'https://runbooks.example.com/mfa', kibana: 'https://kibana.example.com/app/discover#/x' });
  const doc = structuredClone(a.doc) as JsonObject & { source: JsonObject };
  // buildAlert copies only the entity fields' values (source.ip), never source.geo.
  doc.source = { ip: '203.0.113.7' };
  return { id: a.id, ruleId: a.ruleId, severity: a.severity, update: false, doc, ...over };
}

describe('alert Avro codec', () => {
  const codec = createAlertAvroCodec(42);

  it('writes the wire format: magic 0, the schema id, then the Avro body', () => {
    const bytes = codec.encode(record()) as Buffer;
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 0, 42]);
    // the body reads back with the schema alone (a Kafka-side consumer's view)
    const plain = avro.Type.forSchema(ALERT_AVRO_SCHEMA as unknown as avro.Schema, { wrapUnions: 'never' }).fromBuffer(bytes.subarray(5)) as Record<string, unknown>;
    expect(plain).toMatchObject({
      rule_id: 'okta.mfa-factor-reset',
      severity: 'high',
      update: false,
      timestamp: '2025-11-27T10:00:05.000Z',
      entities: { 'user.name': 'alice@example.com', 'user.email': 'alice@example.com', 'source.ip': '203.0.113.7' },
      related_user: ['alice@example.com'],
      related_ip: ['203.0.113.7'],
      threat: { framework: 'MITRE ATT&CK', technique_ids: ['T1556.006'], tactic_names: ['persistence'] },
    });
    expect((plain.sift as Record<string, unknown>).group).toEqual({ 'user.name': '"alice@example.com"' });
    expect((plain.sift as Record<string, unknown>).count).toBe(2);
  });

  it('reads back the same alert record it wrote', () => {
    const r = record({ update: true });
    expect(codec.decode(codec.encode(r) as Buffer)).toEqual(r);
  });

  it('keeps group and output values of any JSON type', () => {
    const r = record();
    const alert = (r.doc.sift as JsonObject).alert as JsonObject;
    alert.group = { 'source.ip': '203.0.113.7', 'event.count': 12, tags: ['a', 'b'], none: null };
    alert.fields = { 'user.name': 'alice@example.com', 'okta.risk': { level: 'HIGH' } };
    expect(codec.decode(codec.encode(r) as Buffer)).toEqual(r);
  });

  it('still reads JSON records (written before the topic switched to avro), and refuses junk', () => {
    const r = record();
    expect(codec.decode(Buffer.from(encodeAlertJson(r)))).toEqual(r);
    expect(codec.decode(Buffer.from([0, 0, 0, 0, 42, 0xff]))).toBeUndefined();
    expect(codec.decode(Buffer.from([0, 0, 0]))).toBeUndefined();
    expect(codec.decode(null)).toBeUndefined();
  });
});
