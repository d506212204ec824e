import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * rsyslog as a contender: imkafka → omelasticsearch, as Debian ships them
 * (packages rsyslog-kafka and rsyslog-elasticsearch). rsyslogd runs in the
 * foreground with a config of its own in a temp dir: no system log inputs,
 * its own pid file and work directory, so it never touches the machine's
 * syslog.
 */
export const RSYSLOG_SKIPPED = 'rsyslog: skipped (apt-get install rsyslog-kafka rsyslog-elasticsearch)';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog'];

/** True when rsyslogd and both modules are installed. */
export function rsyslogAvailable(): boolean {
  if (!existsSync(RSYSLOGD)) return false;
  return MODULE_DIRS.some((d) => existsSync(join(d, 'imkafka.so')) && existsSync(join(d, 'omelasticsearch.so')));
}

export interface RsyslogOptions {
  brokers: readonly string[];
  /** Elasticsearch host and port (omelasticsearch takes them apart). */
  esHost: string;
  esPort: number;
  topic: string;
  group: string;
  index: string;
  /** Its work directory (queues, the error file). */
  dir: string;
}

/**
 * The config: the Kafka record's payload (rawmsg, untouched by any parser)
 * is the document; bulks of up to 2,000 messages (the main queue's dequeue
 * batch) and 5 MiB, Sift's defaults. Values are quoted as RainerScript
 * strings; the names the bench passes hold no quotes or backslashes.
 */
export function rsyslogConfig(o: RsyslogOptions): string {
  const q = (s: string): string => `"${s}"`;
  return [
    `global(workDirectory=${q(o.dir)} maxMessageSize="1m")`,
    'main_queue(queue.type="LinkedList" queue.size="100000" queue.dequeueBatchSize="2000")',
    'module(load="imkafka")',
    'module(load="omelasticsearch")',
    'template(name="document" type="list") { property(name="rawmsg") }',
    `input(type="imkafka" topic=${q(o.topic)} broker=[${o.brokers.map(q).join(', ')}] consumergroup=${q(o.group)} confParam=["auto.offset.reset=earliest"])`,
    `action(type="omelasticsearch" server=${q(o.esHost)} serverport=${q(String(o.esPort))} searchIndex=${q(o.index)} template="document" bulkmode="on" maxbytes="5m" esVersion.major="8" errorFile=${q(join(o.dir, 'es-errors.json'))})`,
    '',
  ].join('\n');
}

export interface Rsyslog {
  readonly proc: ChildProcess;
  readonly exited: Promise<unknown>;
  output(): string;
}

export function startRsyslog(o: RsyslogOptions): Rsyslog {
  const conf = join(o.dir, 'rsyslog.conf');
  writeFileSync(conf, rsyslogConfig(o));
  const proc = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(o.dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-50_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  return { proc, exited, output: () => out };
}
