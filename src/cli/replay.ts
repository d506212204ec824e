import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { prepareBatch, sourceVendors, type IndexDoc, type RawRecord, type SourcePlan } from '../ingest/index.js';
import { latenessOf } from '../pipeline/detect.js';
import { prepareOptionsOf } from '../pipeline/pipeline.js';
import { createEngine, detectInputs, formatIssue, loadRules, parseDuration, type Detection } from '../rules/index.js';
import { createSuppressor, describeFailure, offlinePlan, offlineRecord, sniffVendor, vendorFromName } from '../rules/testing/index.js';
import { describeError, packageRoot } from '../shared/index.js';
import { parse, UsageError } from './args.js';

export const REPLAY_HELP = `Usage: sift replay <file.ndjson | file.json | dir>… [--rules <dir>] [--source <vendor>]
                   [--config <file>] [--json] [--lateness <dur>] [--progress] [--skip-expected]
                   [--emit alerts|ecs]

Runs raw vendor audit events through the same prepare step as 'sift run'
(decode → normalize → enrich → _id) and its detection engine, and prints the
alerts. Needs no Kafka or Elasticsearch. What replay accepts, counts and
refuses is what 'sift run' would with the same settings.

Input: each line of a file is one record, as if produced to Kafka (NDJSON;
a line may itself hold many events: an Okta page, a CloudTrail {"Records":[…]}
file, a Pub/Sub batch); a file whose first line is not JSON on its own but
which is one JSON document (a pretty-printed CloudTrail log file) is one
record. A folder means every *.ndjson, *.jsonl, *.json and *.log file inside
it, recursively, in name order. All files feed one engine, in that order: a
sequence may span files. Records are read as bytes: a line that is not UTF-8
is refused as 'sift run' refuses such a record.

Vendor: --source, else per file from the first record's shape (each vendor's
documented keys, e.g. Okta eventType+uuid, CloudTrail eventSource), else from
the file name (okta, cloudtrail, github, gitlab, slack, zoom, gsuite or
google_workspace, gcp, aws). A file that matches none is an error.

Options:
  --rules <dir>      rules folder or file (default: the rules/ folder shipped with Sift)
  --source <vendor>  vendor of every file: ${sourceVendors().join(', ')}
  --config <file>    take pipeline.max_record_bytes, pipeline.max_depth and the
                     rules.* settings (lateness, max_future_skew, max_keys_per_rule,
                     regex_max_input_bytes) from this 'sift run' config
                     (default: its defaults, e.g. records up to 2 MiB)
  --json             one JSON object per alert on stdout (summary on stderr)
  --lateness <dur>   how late an event may arrive and still count (default: the
                     config's rules.default_lateness, 5m)
  --progress         progress bar on stderr even when it is not a terminal
  --skip-expected    leave out *-expected.json files (expected-output fixtures
                     such as Elastic's pipeline tests, which are not vendor events)
  --emit <what>      alerts (default), or ecs: no detection; every document
                     'sift run' would index, one JSON line each on stdout
                     ({"_index":…,"_id":…,"_source":{…}}), every dead letter
                     on stderr with its reason code, summary on stderr
  -h, --help         show this help

Bad records are counted and the first 20 are described on stderr with their
file:line (and event index within the record); they never stop the replay.
Rules that do not compile are reported and left out. Offsets (which stateful
rules use, with each event's index in its record, to order input) are record
numbers counted across all files; a record's timestamp is the time it is
read, so an event dated beyond now + rules.max_future_skew is future-dated
(single-event rules only). The summary counts records, events, alerts, bad
records, late and future-dated events; then each file with bad records is
named with its counts and reason codes (stderr).

Exit codes: 0 every file yielded events (bad records among them are reported,
as 'sift run' dead-letters them); 1 a file yielded no event at all (every
record refused: not the vendor's events, e.g. an expected-output fixture), or
no rule loaded; 2 usage.`;

/** Expected-output fixtures (Elastic's `*.log-expected.json`): ECS documents, not vendor events. */
const EXPECTED_FIXTURE = /-expected\.json$/i;

/** A JSON document that is not NDJSON has to be read whole; beyond this, ask for NDJSON. */
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;
const INPUT_EXT = /\.(ndjson|jsonl|json|log)$/i;
const BATCH = 500;
const SHOWN_ERRORS = 20;
const NEWLINE = 0x0a;

interface FilePlan {
  readonly file: string;
  readonly source: SourcePlan;
  /** NDJSON is streamed line by line (a record per line); a multi-line JSON document is one record. */
  readonly whole: boolean;
  readonly bytes: number;
}

function listFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!statSync(p).isDirectory()) {
      out.push(p);
      continue;
    }
    const inside = readdirSync(p, { recursive: true, encoding: 'utf8' })
      .filter((f) => INPUT_EXT.test(f))
      .sort()
      .map((f) => join(p, f));
    out.push(...inside.filter((f) => statSync(f).isFile()));
  }
  return out;
}

/** A line's bytes without its trailing CR (CRLF files). */
function chomp(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
}

function isBlank(line: Buffer): boolean {
  for (const c of line) if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  return true;
}

/**
 * The file's lines as bytes, numbered from 1, blank ones left out (they are
 * no record). Bytes, not text: a line that is not UTF-8 must reach decode as
 * it is, to be refused there exactly as `sift run` refuses such a record.
 */
async function* linesOf(file: string): AsyncGenerator<{ n: number; bytes: Buffer }> {
  // Pieces of a line that spans chunks, joined once at its end: a 64 MiB
  // one-line Records file costs one copy, not one per chunk.
  let pending: Buffer[] = [];
  let n = 0;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    let start = 0;
    let at = buf.indexOf(NEWLINE);
    while (at >= 0) {
      n++;
      const piece = buf.subarray(start, at);
      const line = chomp(pending.length > 0 ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      if (!isBlank(line)) yield { n, bytes: line };
      start = at + 1;
      at = buf.indexOf(NEWLINE, start);
    }
    if (start < buf.length) pending.push(buf.subarray(start));
  }
  if (pending.length > 0) {
    const line = chomp(Buffer.concat(pending));
    if (!isBlank(line)) yield { n: n + 1, bytes: line };
  }
}

async function firstLine(file: string): Promise<Buffer | undefined> {
  for await (const line of linesOf(file)) return line.bytes;
  return undefined;
}

