// docker-compose.yml and Dockerfile, checked without a Docker engine.
//
// 1. The compose file validates against the Compose Specification JSON schema
//    (compose-spec/compose-spec, schema/compose-spec.json, Apache-2.0), as
//    shipped by the `dclint` devDependency in schemas/compose.schema.json.
//    Negative controls make sure the schema really rejects bad files.
// 2. Wiring the schema cannot see: depends_on targets exist and have a
//    healthcheck when waited on as healthy, Sift's env points at the kafka and
//    elasticsearch services on ports they listen on, the Sift services build
//    from ./Dockerfile, which COPYs only paths present in the build context and
//    runs dist/src/main.js, published host ports don't collide, versions match
//    scripts/stack.sh. The rules: the runtime stage copies rules/, compose
//    mounts a rules folder at SIFT_RULES_DIR, and config keys named in
//    comments exist (test/integration/image-tree.test.ts runs the image tree).
// 3. When Compose v2 is on PATH (`docker compose` or `docker-compose`), also
//    `config -q`, which needs no engine. Skipped, alone, where there is none.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ErrorObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { contextSources, dockerfileInstructions, dockerignore } from '../helpers/dockerfile.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, Json>;
interface Compose {
  services: Record<string, Obj>;
  volumes?: Record<string, Obj | null>;
  [key: string]: Json | undefined;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses like Compose does: YAML 1.1 merge keys (`<<: *anchor`) allowed. */
function loadCompose(text: string): Compose {
  const doc: unknown = parse(text, { merge: true });
  if (!isObj(doc) || !isObj(doc.services)) throw new Error('docker-compose.yml: no services mapping');
  return doc as unknown as Compose;
}

const clone = <T>(v: T): T => structuredClone(v);

// ------------------------------------------------------------------ schema --

/** The compose-spec schema, from the dclint package (its `schemas/` is published, not exported). */
function loadSchema(): { schema: AnySchemaObject; source: string } {
  const pkgJson = createRequire(import.meta.url).resolve('dclint/package.json');
  const source = join(dirname(pkgJson), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(source, 'utf8')) as AnySchemaObject;
  return { schema, source };
}

/** Compiles with the Ajv class for the schema's draft (compose-spec is draft-07 today). */
function compileSchema(schema: AnySchemaObject) {
  const draft = String(schema.$schema ?? '');
  const opts = { allErrors: true, strict: false, allowUnionTypes: true } as const;
  // The spec writes `https://json-schema.org/draft-07/schema`; Ajv registers its
  // meta-schemas under their canonical http ids, so point $schema at those.
  if (/draft-07/.test(draft)) return new Ajv(opts).compile({ ...schema, $schema: 'http://json-schema.org/draft-07/schema#' });
  if (/2019-09/.test(draft)) return new Ajv2019(opts).compile({ ...schema, $schema: 'https://json-schema.org/draft/2019-09/schema' });
  if (/2020-12/.test(draft)) return new Ajv2020(opts).compile({ ...schema, $schema: 'https://json-schema.org/draft/2020-12/schema' });
  throw new Error(`compose schema: unsupported $schema ${JSON.stringify(draft)}`);
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

// ----------------------------------------------------------------- wiring --

/** depends_on as name → condition, for both the list and the mapping form. */
function dependsOn(service: Obj): Record<string, string> {
  const d = service.depends_on;
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [String(n), 'service_started']));
  if (isObj(d)) return Object.fromEntries(Object.entries(d).map(([n, v]) => [n, isObj(v) ? String(v.condition) : 'service_started']));
  return {};
}

