import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeRecord, sourceFor, sourceVendors, type DecodeLimits, type Source } from '../ingest/index.js';
import { createEngine, formatIssue, loadRules, parseDuration, type Detection, type DetectInput } from '../rules/index.js';
import { createSuppressor, describeFailure, prepareRaw, sniffVendor, vendorFromName } from '../rules/testing/index.js';
import { describeError, packageRoot, type Failure } from '../shared/index.js';
import { parse, UsageError } from './args.js';

export const REPLAY_HELP = `Usage: sift replay <file.ndjson | file.json | dir>… [--rules <dir>] [--source <vendor>]
                   [--json] [--lateness <dur>] [--progress]

Runs raw vendor audit events through decode → normalize → detect, as
'sift run' would, and prints the alerts. Needs no Kafka or Elasticsearch.

Input: NDJSON (one record per line, streamed) or one JSON document per file
(e.g. a CloudTrail {"Records":[…]} file); a folder means every *.ndjson,
*.jsonl, *.json and *.log file inside it, recursively, in name order. All
files feed one engine, in that order: a sequence may span files.

Vendor: --source, else per file from the first record's shape (each vendor's
documented keys, e.g. Okta eventType+uuid, CloudTrail eventSource), else from
the file name (okta, cloudtrail, github, gitlab, slack, zoom, gsuite or
google_workspace, gcp, aws). A file that matches none is an error.

Options:
  --rules <dir>      rules folder or file (default: the rules/ folder shipped with Sift)
  --source <vendor>  vendor of every file: ${sourceVendors().join(', ')}
  --json             one JSON object per alert on stdout (summary on stderr)
  --lateness <dur>   how late an event may arrive and still count (default: 5m)
  --progress         progress bar on stderr even when it is not a terminal
  -h, --help         show this help

Bad lines are counted and the first 20 are described on stderr; they never
stop the replay. Rules that do not compile are reported and left out. Offsets (which stateful rules use to order input) are line
numbers counted across all files.`;

/** Generous: a replayed line may be a whole CloudTrail log file. */
const LIMITS: DecodeLimits = { maxBytes: 64 * 1024 * 1024, maxDepth: 64 };
/** A JSON document that is not NDJSON has to be read whole; beyond this, ask for NDJSON. */
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;
const DOCUMENT_LIMITS: DecodeLimits = { maxBytes: MAX_DOCUMENT_BYTES, maxDepth: 64 };
const INPUT_EXT = /\.(ndjson|jsonl|json|log)$/i;
const BATCH = 500;
const SHOWN_ERRORS = 20;

interface FilePlan {
  readonly file: string;
  readonly source: Source;
  /** NDJSON is streamed line by line; a multi-line JSON document is read whole. */
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

async function firstLine(file: string): Promise<string | undefined> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim() !== '') return line;
    return undefined;
  } finally {
    lines.close();
  }
}

/** decodeRecord answers a list or a Failure; a readonly array does not narrow with Array.isArray. */
function isFailure<T>(v: readonly T[] | Failure): v is Failure {
  return !Array.isArray(v);
}

