import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, renderConfigReference } from '../../src/config/index.js';

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('works with no file at all, against the local stack', () => {
    const c = loadConfig(undefined, {});
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.elasticsearch.node).toBe('http://127.0.0.1:9200');
    expect(c.kafka.topics).toEqual([{ name: 'sift.raw.okta', source: 'okta', format: 'json' }]);
    expect(c.kafka.dlq_topic).toBe('sift.dlq');
  });

  it('rejects unknown keys and names every bad field', () => {
    const file = tmpFile(
      'bad.yaml',
      'kafka:\n  brokers: [nohost]\n  bogus: 1\n  topics:\n    - name: t\n      source: nope\nelasticsearch:\n  bulk_max_docs: "many"\nextra: true\n',
    );
    const issues = issuesOf(() => loadConfig(file, {}));
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('kafka.bogus');
    expect(paths).toContain('kafka.brokers[0]');
    expect(paths).toContain('kafka.topics[0].source');
    expect(paths).toContain('elasticsearch.bulk_max_docs');
    expect(paths).toContain('extra');
    expect(issues.find((i) => i.path === 'kafka.brokers[0]')?.message).toMatch(/host:port/);
  });

  it('lets environment variables override addresses and secrets', () => {
    const c = loadConfig(undefined, {
      SIFT_KAFKA_BROKERS: 'k1:9092, k2:9092',
      SIFT_ES_URL: 'https://es.example:9243',
      SIFT_ES_API_KEY: 'c2VjcmV0',
      SIFT_HTTP_PORT: '0',
    });
    expect(c.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(c.elasticsearch.node).toBe('https://es.example:9243');
    expect(c.elasticsearch.api_key).toBe('c2VjcmV0');
    expect(c.telemetry.http_port).toBe(0);
  });

  it('reports a bad env value under the field path and the variable name', () => {
    const issues = issuesOf(() => loadConfig(undefined, { SIFT_HTTP_PORT: 'eighty' }));
    expect(issues).toEqual([{ path: 'telemetry.http_port', message: expect.stringContaining('SIFT_HTTP_PORT') }]);
  });

  it('never echoes a secret value in an error', () => {
    const file = tmpFile('s.yaml', 'elasticsearch:\n  password: 12345\n');
    const issues = issuesOf(() => loadConfig(file, {}));
    expect(issues[0]?.path).toBe('elasticsearch.password');
    expect(JSON.stringify(issues)).not.toContain('12345');
  });

  it('reads JSON files too', () => {
    const file = tmpFile('c.json', JSON.stringify({ elasticsearch: { namespace: 'prod' } }));
    expect(loadConfig(file, {}).elasticsearch.namespace).toBe('prod');
  });

  it('keeps docs/config.md in step with the schema', () => {
    const committed = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigReference());
  });
});