function env(service: Obj): Record<string, string> {
  const e = service.environment;
  if (Array.isArray(e)) {
    return Object.fromEntries(e.map((kv) => String(kv).split(/=(.*)/s, 2) as [string, string]));
  }
  if (isObj(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return {};
}

interface Published {
  service: string;
  hostIp: string;
  hostPort: string;
  containerPort: string;
}

/** Published ports in short (`[ip:]host:container[/proto]`) or long syntax. */
function publishedPorts(name: string, service: Obj): Published[] {
  const out: Published[] = [];
  for (const p of Array.isArray(service.ports) ? service.ports : []) {
    if (isObj(p)) {
      if (p.published !== undefined && p.published !== null) {
        out.push({ service: name, hostIp: String(p.host_ip ?? '0.0.0.0'), hostPort: String(p.published), containerPort: String(p.target) });
      }
      continue;
    }
    const spec = String(p).replace(/\/(tcp|udp|sctp)$/, '');
    const parts = spec.split(':');
    if (parts.length === 1) continue; // container port only: not published on a fixed host port
    const containerPort = parts.at(-1) ?? '';
    const hostPort = parts.at(-2) ?? '';
    const hostIp = parts.length > 2 ? parts.slice(0, -2).join(':') : '0.0.0.0';
    out.push({ service: name, hostIp, hostPort, containerPort });
  }
  return out;
}

/** Whether a service has a healthcheck, its own or, for a build, the Dockerfile's HEALTHCHECK. */
function hasHealthcheck(service: Obj, dockerfileFor: (service: Obj) => string | undefined): boolean {
  const hc = service.healthcheck;
  if (isObj(hc)) return hc.disable !== true && !(Array.isArray(hc.test) && hc.test[0] === 'NONE');
  const dockerfile = dockerfileFor(service);
  return dockerfile !== undefined && existsSync(dockerfile) && /^\s*HEALTHCHECK\s+(?!NONE\b)/im.test(readFileSync(dockerfile, 'utf8'));
}

/** The Dockerfile a service builds from, or undefined for an image-only service. */
function dockerfileFor(service: Obj): string | undefined {
  const b = service.build;
  if (typeof b === 'string') return join(ROOT, b, 'Dockerfile');
  if (isObj(b)) return join(ROOT, String(b.context ?? '.'), String(b.dockerfile ?? 'Dockerfile'));
  return undefined;
}

/** Cross-service problems the JSON schema cannot express. Empty when all is well. */
function wiringProblems(compose: Compose): string[] {
  const problems: string[] = [];
  const services = compose.services;
  const names = new Set(Object.keys(services));
  for (const [name, svc] of Object.entries(services)) {
    for (const [dep, condition] of Object.entries(dependsOn(svc))) {
      const target = services[dep];
      if (!target) {
        problems.push(`${name}: depends_on unknown service ${JSON.stringify(dep)}`);
        continue;
      }
      if (dep === name) problems.push(`${name}: depends on itself`);
      if (condition === 'service_healthy' && !hasHealthcheck(target, dockerfileFor)) {
        problems.push(`${name}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
    }
    // Named volumes (not host paths) must be declared at the top level.
    for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
      const source = isObj(v) ? (v.type === 'volume' ? String(v.source ?? '') : '') : String(v).split(':')[0] ?? '';
      if (source && !/^[./~$]/.test(source) && !(compose.volumes && source in compose.volumes)) {
        problems.push(`${name}: volume ${JSON.stringify(source)} is not declared under top-level volumes`);
      }
    }
    if (svc.build === undefined && typeof svc.image !== 'string') problems.push(`${name}: neither image nor build`);
  }
  // Host ports: one listener per (address, port); 0.0.0.0 overlaps every address.
  const seen: Published[] = [];
  for (const [name, svc] of Object.entries(services)) {
    for (const p of publishedPorts(name, svc)) {
      const clash = seen.find((q) => q.hostPort === p.hostPort && (q.hostIp === p.hostIp || q.hostIp === '0.0.0.0' || p.hostIp === '0.0.0.0'));
      if (clash) problems.push(`host port ${p.hostIp}:${p.hostPort} of ${p.service} is already published by ${clash.service}`);
      seen.push(p);
    }
  }
  // Sift's clients must point at services of this file, on ports they listen on.
  for (const name of ['sift', 'generator']) {
    const svc = services[name];
    if (!svc) {
      problems.push(`no ${name} service`);
      continue;
    }
    const e = env(svc);
    const brokers = (e.SIFT_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    if (brokers.length === 0) problems.push(`${name}: SIFT_KAFKA_BROKERS is not set`);
    for (const b of brokers) {
      const [host = '', port = ''] = b.trim().split(':');
      const kafka = services[host];
      if (!kafka) {
        problems.push(`${name}: broker ${b} is not a service of this file (${[...names].join(', ')})`);
        continue;
      }
      const advertised = env(kafka).KAFKA_ADVERTISED_LISTENERS ?? '';
      if (!advertised.split(',').some((l) => l.trim().endsWith(`://${host}:${port}`))) {
        problems.push(`${name}: broker ${b} is not among ${host}'s KAFKA_ADVERTISED_LISTENERS (${advertised})`);
      }
    }
  }
  const sift = services.sift;
  if (sift) {
    const e = env(sift);
    let es: URL | undefined;
    try {
      es = new URL(e.SIFT_ES_URL ?? '');
    } catch {
      problems.push(`sift: SIFT_ES_URL ${JSON.stringify(e.SIFT_ES_URL)} is not a URL`);
    }
    if (es) {
      const target = services[es.hostname];
      if (!target) problems.push(`sift: SIFT_ES_URL host ${es.hostname} is not a service of this file`);
      else if (!String(target.image ?? '').startsWith('docker.elastic.co/elasticsearch/')) problems.push(`sift: SIFT_ES_URL host ${es.hostname} does not run Elasticsearch`);
      if ((es.port || (es.protocol === 'https:' ? '443' : '80')) !== '9200') problems.push(`sift: SIFT_ES_URL port is not Elasticsearch's 9200`);
    }
    if (e.SIFT_HTTP_HOST !== '0.0.0.0') problems.push('sift: SIFT_HTTP_HOST must be 0.0.0.0, or /metrics and /healthz are unreachable from outside the container');
    const httpPort = e.SIFT_HTTP_PORT ?? '9464';
    if (!publishedPorts('sift', sift).some((p) => p.containerPort === httpPort)) problems.push(`sift: container port ${httpPort} (SIFT_HTTP_PORT) is not published`);
    const deps = dependsOn(sift);
    for (const need of ['kafka', 'elasticsearch']) {
      if (deps[need] !== 'service_healthy') problems.push(`sift: must wait for ${need} with condition service_healthy`);
    }
  }
  return problems;
}

// ------------------------------------------------------------- Dockerfile --

// Instructions, the .dockerignore matcher and COPY sources: test/helpers/dockerfile.ts.

// ------------------------------------------------------------------ tests --

const composeText = readFileSync(COMPOSE_FILE, 'utf8');
const compose = loadCompose(composeText);
const { schema, source: schemaSource } = loadSchema();
const validate = compileSchema(schema);

describe('docker-compose.yml: compose-spec schema', () => {
  it('uses the real compose-spec schema', () => {
    expect(schema.title).toBe('Compose Specification');
    expect(schema.additionalProperties, `${schemaSource} should forbid unknown top-level keys`).toBe(false);
  });

  it('is a valid Compose file', () => {
    const ok = validate(compose);
    expect(formatErrors(validate.errors), 'schema errors').toBe('');
    expect(ok).toBe(true);
  });

  it('rejects broken variants (negative controls, so a no-op schema cannot pass)', () => {
    const unknownTopLevel = { ...clone(compose), servcies: {} };
    const unknownServiceKey = clone(compose);
    (unknownServiceKey.services.sift as Obj).enviroment = { A: 'b' };
    const badCondition = clone(compose);
    (badCondition.services.sift as Obj).depends_on = { kafka: { condition: 'service_ready' } };
    const badHealthcheck = clone(compose);
    (badHealthcheck.services.kafka as Obj).healthcheck = { test: ['CMD-SHELL', 'true'], interval: 10 };
    const cases: [string, Compose, RegExp][] = [
      ['unknown top-level key', unknownTopLevel, /servcies/],
      ['unknown service key', unknownServiceKey, /enviroment/],
      ['unknown depends_on condition', badCondition, /\/services\/sift\/depends_on\/kafka\/condition/],
      ['healthcheck interval not a duration string', badHealthcheck, /\/services\/kafka\/healthcheck\/interval/],
    ];
    for (const [label, doc, culprit] of cases) {
      expect(validate(doc), label).toBe(false);
      expect(formatErrors(validate.errors), label).toMatch(culprit);
    }
  });
});

describe('docker-compose.yml: wiring', () => {
  it('has the services of the Sift stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['elasticsearch', 'generator', 'kafka', 'kibana', 'kibana-setup', 'sift']);
  });

  it('has no dangling depends_on, volumes, env targets or port collisions', () => {
    expect(wiringProblems(compose)).toEqual([]);
  });

  it('catches broken wiring (negative controls)', () => {
    const missingDep = clone(compose);
    (missingDep.services.sift as Obj).depends_on = { kafak: { condition: 'service_healthy' } };
    expect(wiringProblems(missingDep).join('\n')).toMatch(/depends_on unknown service "kafak"/);

    const wrongBroker = clone(compose);
    (wrongBroker.services.sift as Obj).environment = { ...env(wrongBroker.services.sift as Obj), SIFT_KAFKA_BROKERS: 'localhost:9092' };
    expect(wiringProblems(wrongBroker).join('\n')).toMatch(/broker localhost:9092 is not a service/);

    const clash = clone(compose);
    (clash.services.kibana as Obj).ports = ['127.0.0.1:9200:5601'];
    expect(wiringProblems(clash).join('\n')).toMatch(/host port 127\.0\.0\.1:9200 .* already published/);

    const noHealth = clone(compose);
    delete (noHealth.services.elasticsearch as Obj).healthcheck;
    expect(wiringProblems(noHealth).join('\n')).toMatch(/waits for elasticsearch to be healthy, but elasticsearch has no healthcheck/);

    const undeclaredVolume = clone(compose);
    delete undeclaredVolume.volumes;
    expect(wiringProblems(undeclaredVolume).join('\n')).toMatch(/volume "es-data" is not declared/);
  });

  it('runs Kafka in KRaft combined mode with single-replica internal topics', () => {
    const kafka = compose.services.kafka as Obj;
    const e = env(kafka);
    expect(String(kafka.image)).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(e.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(e.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${e.KAFKA_NODE_ID}@kafka:9093`);
    for (const k of ['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR']) {
      expect(e[k], k).toBe('1');
    }
    // Every listener name is declared, mapped to a protocol, and advertised ones are bound.
    const listenerNames = (v: string | undefined) => (v ?? '').split(',').map((l) => l.split('://')[0]?.trim());
    const bound = listenerNames(e.KAFKA_LISTENERS);
    const mapped = listenerNames((e.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').replace(/:/g, '://'));
    for (const n of bound) expect(mapped, `${n} in KAFKA_LISTENER_SECURITY_PROTOCOL_MAP`).toContain(n);
    for (const n of listenerNames(e.KAFKA_ADVERTISED_LISTENERS)) expect(bound, `advertised ${n} in KAFKA_LISTENERS`).toContain(n);
    expect(bound).toContain(e.KAFKA_CONTROLLER_LISTENER_NAMES);
    expect(bound).toContain(e.KAFKA_INTER_BROKER_LISTENER_NAME);
  });

  it('runs a single-node Elasticsearch without security, healthy at yellow', () => {
    const es = compose.services.elasticsearch as Obj;
    const e = env(es);
    expect(e['discovery.type']).toBe('single-node');
    expect(e['xpack.security.enabled']).toBe('false');
    expect(e.ES_JAVA_OPTS).toBe('-Xms1g -Xmx1g');
    expect(JSON.stringify((es.healthcheck as Obj).test)).toContain('_cluster/health?wait_for_status=yellow');
    const kibana = compose.services.kibana as Obj;
    expect(String(kibana.image).split(':')[1], 'Kibana and Elasticsearch versions match').toBe(String(es.image).split(':')[1]);
    expect(env(kibana).ELASTICSEARCH_HOSTS).toContain('http://elasticsearch:9200');
    expect(publishedPorts('kibana', kibana).map((p) => p.hostPort)).toContain('5601');
  });

  it('uses the Kafka and Elasticsearch versions of the local stack (scripts/stack.sh)', () => {
    const stack = readFileSync(join(ROOT, 'scripts', 'stack.sh'), 'utf8');
    const kafkaVersion = /^KAFKA_VERSION=\$\{SIFT_KAFKA_VERSION:-([^}]+)\}/m.exec(stack)?.[1];
    const esVersions = /^ES_VERSIONS=\$\{SIFT_ES_VERSION:-"([^"]+)"\}/m.exec(stack)?.[1]?.split(/\s+/);
    expect(kafkaVersion, 'KAFKA_VERSION default in scripts/stack.sh').toBeDefined();
    expect(esVersions, 'ES_VERSIONS default in scripts/stack.sh').toBeDefined();
    expect(String(compose.services.kafka?.image)).toBe(`apache/kafka:${kafkaVersion}`);
    expect(esVersions).toContain(String(compose.services.elasticsearch?.image).split(':')[1]);
  });

  it('runs sift and the generator from the repository Dockerfile', () => {
    for (const name of ['sift', 'generator', 'kibana-setup']) {
      const svc = compose.services[name] as Obj;
      const dockerfile = dockerfileFor(svc);
      expect(dockerfile, `${name} builds from this repository`).toBe(join(ROOT, 'Dockerfile'));
      expect(svc.image, `${name} must not also pull an image`).toBeUndefined();
      expect(svc.init, `${name}: an init forwards SIGTERM`).toBe(true);
    }
    expect(compose.services.sift?.command).toEqual(['run']);
    const gen = compose.services.generator as Obj;
    expect(Array.isArray(gen.command) && gen.command[0]).toBe('generate');
    expect(gen.restart).toBe('no');
    expect(hasHealthcheck(gen, () => undefined), 'the generator serves no /healthz').toBe(false);
  });

  it('imports the Kibana assets once Kibana answers /api/status, with sift kibana import', () => {
    const setup = compose.services['kibana-setup'] as Obj;
    expect(setup.command).toEqual(['kibana', 'import', '--url', 'http://kibana:5601']);
    expect(dependsOn(setup)).toEqual({ kibana: 'service_healthy' });
    expect(JSON.stringify((compose.services.kibana?.healthcheck as Obj).test)).toContain('http://localhost:5601/api/status');
    // The URL's port is the one Kibana listens on inside the network (its published container port).
    expect(publishedPorts('kibana', compose.services.kibana as Obj).map((p) => p.containerPort)).toContain('5601');
    expect(String(setup.restart)).toMatch(/^on-failure/);
    expect(hasHealthcheck(setup, () => undefined), 'a one-shot job serves no /healthz').toBe(false);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfileInstructions(text);
  const last = Math.max(...instructions.map((i) => i.stage));
  const runtime = instructions.filter((i) => i.stage === last);
  const get = (op: string) => runtime.filter((i) => i.op === op).map((i) => i.args);

  it('is multi-stage on Node 24 and runs dist/src/main.js as a non-root user', () => {
    expect(last, 'build and runtime stages').toBeGreaterThanOrEqual(1);
    const nodeImage = /^ARG\s+NODE_IMAGE=(\S+)/m.exec(text)?.[1];
    for (const from of instructions.filter((i) => i.op === 'FROM')) {
      const image = from.args.split(/\s+/)[0]?.replace('${NODE_IMAGE}', nodeImage ?? '');
      expect(image).toMatch(/^node:24[-.\w]*$/);
    }
    expect(get('ENTRYPOINT').map((a) => JSON.parse(a) as unknown)).toEqual([['node', 'dist/src/main.js']]);
    expect(get('CMD').map((a) => JSON.parse(a) as unknown)).toEqual([['run']]);
    expect(existsSync(join(ROOT, 'src', 'main.ts')), 'dist/src/main.js is compiled from src/main.ts').toBe(true);
    expect(get('USER')).toEqual(['node']);
    expect(get('EXPOSE')).toEqual(['9464']);
    expect(get('HEALTHCHECK').join(' ')).toContain('/healthz');
    expect(get('ENV').join(' ')).toMatch(/SIFT_HTTP_HOST=0\.0\.0\.0/);
  });

  it('installs with npm ci --ignore-scripts (prepare runs tsc) and production deps only at runtime', () => {
    const runs = instructions.filter((i) => i.op === 'RUN');
    expect(runs.filter((r) => r.stage < last).map((r) => r.args).join('\n')).toMatch(/npm ci --ignore-scripts[\s\S]*tsc -p tsconfig\.build\.json/);
    expect(get('RUN').join('\n')).toMatch(/npm ci --omit=dev --ignore-scripts/);
  });

  it('copies only paths that exist and that .dockerignore keeps in the build context', () => {
    const ignored = dockerignore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
    const sources = contextSources(instructions);
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const src of sources) {
      const rel = src.replace(/^\.\//, '').replace(/\/+$/, '');
      expect(existsSync(join(ROOT, rel)), `COPY ${src}: missing from the repository`).toBe(true);
      expect(ignored(rel), `COPY ${src}: excluded by .dockerignore`).toBe(false);
    }
    // The build stage compiles everything tsconfig.build.json includes.
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include?: string[] };
    for (const inc of build.include ?? []) {
      if (existsSync(join(ROOT, inc)) && statSync(join(ROOT, inc)).isDirectory()) expect(sources, `tsconfig.build.json includes ${inc}`).toContain(inc);
    }
    // And the heavy or secret host folders stay out of the context.
    for (const p of ['node_modules', 'dist', '.cache', '.git', '.env']) expect(ignored(p), `.dockerignore should exclude ${p}`).toBe(true);
  });
});

// ------------------------------------------------ rules and config keys --

/** Every config key docs/config.md documents (`kafka.brokers`, `rules.lateness[].dataset`, …). */
function documentedKeys(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8');
  return new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? ''));
}

/** `section.key` names written in a file's `#` comments, where `section` is a config section. */
function configKeysInComments(text: string, sections: ReadonlySet<string>): string[] {
  const comments = text
    .split('\n')
    .map((l) => /#(.*)$/.exec(l)?.[1] ?? '')
    .join('\n');
  return [...comments.matchAll(/\b([a-z_]+)\.([a-z_]+(?:\.[a-z_]+)*)\b/g)].filter((m) => sections.has(m[1] ?? '')).map((m) => m[0]);
}

/** A service's volumes as { source, target, readOnly }, short (`src:dst[:ro]`) or long syntax. */
function mounts(service: Obj): { source: string; target: string; readOnly: boolean }[] {
  return (Array.isArray(service.volumes) ? service.volumes : []).map((v) => {
    if (isObj(v)) return { source: String(v.source ?? ''), target: String(v.target ?? ''), readOnly: v.read_only === true };
    // `${VAR:-./rules}:/app/rules-user:ro`: split on the colons outside ${…}.
    const parts = String(v).match(/(\$\{[^}]*\}|[^:])+/g) ?? [];
    return { source: parts[0] ?? '', target: parts[1] ?? '', readOnly: (parts[2] ?? '').split(',').includes('ro') };
  });
}

/** What `${VAR:-default}` / `${VAR-default}` / `$VAR` becomes with VAR unset (compose interpolation). */
const withDefaults = (s: string): string => s.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1').replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '');

describe('rules in the image and in compose (issue 11, point 1)', () => {
  const dockerfileText = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfileInstructions(dockerfileText);
  const last = Math.max(...instructions.map((i) => i.stage));

  it('the runtime stage copies the shipped rules/ folder, which rules.dir defaults to', () => {
    const runtimeSources = contextSources(instructions.filter((i) => i.stage === last)).map((s) => s.replace(/^\.\//, '').replace(/\/+$/, ''));
    expect(runtimeSources, 'COPY rules in the runtime stage').toContain('rules');
    expect(readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8')).toMatch(/`rules\.dir`[^\n]*Empty: the rules\/ folder shipped with Sift/);
  });

  it('compose runs sift on a mounted rules folder named by SIFT_RULES_DIR, the shipped rules by default', () => {
    const sift = compose.services.sift as Obj;
    const dir = env(sift).SIFT_RULES_DIR;
    expect(dir ?? '', 'sift: SIFT_RULES_DIR').toMatch(/^\//);
    const mount = mounts(sift).find((m) => m.target === dir);
    expect(mount, `sift: a volume mounted at SIFT_RULES_DIR ${dir}`).toBeDefined();
    expect(mount?.readOnly, 'the rules folder is mounted read-only').toBe(true);
    // Unset on the host, the mount is the repository's own rules/: the shipped rules.
    expect(withDefaults(mount?.source ?? '').replace(/\/+$/, '')).toBe('./rules');
    // Set on the host, the host's folder is what gets mounted.
    expect(mount?.source).toMatch(/^\$\{SIFT_RULES_DIR:-/);
  });

  it('Dockerfile and compose comments name only config keys that exist', () => {
    const keys = documentedKeys();
    expect(keys.has('pipeline.shutdown_timeout_ms'), 'docs/config.md lists the keys').toBe(true);
    const sections = new Set([...keys].map((k) => k.split('.')[0] ?? ''));
    for (const [file, text] of [['Dockerfile', dockerfileText], ['docker-compose.yml', composeText]] as const) {
      const named = configKeysInComments(text, sections);
      expect(named.filter((k) => !keys.has(k)), `${file}: config keys in comments that docs/config.md does not list`).toEqual([]);
    }
    // Negative control: the check sees a wrong key in a comment.
    expect(configKeysInComments('# within telemetry.shutdown_timeout_ms', sections)).toEqual(['telemetry.shutdown_timeout_ms']);
  });
});

// ------------------------------------------------------ compose CLI, if any --

/**
 * Compose v2, as the `docker compose` plugin or a standalone `docker-compose`.
 * v1 (Python, end of life since 2023, e.g. Debian bookworm's docker-compose
 * 1.29) validates against an old schema and counts as absent.
 */
function composeCli(): string[] | undefined {
  const candidates = [['docker', 'compose'], ['docker-compose']];
  for (const c of candidates) {
    const [cmd = '', ...pre] = c;
    const r = spawnSync(cmd, [...pre, 'version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0 && /^Docker Compose version/m.test(r.stdout)) return c;
  }
  return undefined;
}

const cli = composeCli();

describe('docker-compose.yml: compose CLI', () => {
  it.skipIf(cli === undefined)(`${cli ? cli.join(' ') : 'docker compose'} config -q accepts it (no engine needed)`, () => {
    const [cmd = '', ...pre] = cli ?? [];
    const r = spawnSync(cmd, [...pre, '-f', COMPOSE_FILE, 'config', '-q'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.error, 'compose CLI did not run').toBeUndefined();
    expect(r.status, `compose config -q failed:\n${r.stderr}`).toBe(0);
  });
});
