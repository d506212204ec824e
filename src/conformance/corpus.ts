import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** One input file of an Elastic-style pipeline test, with its expected documents. */
export interface CorpusCase {
  /** `<package>/<data_stream>/<file>`, relative to the corpus root. */
  readonly name: string;
  readonly pkg: string;
  readonly dataStream: string;
  /** Raw records, in order: one per line of a .log, one per `events[]` element of a .json. */
  readonly records: readonly string[];
  readonly expected: readonly Record<string, unknown>[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads the records of a test input the way Elastic's pipeline tests do:
 * `.log` files hold one record per line (blank lines are not records); `.json`
 * files hold `{"events":[…]}` whose elements carry the record in `message`, or
 * are the (already parsed) record itself.
 */
export function readRecords(file: string, text: string): string[] {
  if (file.endsWith('.json')) {
    const parsed = JSON.parse(text) as { events?: unknown[] };
    return (parsed.events ?? []).map((e) => {
      const message = (e as { message?: unknown }).message;
      return typeof message === 'string' ? message : JSON.stringify(e);
    });
  }
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Every `<package>/<data_stream>/test-*` input with a `*-expected.json` beside it. */
export function discoverCorpus(root: string): CorpusCase[] {
  if (!isDir(root)) throw new Error(`corpus folder not found: ${root}`);
  const cases: CorpusCase[] = [];
  for (const pkg of readdirSync(root).sort()) {
    const pkgDir = join(root, pkg);
    if (!isDir(pkgDir)) continue;
    for (const dataStream of readdirSync(pkgDir).sort()) {
      const dir = join(pkgDir, dataStream);
      if (!isDir(dir)) continue;
      for (const file of readdirSync(dir).sort()) {
        if (!file.startsWith('test-') || file.endsWith('-expected.json')) continue;
        const expectedFile = join(dir, `${file}-expected.json`);
        if (!existsSync(expectedFile)) continue;
        const input = join(dir, file);
        const expected = (JSON.parse(readFileSync(expectedFile, 'utf8')) as { expected?: Record<string, unknown>[] }).expected ?? [];
        cases.push({
          name: relative(root, input),
          pkg,
          dataStream: basename(dir),
          records: readRecords(file, readFileSync(input, 'utf8')),
          expected,
        });
      }
    }
  }
  return cases;
}

/** Where each source's raw events are in a corpus laid out like ../shared/corpus. */
export const CORPUS_VENDORS: Readonly<Record<string, { elastic: string[]; panther: string[] }>> = {
  okta: { elastic: ['okta'], panther: ['okta_rules'] },
  google_workspace: { elastic: ['google_workspace'], panther: ['gsuite_activityevent_rules', 'gsuite_reports_rules'] },
  slack: { elastic: ['slack'], panther: ['slack_rules'] },
  zoom: { elastic: ['zoom'], panther: ['zoom_operation_rules'] },
  gitlab: { elastic: ['gitlab'], panther: ['gitlab_rules'] },
  github: { elastic: ['github'], panther: ['github_rules'] },
  aws_cloudtrail: { elastic: ['aws'], panther: ['aws_cloudtrail_rules'] },
  gcp_audit: { elastic: ['gcp'], panther: ['gcp_audit_rules', 'gcp_k8s_rules'] },
};

function filesUnder(dir: string): string[] {
  if (!isDir(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every raw record of one source in the corpus: Elastic test inputs, then Panther test logs. */
export function vendorRecords(root: string, vendor: string): string[] {
  const dirs = CORPUS_VENDORS[vendor];
  if (!dirs) return [];
  const out: string[] = [];
  for (const pkg of dirs.elastic) {
    for (const file of filesUnder(join(root, 'elastic', pkg))) {
      const name = basename(file);
      if (name.startsWith('test-') && !name.endsWith('-expected.json')) out.push(...readRecords(name, readFileSync(file, 'utf8')));
    }
  }
  for (const folder of dirs.panther) {
    for (const file of filesUnder(join(root, 'panther', folder))) {
      const rule = JSON.parse(readFileSync(file, 'utf8')) as { tests?: { log: unknown }[] };
      for (const t of rule.tests ?? []) out.push(JSON.stringify(t.log));
    }
  }
  return out;
}
