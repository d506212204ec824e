/**
 * Watches a rules folder for hot reload, the way files are really saved.
 *
 * `fs.watch(dir, { recursive: true })` on Linux watches inodes: once `sed -i`,
 * vim, VS Code or the kubelet (ConfigMaps swap a `..data` symlink) save by
 * renaming a new file over the old one, the file is a new inode nobody
 * watches, and later saves of it go unseen. So each directory is watched (a
 * directory's watch reports creates, renames, writes and touches of its
 * entries, whatever their inode), and after each burst of events the tree is
 * scanned again: new sub-folders get a watch, removed ones lose theirs, and
 * the rule files whose identity, size or times changed are the ones reported.
 * Scanning, not the event names, decides what changed, so swap and temp files
 * of editors never cause a reload, and a symlink swap is seen as the change of
 * the files behind it.
 */
import { readdirSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export interface RulesWatcher {
  close(): void;
}

export interface RulesWatchOptions {
  /** Called once per burst with the changed rule files, relative to the watched path, sorted. */
  onChange(files: readonly string[]): void;
  /** A directory could not be watched (gone, or out of inotify watches). */
  onError(err: unknown, dir: string): void;
  /** Quiet time that ends a burst: editors write a file in several steps. */
  debounceMs?: number;
}

/** Rule files, and lookup tables (*.csv beside them; tables in YAML are covered already). */
const isRuleFile = (name: string): boolean => name.endsWith('.yml') || name.endsWith('.yaml') || name.endsWith('.csv');

interface Tree {
  /** Watched directory path → its real path (a retargeted symlink needs a new watch). */
  readonly dirs: Map<string, string>;
  /** Rule file path → identity, size and times; a change in any means "changed". */
  readonly files: Map<string, string>;
}

/**
 * The rule files and directories below `root`, walked as the loader walks
 * them (src/rules/compile/load.ts): symlinks followed, each real directory
 * once, dot-entries skipped. The root's own directory is watched when the
 * root is a single file.
 */
function scan(root: string): Tree {
  const tree: Tree = { dirs: new Map(), files: new Map() };
  const seen = new Set<string>();
  const visit = (path: string, top: boolean): void => {
    let s;
    try {
      s = statSync(path, { bigint: true });
    } catch {
      return; // vanished since listed, or a dangling symlink: not a rule
    }
    if (s.isFile()) {
      if (top || isRuleFile(path)) tree.files.set(path, `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`);
      if (top) tree.dirs.set(dirname(path), dirname(path));
      return;
    }
    if (!s.isDirectory()) return;
    let real: string;
    let names: string[];
    try {
      real = realpathSync(path);
      names = readdirSync(path);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    tree.dirs.set(path, real);
    for (const name of names) if (!name.startsWith('.')) visit(join(path, name), false);
  };
  visit(root, true);
  return tree;
}

/** Starts watching; throws when the root itself cannot be watched (the caller turns hot reload off). */
export function watchRules(root: string, options: RulesWatchOptions): RulesWatcher {
  const watchers = new Map<string, { real: string; watcher: FSWatcher }>();
  /** Entries named by events since the last scan: a same-size rewrite within one clock tick still counts. */
  const named = new Set<string>();
  let tree = scan(root);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(rescan, options.debounceMs ?? 300);
  };

  const unwatch = (dir: string): void => {
    watchers.get(dir)?.watcher.close();
    watchers.delete(dir);
  };

  const watchDir = (dir: string, real: string): void => {
    const watcher = watch(dir, (_event, name) => {
      if (name) named.add(join(dir, name.toString()));
      schedule();
    });
    // A watched directory that is removed ends its watch with an error on
    // some kernels: unhandled, that would crash the process.
    watcher.on('error', (err) => {
      unwatch(dir);
      options.onError(err, dir);
      if (!closed) schedule();
    });
    watchers.set(dir, { real, watcher });
  };

  const sync = (dirs: ReadonlyMap<string, string>, strict: boolean): void => {
    for (const [dir, w] of [...watchers]) if (dirs.get(dir) !== w.real) unwatch(dir);
    for (const [dir, real] of dirs) {
      if (watchers.has(dir)) continue;
      try {
        watchDir(dir, real);
      } catch (err) {
        if (strict) throw err;
        options.onError(err, dir);
      }
    }
  };

  function rescan(): void {
    if (closed) return;
    const next = scan(root);
    sync(next.dirs, false);
    const changed = new Set<string>();
    for (const [file, sig] of next.files) if (tree.files.get(file) !== sig || named.has(file)) changed.add(file);
    for (const file of tree.files.keys()) if (!next.files.has(file)) changed.add(file);
    named.clear();
    tree = next;
    if (changed.size === 0) return;
    const base = statSync(root, { throwIfNoEntry: false })?.isFile() ? dirname(root) : root;
    options.onChange([...changed].map((f) => relative(base, f).split(sep).join('/')).sort());
  }

  if (tree.dirs.size === 0) throw new Error(`${root} is not a folder or file that can be read`);
  try {
    sync(tree.dirs, true);
  } catch (err) {
    for (const dir of [...watchers.keys()]) unwatch(dir);
    throw err;
  }
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const dir of [...watchers.keys()]) unwatch(dir);
    },
  };
}
