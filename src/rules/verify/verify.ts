/**
 * `sift rules verify`: the shipped rules against the verdicts of the
 * third-party detections they name as equivalents (docs/rules.md,
 * "Equivalents"). Each Panther test event of a named rule goes through Sift's
 * own ingest (the prepare step of `sift run`, with its defaults) for the
 * test's log type, and "the Sift rule acts on it" (verdict.ts) is compared
 * with the test's expected result. The expected values come from Panther's
 * corpus, never from Sift.
 *
 * Counting: a test is counted once per (Sift rule, Panther rule) pair. Tests
 * whose upstream verdict depends on mocked helpers are reported apart
 * (`mocked`) and not counted. A log Sift's ingest refuses (it would be
 * dead-lettered), or one of a log type Sift has no source for, is counted
 * with the verdict "no match" and also in `refused`.
 */
import type { EcsEvent } from '../../ecs/index.js';
import type { CompiledRule } from '../compile/types.js';
import { describeFailure, prepareOffline } from '../testing/index.js';
import { ratioOf } from './coverage.js';
import { PANTHER_LOG_TYPES } from './log-types.js';
import type { PantherRuleFile, PantherTest } from './panther-corpus.js';
import { ruleActsOn } from './verdict.js';

export interface Disagreement {
  readonly rule: string;
  readonly panther_rule: string;
  readonly test: string;
  readonly expected: boolean;
  readonly got: boolean;
  readonly reason: string;
}

export interface RuleVerification {
  /** The Panther RuleIDs the rule names. */
  readonly panther: readonly string[];
  /** Named ids with no file in this corpus (held back, renamed, or a typo). */
  readonly not_in_corpus: readonly string[];
  readonly tests: number;
  readonly agree: number;
  readonly refused: number;
  readonly mocked: number;
}

export interface Coverage {
  /** Panther rule files in the corpus. */
  readonly panther_files: number;
  /** Those whose RuleID some shipped rule names. */
  readonly covered_files: number;
  readonly ratio: number;
}

export interface VerifyReport {
  /** Rules that name at least one Panther equivalent. */
  readonly rules: number;
  readonly tests: number;
  readonly agree: number;
  readonly ratio: number;
  readonly refused: number;
  /** Tests left out because their upstream verdict depends on mocks. */
  readonly mocked: number;
  readonly coverage: Coverage;
  readonly by_rule: Readonly<Record<string, RuleVerification>>;
  readonly disagreements: readonly Disagreement[];
}

type Events = { readonly ok: true; readonly events: readonly EcsEvent[] } | { readonly ok: false; readonly reason: string };

/**
 * Panther's rows always carry `p_event_time` (its standard field, which Sift
 * reads as the event time when the vendor's own is absent: ingest/normalize/
 * panther.ts); Panther's test harness adds it, so test logs often omit it and
 * the vendor's time too. Such a log gets this fixed time, as in Panther.
 */
const TEST_EVENT_TIME = '2026-01-01 00:00:00.000';

function asPantherRow(log: unknown): unknown {
  if (typeof log !== 'object' || log === null || Array.isArray(log) || 'p_event_time' in log) return log;
  return { ...log, p_event_time: TEST_EVENT_TIME };
}

/** A Panther test log as the events Sift's ingest makes of it (usually one). */
function ingest(test: PantherTest, offset: number): Events {
  const source = test.logType === undefined ? undefined : PANTHER_LOG_TYPES[test.logType];
  if (source === undefined) return { ok: false, reason: `log type ${test.logType ?? '(none given)'} has no Sift source` };
  const prepared = prepareOffline(source, offset, Buffer.from(JSON.stringify(asPantherRow(test.log))), Date.now());
  if (prepared === undefined) return { ok: false, reason: `unknown source ${source}` };
  const dead = prepared.dead[0];
  if (dead !== undefined) return { ok: false, reason: `refused by the ${source} source: ${describeFailure({ ok: false, code: dead.code, message: dead.message, path: dead.path })}` };
  return { ok: true, events: prepared.origins.map((o) => o.event) };
}

export function verifyRules(rules: readonly CompiledRule[], corpus: readonly PantherRuleFile[]): VerifyReport {
  const byId = new Map<string, PantherRuleFile[]>();
  for (const f of corpus) byId.set(f.ruleId, [...(byId.get(f.ruleId) ?? []), f]);
  // Each test log is ingested once, however many Sift rules name its rule.
  const ingested = new Map<PantherTest, Events>();
  const eventsOf = (t: PantherTest): Events => {
    let e = ingested.get(t);
    if (e === undefined) ingested.set(t, (e = ingest(t, ingested.size)));
    return e;
  };
  const byRule: Record<string, RuleVerification> = {};
  const disagreements: Disagreement[] = [];
  const named = new Set<string>();
  let tests = 0;
  let agree = 0;
  let refused = 0;
  let mocked = 0;
  for (const rule of rules) {
    const panther = rule.spec.equivalents?.panther ?? [];
    if (panther.length === 0) continue;
    const v = { panther, not_in_corpus: [] as string[], tests: 0, agree: 0, refused: 0, mocked: 0 };
    for (const pid of panther) {
      named.add(pid);
      const files = byId.get(pid);
      if (files === undefined) {
        v.not_in_corpus.push(pid);
        continue;
      }
      for (const test of files.flatMap((f) => f.tests)) {
        if (test.mocked) {
          v.mocked++;
          continue;
        }
        const events = eventsOf(test);
        const got = events.ok && events.events.some((e) => ruleActsOn(rule, e));
        v.tests++;
        if (!events.ok) v.refused++;
        if (got === test.expected) {
          v.agree++;
          continue;
        }
        const reason = !events.ok
          ? events.reason
          : got
            ? 'the rule matches an event Panther expects no alert for'
            : events.events.length === 0
              ? 'Sift made no event of this log'
              : 'the rule does not match an event Panther expects an alert for';
        disagreements.push({ rule: rule.spec.id, panther_rule: pid, test: test.name, expected: test.expected, got, reason });
      }
    }
    byRule[rule.spec.id] = v;
    tests += v.tests;
    agree += v.agree;
    refused += v.refused;
    mocked += v.mocked;
  }
  const covered = corpus.filter((f) => named.has(f.ruleId)).length;
  return {
    rules: Object.keys(byRule).length,
    tests,
    agree,
    ratio: ratioOf(agree, tests),
    refused,
    mocked,
    coverage: { panther_files: corpus.length, covered_files: covered, ratio: ratioOf(covered, corpus.length) },
    by_rule: byRule,
    disagreements,
  };
}
