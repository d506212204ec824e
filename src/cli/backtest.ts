/**
 * `sift rules backtest`: what rules would have raised over history already in
 * Elasticsearch (docs/detection-cli.md). Reads, never writes, unless --write.
 */
import { randomUUID } from 'node:crypto';
import { alertsIndexName, type Alert } from '../alerts/index.js';
import type { Client } from '@elastic/elasticsearch';
import { loadConfig, type SiftConfig } from '../config/index.js';
import { indexAlias } from '../ecs/index.js';
import { createEsClient } from '../ingest/index.js';
import { latenessOf } from '../pipeline/detect.js';
import { readNewTermsSeed, seedBoundsOf } from '../pipeline/new-terms-seed.js';
import type { CompiledRule, NewTermsSeed } from '../rules/index.js';
import { describeError } from '../shared/index.js';
import { intFlag, parse, UsageError } from './args.js';
import { parseTimeFlag, resolveRules } from './backtest-args.js';
import { countHistory, existingIndices, readHistory } from './backtest-read.js';
import { runBacktest, type BacktestOutcome } from './backtest-run.js';
import { writeBacktestAlerts, type WriteReport } from './backtest-write.js';
import { defaultRules } from './rules.js';

export const RULES_BACKTEST_HELP = `Usage: sift rules backtest <rule file | folder | id>… --from <time> --to <time>
                           [--config <file>] [--rules <dir>] [--json] [--first <n>] [--write]

Runs rules over history already in Elasticsearch: the documents of the
rules' datasets (indices logs-<dataset>-<namespace>) with @timestamp in
[from, to), read oldest first, a page at a time (a point in time with
search_after), through the same engine as 'sift run', stateful kinds
included, in event time. Each alert has the id 'sift run' gives it (rule id,
group, window start), so results compare with the alerts index by id. Rules
disabled in their file (enabled: false) run too.

Rules: each argument is a rule file or folder when that path exists, else a
rule id looked up in --rules. A rule that does not compile is an error
(file:line:col, as 'sift rules lint' prints it).

new_terms rules start from the baseline history before --from gives them
(rules.new_terms_seed), as 'sift run' started at --from would.

Times: 2026-11-01 (midnight UTC), 2026-11-01T12:00:00Z (RFC 3339, no zone =
UTC), now, now-<duration> (now-7d, now-12h).

Options:
  --from <time>    start of the range (inclusive)
  --to <time>      end of the range (exclusive)
  --config <file>  'sift run' config: Elasticsearch connection, namespace,
                   alerts.index_prefix, rules.* lateness and key cap
                   (default: its defaults and SIFT_* variables)
  --rules <dir>    where rule ids are looked up (default: the rules/ folder shipped with Sift)
  --first <n>      alerts shown in full (default 10)
  --json           one JSON object on stdout:
                     {"rules": [ids], "from", "to", "indices": [read],
                      "missing_indices": [not found], "events", "future",
                      "seconds", "events_per_s", "alerts": <count>,
                      "alerts_per_day": {"YYYY-MM-DD": n}, "alert_ids": [all, in order raised],
                      "first_alerts": [alert documents], "written"?: {"run_id",
                      "index", "written", "present", "failed"}}
  --write          index the alerts into the alerts index (<alerts.index_prefix>-<namespace>)
                   under their ids, with sift.alert.backtest: true and
                   sift.alert.backtest_run: <run id>; an id already there
                   (raised by 'sift run') is left untouched and counted as present
  -h, --help       show this help

Alerts per day count each alert on the UTC day of its last triggering event.
A progress line is drawn on stderr when stderr is a terminal.

Exit codes: 0 done; 1 a rule did not compile or is unknown, or --write failed
for some alert; 2 usage.`;

const PAGE = 2000;

const fmt = (n: number): string => n.toLocaleString('en-US');

function progressLine(enabled: boolean, total: number, started: number): { page(events: number, alerts: number): void; done(): void } {
  let drawn = false;
  return {
    page(events, alerts) {
      if (!enabled) return;
      drawn = true;
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      const ratio = total > 0 ? Math.min(events / total, 1) : 1;
      const bar = '█'.repeat(Math.round(ratio * 24)).padEnd(24, '░');
      process.stderr.write(`\r\x1b[K${bar} ${(ratio * 100).toFixed(0).padStart(3)}%  ${fmt(events)}/${fmt(total)} events  ${fmt(Math.round(events / secs))} ev/s  ${fmt(alerts)} alerts`);
    },
    done() {
      if (drawn) process.stderr.write('\n');
    },
  };
}

function alertRow(a: Alert): string {
  const inner = ((a.doc.sift ?? {}) as { alert?: { last_event?: string } }).alert;
  return `${inner?.last_event ?? ''}  ${a.severity.padEnd(8)} ${a.ruleId}  ${a.id}`;
}

interface Summary {
  readonly ruleIds: string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly indices: string[];
  readonly missing: string[];
  readonly outcome: BacktestOutcome;
  readonly seconds: number;
  readonly first: number;
  readonly written?: WriteReport & { run_id: string; index: string };
}

function jsonOf(s: Summary): Record<string, unknown> {
  return {
    rules: s.ruleIds,
    from: new Date(s.fromMs).toISOString(),
    to: new Date(s.toMs).toISOString(),
    indices: s.indices,
    missing_indices: s.missing,
    events: s.outcome.events,
    future: s.outcome.future,
    seconds: Number(s.seconds.toFixed(3)),
    events_per_s: Math.round(s.outcome.events / Math.max(s.seconds, 0.001)),
    alerts: s.outcome.alerts.length,
    alerts_per_day: s.outcome.perDay,
    alert_ids: s.outcome.alerts.map((a) => a.id),
    first_alerts: s.outcome.alerts.slice(0, s.first).map((a) => a.doc),
    ...(s.written === undefined ? {} : { written: s.written }),
  };
}