function parses(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * NDJSON unless the first line is not JSON on its own and the whole file is
 * one JSON document (a pretty-printed CloudTrail log file). A file that is
 * neither is read as NDJSON, so each broken line is reported with its number.
 */
async function planFile(file: string, vendorFlag: string | undefined, namespace: string): Promise<FilePlan> {
  const bytes = statSync(file).size;
  const line = await firstLine(file);
  const firstValue = line === undefined ? undefined : parses(line.toString('utf8'));
  let whole = false;
  let sample = firstValue;
  if (line !== undefined && firstValue === undefined && bytes <= MAX_DOCUMENT_BYTES) {
    const document = parses(readFileSync(file, 'utf8'));
    whole = document !== undefined;
    if (whole) sample = document;
  }
  const vendor = vendorFlag ?? sniffVendor(sample) ?? vendorFromName(file);
  if (vendor === undefined) {
    throw new UsageError(`${file}: cannot tell which vendor wrote it (neither its first record nor its name says); pass --source <${sourceVendors().join('|')}>`);
  }
  const source = offlinePlan(vendor, namespace);
  if (!source) throw new UsageError(`unknown --source ${JSON.stringify(vendor)}; one of: ${sourceVendors().join(', ')}`);
  return { file, source, whole, bytes };
}

/** What one file gave: named in the by-file report when anything in it was refused. */
interface FileTally {
  readonly plan: FilePlan;
  records: number;
  events: number;
  refused: number;
  readonly codes: Map<string, number>;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The by-file report; returns how many files yielded no event at all. */
function reportFiles(tallies: readonly FileTally[]): number {
  const bad = tallies.filter((t) => t.refused > 0);
  if (bad.length === 0) return 0;
  console.error('bad records by file:');
  let empty = 0;
  for (const t of bad) {
    const codes = [...t.codes].map(([code, n]) => `${code} ×${n}`).join(', ');
    if (t.events > 0) {
      console.error(`  ${t.plan.file}: ${t.refused} refused (${codes}), ${t.events} events from ${plural(t.records, 'record')}`);
      continue;
    }
    empty++;
    const hint = EXPECTED_FIXTURE.test(t.plan.file) ? '; an expected-output fixture? --skip-expected leaves *-expected.json out' : '';
    console.error(`  ${t.plan.file}: no event in ${plural(t.records, 'record')} (${codes}): not ${t.plan.source.source.vendor} events${hint}`);
  }
  return empty;
}

interface Counters {
  records: number;
  events: number;
  alerts: number;
  suppressed: number;
  errors: number;
  late: number;
  future: number;
  bytes: number;
}

function alertJson(d: Detection): string {
  return JSON.stringify({
    rule: d.rule.spec.id,
    severity: d.rule.spec.severity,
    group: d.group,
    fields: d.fields,
    count: d.count,
    first: new Date(d.firstEventMs).toISOString(),
    last: new Date(d.lastEventMs).toISOString(),
    event_ids: d.eventIds,
  });
}

/**
 * One document as `sift run` would index it (`--emit ecs`): the bulk target
 * and `_id` beside the serialized source, keys in this order, one line.
 */
function documentJson(doc: IndexDoc): string {
  return `{"_index":${JSON.stringify(doc.index)},"_id":${JSON.stringify(doc.id)},"_source":${doc.source}}`;
}

function alertRow(d: Detection): string {
  const fields = Object.entries(d.fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return [new Date(d.lastEventMs).toISOString(), d.rule.spec.severity.padEnd(8), d.rule.spec.id.padEnd(40), String(d.count).padStart(5), fields].join('  ');
}

function createProgress(enabled: boolean, totalBytes: number, c: Counters): { tick(): void; clear(): void; done(): void } {
  const started = Date.now();
  let last = 0;
  const draw = (): void => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const ratio = totalBytes > 0 ? Math.min(c.bytes / totalBytes, 1) : 1;
    const bar = '█'.repeat(Math.round(ratio * 24)).padEnd(24, '░');
    process.stderr.write(`\r${bar} ${(ratio * 100).toFixed(0).padStart(3)}%  ${c.events} events  ${Math.round(c.events / secs)} ev/s  ${c.alerts} alerts  ${c.errors} errors `);
  };
  return {
    tick() {
      const now = Date.now();
      if (!enabled || now - last < 200) return;
      last = now;
      draw();
    },
    /** Before a line is printed on the same terminal: the bar is redrawn at the next tick. */
    clear() {
      if (enabled) process.stderr.write('\r\x1b[K');
    },
    done() {
      if (!enabled) return;
      draw();
      process.stderr.write('\n');
    },
  };
}

export async function replayCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      rules: { type: 'string' },
      source: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      lateness: { type: 'string' },
      progress: { type: 'boolean' },
      'skip-expected': { type: 'boolean' },
      emit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    console.log(REPLAY_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give at least one file or folder to replay');
  const emitEcs = values.emit === 'ecs';
  // `sift replay … | head`: a reader that closes the pipe ends the output, as for any Unix filter.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  if (values.emit !== undefined && !emitEcs && values.emit !== 'alerts') throw new UsageError(`--emit is alerts or ecs; got ${JSON.stringify(values.emit)}`);
  if (emitEcs && values.rules !== undefined) throw new UsageError('--emit ecs runs no rules: leave out --rules');
  const lateness = values.lateness === undefined ? undefined : parseDuration(values.lateness);
  if (values.lateness !== undefined && lateness === undefined) {
    throw new UsageError(`--lateness must be a duration such as 30s, 5m, 1h; got ${JSON.stringify(values.lateness)}`);
  }
  // The same settings `sift run` would use: its defaults, or the given config file.
  const config = loadConfig(values.config);
  const options = prepareOptionsOf(config);
  const latenessMs = lateness === undefined ? latenessOf(config.rules) : () => lateness;
  let files: string[];
  try {
    files = listFiles(positionals);
  } catch (err) {
    throw new UsageError(describeError(err));
  }
  if (values['skip-expected']) {
    const kept = files.filter((f) => !EXPECTED_FIXTURE.test(f));
    const skipped = files.length - kept.length;
    if (skipped > 0) console.error(`skipped ${skipped} expected-output file${skipped === 1 ? '' : 's'} (*-expected.json)`);
    files = kept;
  }
  if (files.length === 0) throw new UsageError(`no *.ndjson, *.jsonl, *.json or *.log file in ${positionals.join(', ')}`);
  const plans: FilePlan[] = [];
  for (const f of files) plans.push(await planFile(f, values.source, config.elasticsearch.namespace));

  const ruleset = emitEcs ? { rules: [], issues: [] } : loadRules([values.rules ?? join(packageRoot(), 'rules')], { regexMaxInputBytes: config.rules.regex_max_input_bytes, lookupPaths: config.rules.lookup_paths, tests: false });
  for (const issue of ruleset.issues) console.error(`rule not loaded: ${formatIssue(issue)}`);
  if (ruleset.rules.length === 0 && !emitEcs) {
    console.error('no rule loaded: nothing to detect');
    return 1;
  }
  const c: Counters = { records: 0, events: 0, alerts: 0, suppressed: 0, errors: 0, late: 0, future: 0, bytes: 0 };
  const engine = createEngine(ruleset.rules, {
    latenessMs,
    maxKeysPerRule: config.rules.max_keys_per_rule,
    hooks: {
      onQuarantine: (id: string, error: unknown) => console.error(`rule ${id} quarantined (it threw): ${describeError(error)}`),
      onLate: (_id: string, count: number) => void (c.late += count),
    },
  });
  const partition = engine.partition('replay');
  const suppressor = createSuppressor();
  const progress = createProgress(values.progress === true || process.stderr.isTTY === true, plans.reduce((n, p) => n + p.bytes, 0), c);
  const started = Date.now();
  let offset = 0;
  let batch: RawRecord[] = [];
  /** Where each record of the batch came from (`file:line`), by position in the batch. */
  let wheres: string[] = [];
  const tallies: FileTally[] = [];
  let tally: FileTally | undefined;

  const emit = (detections: readonly Detection[]): void => {
    for (const d of detections) {
      if (suppressor.offer(d) !== undefined) continue;
      c.alerts++;
      progress.clear();
      if (values.json) process.stdout.write(`${alertJson(d)}\n`);
      else console.log(alertRow(d));
    }
  };
  const bad = (where: string, why: string): void => {
    c.errors++;
    // An author looking at documents wants every dead letter, not a sample.
    if (c.errors > SHOWN_ERRORS && !emitEcs) return;
    progress.clear();
    console.error(`${where}: ${why}`);
  };
  /** The batch through `sift run`'s prepare step, then the engine. */
  const flush = (plan: FilePlan): void => {
    if (batch.length === 0) return;
    const prepared = prepareBatch(batch, plan.source, options);
    const first = Number(batch[0]?.offset ?? 0);
    if (tally) {
      tally.events += prepared.docs.length;
      tally.refused += prepared.dead.length;
      for (const d of prepared.dead) tally.codes.set(d.code, (tally.codes.get(d.code) ?? 0) + 1);
    }
    for (const d of prepared.dead) {
      const where = wheres[Number(d.record.offset) - first] ?? plan.file;
      bad(d.eventIndex === undefined ? where : `${where} (event ${d.eventIndex})`, describeFailure({ ok: false, code: d.code, message: d.message, path: d.path }));
    }
    c.events += prepared.docs.length;
    for (const o of prepared.origins) if (o.future) c.future++;
    if (emitEcs) {
      progress.clear();
      for (const doc of prepared.docs) process.stdout.write(`${documentJson(doc)}\n`);
    } else {
      emit(partition.evaluate(detectInputs(prepared)));
    }
    batch = [];
    wheres = [];
  };
  /**
   * One record (a line, or a whole document) at the next offset: offsets run
   * across all files, so they only grow, as Kafka's do. Its timestamp is the
   * time it is read, as if a producer sent it now.
   */
  const take = (plan: FilePlan, bytes: Buffer, where: string): void => {
    c.records++;
    if (tally) tally.records++;
    batch.push(offlineRecord(plan.file, offset++, bytes, Date.now()));
    wheres.push(where);
    if (batch.length >= BATCH) flush(plan);
  };

  // With --emit ecs, stdout holds documents only (pipe it into jq); everything else goes to stderr.
  const quiet = values.json === true || emitEcs;
  if (!quiet) console.log(['last event'.padEnd(24), 'severity', 'rule'.padEnd(40), 'count', 'fields'].join('  '));
  for (const plan of plans) {
    tally = { plan, records: 0, events: 0, refused: 0, codes: new Map() };
    tallies.push(tally);
    if (plan.whole) {
      take(plan, readFileSync(plan.file), plan.file);
      c.bytes += plan.bytes;
    } else {
      for await (const line of linesOf(plan.file)) {
        c.bytes += line.bytes.length + 1;
        take(plan, line.bytes, `${plan.file}:${line.n}`);
        progress.tick();
      }
    }
    flush(plan);
    progress.tick();
  }
  progress.done();
  c.suppressed = suppressor.suppressed;
  const secs = (Date.now() - started) / 1000;
  const extra = [c.late > 0 ? `${c.late} late` : '', c.future > 0 ? `${c.future} future-dated` : ''].filter((x) => x !== '').join(', ');
  const counts = emitEcs
    ? `${c.records} records, ${c.events} documents, ${c.errors} dead letters`
    : `${c.records} records, ${c.events} events, ${c.alerts} alerts${c.suppressed > 0 ? ` (${c.suppressed} suppressed)` : ''}, ${c.errors} errors`;
  const summary = `${counts}${extra === '' ? '' : `, ${extra}`}, in ${secs.toFixed(1)}s`;
  if (c.errors > SHOWN_ERRORS && !emitEcs) console.error(`… and ${c.errors - SHOWN_ERRORS} more bad records`);
  const empty = reportFiles(tallies);
  if (quiet) console.error(summary);
  else console.log(`\n${summary}`);
  // A file of which nothing was an event is the wrong input, not a few bad lines.
  return empty > 0 ? 1 : 0;
}
