/**
 * Where `sift rules import-sigma` writes, and the refusals that keep a run
 * from overwriting what it must not:
 * - two inputs that map to one output (`a.yaml` and `a.yml`, both `a.yml`)
 *   are both refused, instead of the second silently replacing the first;
 * - a symbolic link already under `--out` (the file itself or a folder on
 *   its way) is never followed: the file is refused, and the link's target
 *   is left as it was. The final open uses O_NOFOLLOW, so a link created
 *   between the check and the write is refused too.
 * `--out` itself is the user's choice and may be a link.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** `x.yaml` → `x.yml`: the converted file's path under --out, relative. */
export const outPath = (path: string): string => path.replace(/\.yaml$/i, '.yml');

/** Inputs whose output path another input shares, with the reason to report for each. */
export function collisions(paths: readonly string[]): Map<string, string> {
  const byOut = new Map<string, string[]>();
  for (const p of paths) {
    const key = outPath(p).toLowerCase();
    const group = byOut.get(key);
    if (group === undefined) byOut.set(key, [p]);
    else group.push(p);
  }
  const refused = new Map<string, string>();
  for (const group of byOut.values()) {
    if (group.length < 2) continue;
    const reason = `${group.join(' and ')} would all be written to ${outPath(group[0] as string)}; rename all but one (nothing of them was written)`;
    for (const p of group) refused.set(p, reason);
  }
  return refused;
}

/** The first symbolic link on the way from `outDir` (excluded) to `file` (included), if any. */
function linkOnPath(outDir: string, file: string): string | undefined {
  let at = outDir;
  for (const part of relative(outDir, file).split(sep)) {
    at = join(at, part);
    try {
      if (lstatSync(at).isSymbolicLink()) return at;
    } catch {
      return undefined; // nothing there yet: nothing below it either
    }
  }
  return undefined;
}

/** Writes `text` to `file` under `outDir`; the reason when it must not or cannot. */
export function writeOut(outDir: string, file: string, text: string): string | undefined {
  const link = linkOnPath(outDir, file);
  if (link !== undefined) return `${link} is a symbolic link; import-sigma does not write through links under --out (remove it, or choose another --out)`;
  let fd: number | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    writeSync(fd, text);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return `${file} is a symbolic link; import-sigma does not write through links under --out`;
    return `cannot write ${file}: ${(err as Error).message}`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