function printText(s: Summary): void {
  const { outcome } = s;
  const named = s.ruleIds.length <= 5 ? s.ruleIds.join(', ') : `${s.ruleIds.length} rules`;
  console.log(`backtest of ${named} over [${new Date(s.fromMs).toISOString()}, ${new Date(s.toMs).toISOString()})`);
  console.log(`read ${fmt(outcome.events)} events from ${s.indices.join(', ') || '(no index)'} in ${s.seconds.toFixed(1)} s (${fmt(Math.round(outcome.events / Math.max(s.seconds, 0.001)))} events/s)`);
  console.log(`${fmt(outcome.alerts.length)} alert(s)`);
  const days = Object.entries(outcome.perDay).sort(([a], [b]) => a.localeCompare(b));
  if (days.length > 0) console.log(`\nalerts per day (UTC, by last event):\n${days.map(([d, n]) => `  ${d}  ${String(n).padStart(6)}`).join('\n')}`);
  const first = outcome.alerts.slice(0, s.first);
  if (first.length > 0) {
    console.log(`\nfirst ${first.length} alert(s):`);
    for (const a of first) console.log(`${alertRow(a)}\n${JSON.stringify(a.doc, null, 2).replace(/^/gm, '    ')}`);
  }
  if (s.written !== undefined) {
    const w = s.written;
    console.log(`\nwrote ${w.written} alert(s) to ${w.index} (backtest run ${w.run_id}); ${w.present} already there, left as they were${w.failed.length > 0 ? `; ${w.failed.length} failed` : ''}`);
    for (const f of w.failed.slice(0, 20)) console.log(`  ✗ ${f}`);
  }
}

/**
 * new_terms baselines from history before --from, as `sift run` started at
 * --from would have read them (rules.new_terms_seed: its switch and bounds).
 */
async function seedsBefore(client: Client, rules: readonly CompiledRule[], config: SiftConfig, fromMs: number): Promise<Map<CompiledRule, NewTermsSeed>> {
  const out = new Map<CompiledRule, NewTermsSeed>();
  if (!config.rules.new_terms_seed.enabled) return out;
  for (const rule of rules) {
    const r = await readNewTermsSeed(client, rule, config.elasticsearch.namespace, fromMs, seedBoundsOf(config));
    if (r === undefined) continue;
    if (r.bound !== undefined) console.error(`${rule.spec.id}: new_terms baseline stopped at ${r.bound} after ${r.terms} (group, term) pairs; pairs after ${JSON.stringify(r.after ?? null)} were not seeded`);
    out.set(rule, r.seed);
  }
  return out;
}

export async function backtestCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      config: { type: 'string' },
      rules: { type: 'string' },
      first: { type: 'string' },
      json: { type: 'boolean' },
      write: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    console.log(RULES_BACKTEST_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give at least one rule file, folder or rule id to backtest');
  const now = Date.now();
  const fromMs = parseTimeFlag(values.from, 'from', now);
  const toMs = parseTimeFlag(values.to, 'to', now);
  if (!(fromMs < toMs)) throw new UsageError(`--from must be before --to; got ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`);
  const first = intFlag(values.first, 'first', 10);
  const config = loadConfig(values.config);
  const resolved = resolveRules(positionals, values.rules ?? defaultRules(), { regexMaxInputBytes: config.rules.regex_max_input_bytes, lookupPaths: config.rules.lookup_paths, tests: false });
  for (const e of resolved.errors) console.error(`✗ ${e}`);
  if (resolved.errors.length > 0 || resolved.rules.length === 0) return 1;

  const namespace = config.elasticsearch.namespace;
  const client = createEsClient(config.elasticsearch);
  try {
    const wanted = [...new Set(resolved.rules.flatMap((r) => r.spec.datasets))].map((d) => indexAlias(d, namespace));
    const indices = await existingIndices(client, wanted);
    const missing = wanted.filter((i) => !indices.includes(i));
    if (missing.length > 0) console.error(`not found, so not read: ${missing.join(', ')}`);
    const range = { indices, fromMs, toMs, pageSize: PAGE };
    const tty = process.stderr.isTTY === true;
    const started = Date.now();
    const progress = progressLine(tty, tty ? await countHistory(client, range) : 0, started);
    const seeds = await seedsBefore(client, resolved.rules, config, fromMs);
    const outcome = await runBacktest(resolved.rules, readHistory(client, range), {
      seeds,
      latenessMs: latenessOf(config.rules),
      maxKeysPerRule: config.rules.max_keys_per_rule,
      links: { namespace, ...(config.alerts.kibana_url ? { kibanaUrl: config.alerts.kibana_url } : {}) },
      onPage: (events, alerts) => progress.page(events, alerts),
      onQuarantine: (id, err) => console.error(`rule ${id} threw and was left out: ${describeError(err)}`),
    });
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    let written: Summary['written'];
    if (values.write === true) {
      const index = alertsIndexName(config.alerts.index_prefix, namespace);
      const runId = `${new Date(started).toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`;
      written = { run_id: runId, index, ...(await writeBacktestAlerts(client, index, outcome.alerts, runId)) };
    }
    const summary: Summary = { ruleIds: resolved.rules.map((r) => r.spec.id), fromMs, toMs, indices, missing, outcome, seconds, first, ...(written === undefined ? {} : { written }) };
    if (values.json === true) process.stdout.write(`${JSON.stringify(jsonOf(summary), null, 2)}\n`);
    else printText(summary);
    return written !== undefined && written.failed.length > 0 ? 1 : 0;
  } finally {
    await client.close();
  }
}
