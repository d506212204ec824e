/**
 * The detection stage of `sift run`: evaluates each prepared batch against the
 * rules, restores stateful windows when partitions are assigned, checkpoints
 * them after each batch, and hot-reloads the rules folder.
 *
 * Local mode, per raw batch, in this order: `evaluate` → (index events, write
 * alerts, dead letters) → `persist` → commit. Keyed mode: the raw batch only
 * calls `route` (stateless; the keyed records it returns are written before
 * the commit), and the detect stage, per keyed batch: `evaluateKeyed` → write
 * alerts → `persist` → commit; its scopes are keyed partitions. See
 * src/ingest/kafka/state-store.ts for why that order gives exactly-once
 * stateful detections across crashes.
 */
import { relative, sep } from 'node:path';
import type { SiftConfig } from '../config/index.js';
import {
  createEngine,
  detectInputs,
  fingerprintOf,
  formatIssue,
  loadRules,
  META_KEY,
  parseDuration,
  type CompiledRule,
  type LoadOptions,
  type Detection,
  type Engine,
  createReorder,
  type KeyedInput,
  type Reorder,
  type Routed,
} from '../rules/index.js';
import { createSuppressionStore, SUPPRESS_PREFIX, type SuppressionStore } from '../alerts/index.js';
import type { StateCheckpoint, StoredStateEntry } from '../ingest/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import type { Prepared } from '../ingest/index.js';
import { ErrorCode, SiftError } from '../shared/index.js';
import type { NewTermsSeeder } from './new-terms-seed.js';
import type { KeyedItem } from './keyed.js';
import { watchRules, type RulesWatcher } from './rules-watch.js';

export interface DetectionStage {
  readonly rules: readonly CompiledRule[];
  /** Rule files that did not compile at the last load or reload (/readyz, sift_rules_rejected). */
  readonly rejected: number;
  /** Partitions now owned by this instance (`topic/partition`): state of the others is dropped. */
  assign(scopes: ReadonlySet<string>): void;
  evaluate(scope: string, prepared: Prepared): Promise<Detection[]>;
  /** Keyed mode, ingest side: single-event detections now, and the keyed inputs to write (stateless). */
  route(scope: string, prepared: Prepared): Routed;
  /**
   * Keyed mode, detect stage: a keyed partition's records (events and source
   * markers, in order) through its event-time reorder (rules.keyed_reorder),
   * and what that releases into its windows. Call `beginKeyed` first for each batch.
   */
  evaluateKeyed(scope: string, items: readonly KeyedItem[]): Promise<Detection[]>;
  beginKeyed(scope: string): void;
  /** The raw topics' partitions (`topic/partition`) keyed events may come from: the reorder waits for each. */
  expectSources(sources: ReadonlySet<string>): void;
  /** Offset of the scope's oldest keyed record still waiting in the reorder: the commit stops before it. */
  waiting(scope: string): bigint | undefined;
  /**
   * The batch failed after evaluate(): its events are in the in-memory windows
   * but neither alerted nor checkpointed. Forget the scope's state and restore
   * it from the checkpoint, so the refetched batch is evaluated afresh.
   */
  invalidate(scope: string): void;
  /** The scope's alert suppression windows (restored and checkpointed with its rule windows). */
  suppression(scope: string): SuppressionStore;
  /** Writes the scope's changed windows; call after the batch's alerts are safe, before the commit. */
  persist(scope: string): Promise<void>;
  close(): void;
}

export interface DetectionDeps {
  config: SiftConfig['rules'];
  rulesDir: string;
  checkpoint: StateCheckpoint;
  log: Logger;
  metrics: Metrics;
  /** First backoff between attempts to read the state topic (doubles, 6 attempts). Tests shorten it. */
  restoreRetryMs?: number;
  /** new_terms baselines from history (new-terms-seed.ts); none: each group learns from its first event. */
  seedNewTerms?: NewTermsSeeder;
}

/** Keyed events of a batch, in order, as they come when the reorder is off. */
const eventsOf = (items: readonly KeyedItem[]): KeyedInput[] => items.flatMap((item) => ('input' in item ? [item.input] : []));

