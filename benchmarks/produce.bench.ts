import { gzipSync } from 'node:zlib';
import type { Message } from 'kafkajs';
import { chunkByBytes } from '../src/ingest/kafka/send.js';
import { comparePair, type PairResult } from './harness.js';

/**
 * What GZIP adds to Sift's produce path (src/ingest/kafka/send.ts), in CPU per
 * record: 5,000 alert records (the alerts topic value, ~1.5 KB) and 10,000
 * window checkpoints (~400 B, the size BENCHMARKS.md "Window state memory"
 * measures), each cut into chunks under the broker-default 1 MiB. Subject:
 * build the values, chunk, gzip each chunk as kafkajs does (zlib.gzip,
 * default level); baseline: the same without gzip. The difference per item
 * is the compression cost; `bytes_ratio` is compressed / uncompressed.
 */
export interface ProduceCost {
  readonly pairs: PairResult[];
  readonly bytes_ratio: { alerts: number; checkpoints: number };
}

function alertValue(i: number): string {
  const id = `${i.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`;
  return JSON.stringify({
    id,
    ruleId: 'okta.password-spray',
    severity: 'high',
    update: false,
    doc: {
      '@timestamp': '2026-04-14T10:00:05.000Z',
      message: `Okta password spray (source.ip="10.0.${(i >> 8) & 255}.${i & 255}")`,
      event: { kind: 'alert', id, dataset: 'sift.alerts', module: 'sift', severity: 73, risk_score: 73, start: '2026-04-14T09:58:00.000Z', end: '2026-04-14T10:00:00.000Z' },
      rule: { id: 'okta.password-spray', name: 'Okta password spray', version: '3', ruleset: 'sift' },
      tags: ['attack.credential_access', 'attack.t1110.003'],
      threat: { framework: 'MITRE ATT&CK', technique: { id: ['T1110.003'] }, tactic: { name: ['credential access'] } },
      source: { ip: `10.0.${(i >> 8) & 255}.${i & 255}` },
      related: { ip: [`10.0.${(i >> 8) & 255}.${i & 255}`], user: [`u${i}@example.com`, `v${i}@example.com`] },
      sift: {
        alert: {
          id,
          group_key: `["10.0.${(i >> 8) & 255}.${i & 255}"]`,
          window_start: '2026-04-14T09:58:00.000Z',
          count: 5,
          event_ids: Array.from({ length: 5 }, (_, k) => `${(i * 5 + k).toString(16).padStart(40, '0')}`),
          sample: [{ '@timestamp': '2026-04-14T09:59:00.000Z', event: { dataset: 'okta.system', action: 'user.session.start', outcome: 'failure' }, user: { name: `u${i}@example.com` } }],
        },
      },
    },
  });
}

function checkpointValue(i: number): string {
  const state = JSON.stringify({ start: 1776160800000 + i, count: 1, events: [`4f6b8e2a-37c1-11f1-a9d2-${String(i).padStart(12, '0')}`], distinct: [`u${i}@example.com`] });
  return JSON.stringify({ offset: `${i}:0`, state });
}

function side(name: string, n: number, make: (i: number) => string, key: (i: number) => string, gzip: boolean) {
  return {
    name,
    run: () => {
      const messages: Message[] = [];
      for (let i = 0; i < n; i++) messages.push({ key: key(i), value: make(i) });
      for (const chunk of chunkByBytes('bench', messages, 1_048_588)) {
        if (!gzip) continue;
        gzipSync(Buffer.concat(chunk.map((m) => Buffer.from(`${String(m.key)}${String(m.value)}`))));
      }
    },
  };
}

function ratioOf(n: number, make: (i: number) => string): number {
  const raw = Buffer.from(Array.from({ length: n }, (_, i) => make(i)).join(''));
  return Math.round((gzipSync(raw).length / raw.length) * 1000) / 1000;
}

export function benchProduce(): ProduceCost {
  const alertKey = (i: number): string => i.toString(16).padStart(64, '0');
  const stateKey = (i: number): string => `sift|sift.raw.okta/0|okta.password-spray/${i.toString(16).padStart(64, '0')}`;
  return {
    pairs: [
      comparePair('produce.gzip.alerts', 5000, side('values + chunks + gzip', 5000, alertValue, alertKey, true), side('values + chunks', 5000, alertValue, alertKey, false)),
      comparePair('produce.gzip.checkpoints', 10_000, side('values + chunks + gzip', 10_000, checkpointValue, stateKey, true), side('values + chunks', 10_000, checkpointValue, stateKey, false)),
    ],
    bytes_ratio: { alerts: ratioOf(5000, alertValue), checkpoints: ratioOf(10_000, checkpointValue) },
  };
}