function parses(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function planFile(file: string, vendorFlag: string | undefined): Promise<FilePlan> {
  const bytes = statSync(file).size;
  const line = await firstLine(file);
  const firstValue = line === undefined ? undefined : parses(line);
  const whole = line !== undefined && firstValue === undefined;
  if (whole && bytes > MAX_DOCUMENT_BYTES) throw new UsageError(`${file}: not NDJSON, and too large (${bytes} bytes) to read as one JSON document`);
  // Sniffing a whole document means parsing it once more: only when --source is absent.
  const sample = vendorFlag !== undefined ? undefined : whole ? parses(readFileSync(file, 'utf8')) : firstValue;
  const vendor = vendorFlag ?? sniffVendor(sample) ?? vendorFromName(file);
  if (vendor === undefined) {
    throw new UsageError(`${file}: cannot tell which vendor wrote it (neither its first record nor its name says); pass --source <${sourceVendors().join('|')}>`);
  }
  const source = sourceFor(vendor);
  if (!source) throw new UsageError(`unknown --source ${JSON.stringify(vendor)}; one of: ${sourceVendors().join(', ')}`);
  return { file, source, whole, bytes };
}

interface Counters {
  events: number;
  alerts: number;
  suppressed: number;
  errors: number;
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
      json: { type: 'boolean' },
      lateness: { type: 'string' },
      progress: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    console.log(REPLAY_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give at least one file or folder to replay');
  const latenessMs = values.lateness === undefined ? 5 * 60_000 : parseDuration(values.lateness);
  if (latenessMs === undefined) throw new UsageError(`--lateness must be a duration such as 30s, 5m, 1h; got ${JSON.stringify(values.lateness)}`);
  let files: string[];
  try {
    files = listFiles(positionals);
  } catch (err) {
    throw new UsageError(describeError(err));
  }
  if (files.length === 0) throw new UsageError(`no *.ndjson, *.jsonl, *.json or *.log file in ${positionals.join(', ')}`);
  const plans: FilePlan[] = [];
  for (const f of files) plans.push(await planFile(f, values.source));

  const ruleset = loadRules([values.rules ?? join(packageRoot(), 'rules')]);
  for (const issue of ruleset.issues) console.error(`rule not loaded: ${formatIssue(issue)}`);
  if (ruleset.rules.length === 0) {
    console.error('no rule loaded: nothing to detect');
    return 1;
  }
  const engine = createEngine(ruleset.rules, {
    latenessMs: () => latenessMs,
    hooks: { onQuarantine: (id: string, error: unknown) => console.error(`rule ${id} quarantined (it threw): ${describeError(error)}`) },
  });
  const partition = engine.partition('replay');
  const suppressor = createSuppressor();
  const c: Counters = { events: 0, alerts: 0, suppressed: 0, errors: 0, bytes: 0 };
  const progress = createProgress(values.progress === true || process.stderr.isTTY === true, plans.reduce((n, p) => n + p.bytes, 0), c);
  const started = Date.now();
  let offset = 0;
  let batch: DetectInput[] = [];

  const emit = (detections: readonly Detection[]): void => {
    for (const d of detections) {
      if (suppressor.offer(d) !== undefined) continue;
      c.alerts++;
      progress.clear();
      if (values.json) process.stdout.write(`${alertJson(d)}\n`);
      else console.log(alertRow(d));
    }
  };
  const flush = (): void => {
    if (batch.length > 0) emit(partition.evaluate(batch));
    batch = [];
  };
  const bad = (where: string, why: string): void => {
    c.errors++;
    if (c.errors > SHOWN_ERRORS) return;
    progress.clear();
    console.error(`${where}: ${why}`);
  };
  /**
   * One record (a line, or a whole document) → decoded values → events → the
   * batch. Its offset is its line number across all files (a whole document
   * counts as one line), so offsets only grow, as Kafka's do.
   */
  const take = (plan: FilePlan, text: string, where: string): void => {
    const values = decodeRecord(Buffer.from(text), plan.whole ? DOCUMENT_LIMITS : LIMITS);
    if (isFailure(values)) return bad(where, describeFailure(values));
    for (const v of values) {
      if (!v.ok) {
        bad(where, describeFailure(v));
        continue;
      }
      for (const p of prepareRaw(plan.source, v.value, where)) {
        if (!p.ok) {
          bad(where, describeFailure(p));
          continue;
        }
        c.events++;
        batch.push({ event: p.event, id: p.id, offset: String(offset) });
      }
    }
    if (batch.length >= BATCH) flush();
  };

  if (!values.json) console.log(['last event'.padEnd(24), 'severity', 'rule'.padEnd(40), 'count', 'fields'].join('  '));
  for (const plan of plans) {
    if (plan.whole) {
      offset++;
      take(plan, readFileSync(plan.file, 'utf8'), plan.file);
      c.bytes += plan.bytes;
      progress.tick();
      continue;
    }
    const lines = createInterface({ input: createReadStream(plan.file), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      offset++;
      c.bytes += Buffer.byteLength(line) + 1;
      if (line.trim() !== '') take(plan, line, `${plan.file}:${n}`);
      progress.tick();
    }
  }
  flush();
  progress.done();
  c.suppressed = suppressor.suppressed;
  const secs = (Date.now() - started) / 1000;
  const summary = `${c.events} events, ${c.alerts} alerts${c.suppressed > 0 ? ` (${c.suppressed} suppressed)` : ''}, ${c.errors} errors, in ${secs.toFixed(1)}s`;
  if (c.errors > SHOWN_ERRORS) console.error(`… and ${c.errors - SHOWN_ERRORS} more bad records`);
  if (values.json) console.error(summary);
  else console.log(`\n${summary}`);
  return 0;
}