/** Per-dataset lateness from config, in ms (validated at start). */
export function latenessOf(config: SiftConfig['rules']): (dataset: string) => number {
  const fallback = parseDuration(config.default_lateness) ?? 5 * 60_000;
  const table = new Map(config.lateness.map((l) => [l.dataset, parseDuration(l.duration) ?? fallback]));
  return (dataset) => table.get(dataset) ?? fallback;
}

export interface InitialRules {
  readonly rules: readonly CompiledRule[];
  /** Files (or the folder itself, when unreadable) that did not compile: counted in files, not issues. */
  readonly rejected: readonly string[];
}

/** Distinct files named by the issues, in order. */
const filesOf = (issues: readonly { file: string }[]): string[] => [...new Set(issues.map((i) => i.file))];

/**
 * Loads the rules folder at start. A file that does not compile stops the
 * start (SIFT_RULES_INVALID) unless `allowInvalid`: running 19 of 20 rules
 * while reporting ready would hide a detection gap from the orchestrator.
 */
export function loadInitialRules(dir: string, log: Logger, options: LoadOptions & { allowInvalid?: boolean } = {}): InitialRules {
  // The pipeline runs rules, not their test cases: skip those unparsed.
  const loaded = loadRules([dir], { ...options, tests: false });
  const rejected = filesOf(loaded.issues);
  for (const issue of loaded.issues) log.error({ issue: formatIssue(issue) }, 'Rule rejected.');
  if (rejected.length > 0 && options.allowInvalid !== true) {
    const what = rejected.length === 1 ? '1 rule file does not compile' : `${rejected.length} rule files do not compile`;
    throw new SiftError(
      ErrorCode.RulesInvalid,
      `${what} in ${dir}; fix it, or set rules.allow_invalid: true (SIFT_RULES_ALLOW_INVALID=true) to start without it:\n${loaded.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
      { stage: 'detect' },
    );
  }
  if (rejected.length > 0) log.warn({ files: rejected, rules: loaded.rules.length }, 'Starting without the rule files that do not compile (rules.allow_invalid).');
  return { rules: [...loaded.rules], rejected };
}

export function createDetectionStage(deps: DetectionDeps, initial: InitialRules): DetectionStage {
  const { config, log, metrics, checkpoint } = deps;
  const engine: Engine = createEngine(initial.rules, {
    latenessMs: latenessOf(config),
    maxKeysPerRule: config.max_keys_per_rule,
    hooks: {
      onQuarantine: (ruleId, error) => {
        metrics.rulesQuarantined.inc({ rule: ruleId });
        log.error({ rule: ruleId, err: error }, 'Rule quarantined: it threw while evaluating; the pipeline goes on without it.');
      },
      onEvict: (ruleId, count, reason) => metrics.rulesEvicted.inc({ rule: ruleId, reason }, count),
      onLate: (ruleId, count) => metrics.rulesLate.inc({ rule: ruleId }, count),
      onStale: (ruleId, count) => metrics.keyedStale.inc({ rule: ruleId }, count),
    },
  });
  metrics.rulesLoaded.set(initial.rules.length);
  let rejected = initial.rejected.length;
  metrics.rulesRejected.set(rejected);
  const assigned = new Set<string>();
  /** scope → its restore, started at assignment; batches of the scope wait for it. */
  const restoring = new Map<string, Promise<void>>();
  const suppressions = new Map<string, SuppressionStore>();
  /** Keyed mode: each keyed partition's event-time reorder (rules.keyed_reorder), none when it is off. */
  const reorders = new Map<string, Reorder>();
  let expected: ReadonlySet<string> = new Set();
  const reorderOf = (scope: string): Reorder | undefined => {
    if (!config.keyed_reorder.enabled) return undefined;
    let r = reorders.get(scope);
    if (r === undefined) {
      reorders.set(scope, (r = createReorder(config.keyed_reorder.max_events)));
      r.expect(expected);
    }
    return r;
  };
  const suppressionOf = (scope: string): SuppressionStore => {
    let store = suppressions.get(scope);
    if (!store) suppressions.set(scope, (store = createSuppressionStore()));
    return store;
  };

  /** Reads the state topic, retrying: right after a topic is created its leader may not be known yet. */
  async function loadWithRetry(scopes: ReadonlySet<string>): Promise<Map<string, StoredStateEntry[]>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await checkpoint.load(scopes);
      } catch (err) {
        if (attempt >= 5) throw err;
        log.warn({ err, attempt, scopes: [...scopes] }, 'Reading rule state failed; retrying.');
        await new Promise((resolve) => setTimeout(resolve, (deps.restoreRetryMs ?? 500) * 2 ** attempt));
      }
    }
  }

  function restore(scopes: ReadonlySet<string>): void {
    const load = loadWithRetry(scopes).then((byScope) => {
      for (const [scope, entries] of byScope) {
        if (!assigned.has(scope)) continue;
        // One topic holds both: suppression windows by prefix, the rest is the engine's.
        engine.partition(scope).restore(entries.filter((e) => !e.key.startsWith(SUPPRESS_PREFIX)));
        suppressionOf(scope).restore(entries.filter((e) => e.key.startsWith(SUPPRESS_PREFIX)));
      }
    });
    // A failed restore is forgotten, so the scope's next batch (refetched by
    // kafkajs after the failure) starts a new one instead of awaiting this
    // rejected promise forever. Handled here: it must never be unhandled.
    load.catch((err: unknown) => {
      log.error({ err, scopes: [...scopes] }, 'Could not read rule state; the batches of these partitions will retry.');
      for (const scope of scopes) if (restoring.get(scope) === load) restoring.delete(scope);
    });
    for (const scope of scopes) restoring.set(scope, load);
  }

  /**
   * Seeds of new_terms rules being read; batches wait for them (bounded by
   * rules.new_terms_seed.timeout), so no event meets a half-known baseline.
   * Never rejects: the seeder logs and yields undefined on failure.
   */
  let seeding: Promise<void> = Promise.resolve();
  const seed = (rules: readonly CompiledRule[]): void => {
    const seeder = deps.seedNewTerms;
    const wanted = rules.filter((r) => r.spec.enabled && r.spec.aggregation?.type === 'new_terms');
    if (seeder === undefined || wanted.length === 0) return;
    const work = Promise.all(wanted.map(async (r) => engine.seed(r, await seeder(r))));
    seeding = Promise.all([seeding, work]).then(() => undefined);
  };
  seed(initial.rules);

  const reload = (files: readonly string[]): void => {
    // A new_terms rule that is new or changed by this reload is seeded; an unchanged one keeps its seed.
    const before = new Map(engine.rules.map((r) => [r.spec.id, fingerprintOf(r)]));
    const loaded = loadRules([deps.rulesDir], { regexMaxInputBytes: config.regex_max_input_bytes, lookupPaths: config.lookup_paths, tests: false });
    // A file that no longer compiles keeps its previous version running: an
    // edit in progress must not switch a detection off. An unreadable folder
    // (its issue names the folder) keeps every rule below it.
    const badFiles = filesOf(loaded.issues);
    const fresh = new Set(loaded.rules.map((r) => r.spec.id));
    const isBad = (file: string): boolean => badFiles.some((bad) => file === bad || file.startsWith(bad + sep));
    const kept = engine.rules.filter((r) => isBad(r.spec.file) && !fresh.has(r.spec.id));
    for (const issue of loaded.issues) log.error({ issue: formatIssue(issue) }, 'Rule edit rejected; the previous version keeps running.');
    engine.update([...loaded.rules, ...kept]);
    seed(loaded.rules.filter((r) => before.get(r.spec.id) !== fingerprintOf(r)));
    rejected = badFiles.length;
    metrics.rulesReloads.inc({ outcome: rejected > 0 ? 'partial' : 'ok' });
    metrics.rulesLoaded.set(engine.rules.length);
    metrics.rulesRejected.set(rejected);
    log.info({ files, rules: engine.rules.length, rejected, rejectedFiles: badFiles.map((f) => relative(deps.rulesDir, f) || f) }, 'Rules reloaded.');
  };
  const watchers: RulesWatcher[] = [];
  if (config.reload) {
    // The rules folder (with its lookups/), and each extra lookup table path: a changed table reloads the rules that use it.
    for (const root of [deps.rulesDir, ...config.lookup_paths]) {
      try {
        watchers.push(
          watchRules(root, {
            onChange: reload,
            onError: (err, dir) => log.warn({ dir, err }, 'Stopped watching a rules folder; edits below it are seen at the next change around it.'),
          }),
        );
      } catch (err) {
        log.warn({ dir: root, err }, 'Cannot watch the rules folder; hot reload is off.');
      }
    }
  }

  /** Waits for the scope's windows; a batch before its assignment was seen, or after a failed restore, (re)starts the restore. */
  async function restored(scope: string): Promise<void> {
    if (!assigned.has(scope) || !restoring.has(scope)) {
      assigned.add(scope);
      restore(new Set([scope]));
    }
    await restoring.get(scope);
  }

  function counted(scope: string, detections: Detection[]): Detection[] {
    for (const d of detections) metrics.rulesDetections.inc({ rule: d.rule.spec.id });
    metrics.rulesStateKeys.set({ scope }, engine.partition(scope).keys);
    return detections;
  }

  return {
    get rules() {
      return engine.rules;
    },
    get rejected() {
      return rejected;
    },
    assign(scopes) {
      for (const scope of [...assigned]) {
        if (!scopes.has(scope)) {
          assigned.delete(scope);
          restoring.delete(scope);
          suppressions.delete(scope);
          reorders.delete(scope);
          metrics.reorderWaiting.remove({ scope });
          engine.drop(scope);
        }
      }
      const added = new Set([...scopes].filter((s) => !assigned.has(s)));
      for (const s of added) assigned.add(s);
      if (added.size > 0) restore(added);
    },
    async evaluate(scope, prepared) {
      await restored(scope);
      await seeding;
      const inputs = detectInputs(prepared);
      const end = metrics.rulesEvalDuration.startTimer();
      const detections = engine.partition(scope).evaluate(inputs);
      end();
      return counted(scope, detections);
    },
    route(scope, prepared) {
      const end = metrics.rulesEvalDuration.startTimer();
      const routed = engine.route(scope, detectInputs(prepared));
      end();
      for (const d of routed.detections) metrics.rulesDetections.inc({ rule: d.rule.spec.id });
      return routed;
    },
    beginKeyed(scope) {
      reorderOf(scope)?.begin();
    },
    expectSources(sources) {
      expected = sources;
      for (const r of reorders.values()) r.expect(sources);
    },
    waiting(scope) {
      return reorders.get(scope)?.oldest();
    },
    async evaluateKeyed(scope, items) {
      await restored(scope);
      await seeding;
      const reorder = reorderOf(scope);
      let inputs: KeyedInput[];
      if (reorder === undefined) inputs = eventsOf(items);
      else {
        for (const item of items) {
          if ('marks' in item) reorder.mark(item.marks, item.offset);
          else reorder.push(item.input, item.offset);
        }
        const released = reorder.release();
        if (released.forced > 0) metrics.reorderForced.inc({ scope }, released.forced);
        metrics.reorderWaiting.set({ scope }, reorder.size);
        inputs = released.inputs;
      }
      const end = metrics.rulesEvalDuration.startTimer();
      const detections = engine.partition(scope).evaluateKeyed(inputs);
      end();
      return counted(scope, detections);
    },
    async persist(scope) {
      // After a revoke the new owner has the windows: writing ours would undo its work.
      if (!assigned.has(scope)) return;
      // A checkpoint is several records, in more than one request when large or
      // spread over partitions, and a crash can cut it. Each part is acknowledged
      // before the next, in the order that makes a cut harmless when the batch
      // is redelivered: suppression windows first (a lost one would let a
      // later repeat through as a new alert, while the rule's window, written,
      // skips the replay that would have re-made it), then the rule windows
      // (each skips what it holds), the watermark last (one ahead of the
      // windows would call the batch's own out-of-order events late).
      const windows = engine.partition(scope).checkpoint();
      const parts = [suppressionOf(scope).checkpoint(), windows.filter((e) => e.key !== META_KEY), windows.filter((e) => e.key === META_KEY)];
      for (const part of parts) if (part.length > 0) await checkpoint.save(scope, part);
      // Waiting events are not state: their records are not committed, and are read again after a restart.
      reorders.get(scope)?.settle();
    },
    suppression: suppressionOf,
    invalidate(scope) {
      if (!assigned.has(scope)) return;
      // The windows go back to the checkpoint, so the reorder goes back to the batch's start.
      reorders.get(scope)?.rollback();
      engine.drop(scope);
      suppressions.delete(scope);
      restore(new Set([scope]));
    },
    close() {
      for (const w of watchers) w.close();
    },
  };
}
