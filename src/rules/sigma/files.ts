/**
 * Which files an import reads: one file, or every *.yml / *.yaml below a
 * directory (sorted, hidden entries and symbolic links skipped, so a link
 * loop cannot trap the walk).
 *
 * Pointed at a SigmaHQ checkout (a directory with a `rules/` folder), only
 * its `rules*` folders are rules Sigma ships for use; the others are
 * skipped, and the report says which and why.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** Top-level folders of a SigmaHQ checkout that hold rule-shaped YAML not meant to run as is. */
export const SKIPPED_FOLDERS: Readonly<Record<string, string>> = {
  'rules-placeholder': 'rules that need site-specific %placeholder% values (|expand) before they can run',
  unsupported: 'rules that SigmaHQ itself marks as beyond what Sigma backends support',
  deprecated: 'rules SigmaHQ retired',
};

const RULES_FOLDER = /^rules($|-)/;
const YAML_FILE = /\.ya?ml$/i;

export interface SigmaFiles {
  /** The directory paths are relative to (the file's own directory for a single file). */
  readonly root: string;
  /** Relative to root, with forward slashes, sorted. */
  readonly files: readonly string[];
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) walk(full, out);
    else if (st.isFile() && YAML_FILE.test(name)) out.push(full);
  }
}

const slashes = (p: string): string => p.split('\\').join('/');

/** Throws (ENOENT …) when `input` does not exist: the caller reports it as a usage error. */
export function findSigmaFiles(input: string): SigmaFiles {
  const st = lstatSync(input);
  if (!st.isDirectory()) return { root: join(input, '..'), files: [basename(input)], skipped: [] };
  const top = readdirSync(input).filter((n) => !n.startsWith('.')).sort();
  const isCheckout = top.includes('rules') && lstatSync(join(input, 'rules')).isDirectory();
  const found: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const name of top) {
    const full = join(input, name);
    const entry = lstatSync(full);
    if (!isCheckout) {
      if (entry.isDirectory()) walk(full, found);
      else if (entry.isFile() && YAML_FILE.test(name)) found.push(full);
    } else if (entry.isDirectory()) {
      const known = Object.hasOwn(SKIPPED_FOLDERS, name) ? SKIPPED_FOLDERS[name] : undefined;
      if (known !== undefined) skipped.push({ path: `${name}/`, reason: known });
      else if (RULES_FOLDER.test(name)) walk(full, found);
      else skipped.push({ path: `${name}/`, reason: 'not a rules folder' });
    }
  }
  return { root: input, files: found.map((f) => slashes(relative(input, f))), skipped };
}
