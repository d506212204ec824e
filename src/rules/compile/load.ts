/**
 * Loading a rules folder: every *.yml / *.yaml below the given paths, parsed
 * and compiled. A broken rule never stops the others from loading; its issues
 * are returned next to what did compile, so the caller decides (the CLI
 * fails `lint`, the pipeline refuses a reload).
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { byPosition, parseRuleFile, withoutTestSections, type RuleIssue } from '../spec/index.js';
import { compileRule } from './compile.js';
import { LOOKUP_DIR, loadLookups } from './lookup-load.js';
import type { CompiledRule, CompileOptions, Ruleset } from './types.js';

const isRuleFile = (name: string): boolean => name.endsWith('.yml') || name.endsWith('.yaml');

/**
 * Rule files under `path`, sorted so that load order (and duplicate reports)
 * is stable. Symlinks are followed (Kubernetes ConfigMap volumes are made of
 * them), each real directory once; dot-entries are skipped (ConfigMaps keep
 * their `..data` copies there).
 */
function ruleFiles(path: string, issues: RuleIssue[], seenDirs: Set<string>): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    issues.push({ file: path, path: '', message: `cannot read: ${err instanceof Error ? err.message : String(err)}` });
    return [];
  }
  if (stat.isFile()) return [path];
  if (!stat.isDirectory()) return [];
  const real = realpathSync(path);
  if (seenDirs.has(real)) return [];
  seenDirs.add(real);
  const out: string[] = [];
  const names = readdirSync(path).sort();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const full = join(path, name);
    let s;
    try {
      s = statSync(full);
    } catch {
      continue; // a dangling symlink is not a rule
    }
    // Tables live in lookups/ beside the rules (lookup-load.ts); their YAML is not a rule.
    if (s.isDirectory() && name !== LOOKUP_DIR) out.push(...ruleFiles(full, issues, seenDirs));
    else if (s.isFile() && isRuleFile(name)) out.push(full);
  }
  return out;
}

/** Where lookup tables come from besides the lookups/ folder beside the rules: rules.lookup_paths. */
export interface LoadOptions extends CompileOptions {
  readonly lookupPaths?: readonly string[];
  /**
   * Read each rule's `tests:` and `base_event:` (default true). The pipeline
   * and replay run rules, not their tests, and skip them unparsed
   * (spec/skip-tests.ts): loading the library takes about half as long.
   */
  readonly tests?: boolean;
}

export function loadRules(paths: readonly string[], load: LoadOptions = {}): Ruleset {
  const lookups = loadLookups(paths, load.lookupPaths);
  const issues: RuleIssue[] = [...lookups.issues];
  const options: CompileOptions = { ...load, lookups };
  const rules: CompiledRule[] = [];
  const seen = new Map<string, string>();
  const seenDirs = new Set<string>();
  const files = [...new Set(paths.flatMap((p) => ruleFiles(p, issues, seenDirs)))];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({ file, path: '', message: `cannot read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const parsed = parseRuleFile(load.tests === false ? withoutTestSections(text) : text, file);
    if (parsed.rule === undefined) {
      // What the compiler finds in the parts that parsed, in file order with the parser's own problems.
      const more = parsed.draft === undefined ? [] : compileRule(parsed.draft, options).issues;
      issues.push(...[...parsed.issues, ...more].sort(byPosition));
      continue;
    }
    issues.push(...parsed.issues);
    const first = seen.get(parsed.rule.id);
    if (first !== undefined) {
      const pos = parsed.rule.locations?.get('id');
      issues.push({ file, ruleId: parsed.rule.id, path: 'id', ...(pos ?? {}), message: `duplicate rule id: already defined in ${first}` });
      continue;
    }
    seen.set(parsed.rule.id, file);
    const compiled = compileRule(parsed.rule, options);
    issues.push(...compiled.issues);
    if (compiled.rule !== undefined) rules.push(compiled.rule);
  }
  return { rules, issues };
}
