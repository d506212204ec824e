/**
 * Panther detections' test events, as laid out in a corpus like
 * ../shared/corpus/panther: one JSON file per Panther rule,
 * `<rules folder>/<rule file stem>.json`, with `rule_id`, `log_type` (one,
 * or a list for rules over several log types) and `tests[]` of `{name,
 * expected, log, mocks?, log_type?}` (corpus README). Reading is strict: a
 * file that does not have this shape is an error naming the file, not a
 * silently smaller corpus.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isObj } from '../../ingest/normalize/accessors.js';

export interface PantherTest {
  readonly name: string;
  readonly expected: boolean;
  readonly log: unknown;
  /** Panther log type of this event: the test's own, else `p_log_type`, else the rule's (when it has one). */
  readonly logType: string | undefined;
  /** The upstream test mocks helper functions (KV store, enrichment): its verdict is not the event's alone. */
  readonly mocked: boolean;
}

export interface PantherRuleFile {
  /** Path inside the corpus, e.g. `okta_rules/okta_api_key_created.json`. */
  readonly file: string;
  readonly ruleId: string;
  readonly logTypes: readonly string[];
  readonly enabledUpstream: boolean;
  readonly tests: readonly PantherTest[];
}

export class CorpusError extends Error {}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []));
}

function readTest(t: unknown, i: number, ruleTypes: readonly string[], where: string): PantherTest {
  if (!isObj(t) || typeof t['expected'] !== 'boolean' || !('log' in t)) throw new CorpusError(`${where}: tests[${i}] needs "expected" (boolean) and "log"`);
  const own = typeof t['log_type'] === 'string' ? t['log_type'] : undefined;
  const log = t['log'];
  const embedded = isObj(log) && typeof log['p_log_type'] === 'string' ? log['p_log_type'] : undefined;
  return {
    name: typeof t['name'] === 'string' ? t['name'] : `test ${i + 1}`,
    expected: t['expected'],
    log,
    logType: own ?? embedded ?? (ruleTypes.length === 1 ? ruleTypes[0] : undefined),
    mocked: t['mocks'] !== undefined,
  };
}

/** Every Panther rule file under `root`, in path order. */
export function readPantherCorpus(root: string): PantherRuleFile[] {
  let files: string[];
  try {
    if (!statSync(root).isDirectory()) throw new CorpusError(`${root} is not a folder`);
    files = jsonFiles(root);
  } catch (err) {
    if (err instanceof CorpusError) throw err;
    throw new CorpusError(`cannot read the corpus folder ${root}: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new CorpusError(`${root} holds no Panther rule files (*.json)`);
  return files.map((path) => {
    const where = relative(root, path);
    let j: unknown;
    try {
      j = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new CorpusError(`${where}: not JSON (${(err as Error).message})`);
    }
    if (!isObj(j) || typeof j['rule_id'] !== 'string' || !Array.isArray(j['tests'])) throw new CorpusError(`${where}: needs "rule_id" (string) and "tests" (list)`);
    const lt = j['log_type'];
    const logTypes = typeof lt === 'string' ? [lt] : Array.isArray(lt) ? lt.filter((x): x is string => typeof x === 'string') : [];
    return {
      file: where,
      ruleId: j['rule_id'],
      logTypes,
      enabledUpstream: j['enabled_upstream'] !== false,
      tests: j['tests'].map((t, i) => readTest(t, i, logTypes, where)),
    };
  });
}
