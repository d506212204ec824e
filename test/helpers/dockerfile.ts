// The Dockerfile, read without a Docker engine: its instructions, the
// .dockerignore matcher, and the runtime image's file tree rebuilt in a temp
// folder from this checkout by following the runtime stage's instructions
// (issue 11, point 1). The tree follows the Dockerfile instead of a list kept
// here, so a COPY added or dropped there changes what the tests run.
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

export interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
export function dockerfileInstructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const out: Instruction[] = [];
  let stage = -1;
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = (m[1] ?? '').toUpperCase();
    if (op === 'FROM') stage++;
    out.push({ op, args: (m[2] ?? '').trim(), stage });
  }
  return out;
}

/** A .dockerignore matcher (Go filepath.Match per path segment, `**`, `!` exceptions, last match wins). */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const re = pattern
        .split('/')
        .map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/');
      // A pattern excludes the path itself and everything under it.
      return { negate, re: new RegExp(`^${re}(/.*)?$`) };
    });
  return (path) => {
    let excluded = false;
    for (const r of rules) if (r.re.test(path)) excluded = !r.negate;
    return excluded;
  };
}

/** A COPY/ADD's words: flags (`--from=build`) and paths, the last one the destination. */
export function copyWords(args: string): { flags: string[]; sources: string[]; dest: string } {
  const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  return { flags, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
}

/** Sources of `COPY`/`ADD` from the build context (not `--from=` another stage). */
export function contextSources(instructions: readonly Instruction[]): string[] {
  const out: string[] = [];
  for (const { op, args } of instructions) {
    if (op !== 'COPY' && op !== 'ADD') continue;
    const { flags, sources } = copyWords(args);
    if (flags.some((w) => w.startsWith('--from='))) continue;
    out.push(...sources);
  }
  return out;
}

/** `ENV A=b C=d` (or the legacy `ENV A b`) as a map; quotes around values dropped. */
function envPairs(args: string): [string, string][] {
  const unquote = (v: string) => v.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key = '', ...rest] = args.split(/\s+/);
    return [[key, unquote(rest.join(' '))]];
  }
  return args.split(/\s+/).map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), unquote(kv.slice(i + 1))];
  });
}

export interface ImageTree {
  /** The image's `/`, in the temp folder. */
  readonly root: string;
  /** The runtime stage's WORKDIR, inside `root`: where ENTRYPOINT runs. */
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** What could not be done as Docker does it, for the test's output. */
  readonly substitutions: readonly string[];
}

/**
 * Builds the runtime stage's file tree under `dest` from the checkout at
 * `repo`, instruction by instruction:
 * - COPY from the build context copies the repository's files, minus what
 *   .dockerignore excludes (as the context sent to the builder would);
 * - COPY --from=<stage> takes the path from this checkout: the build stage
 *   is the same steps as `npx tsc -p tsconfig.build.json` in the repository
 *   (its WORKDIR maps to the repository root), so dist/ must be built first;
 * - RUN npm ci: symlinks the repository's node_modules. `npm ci --omit=dev`
 *   needs the registry, which a test run must not depend on (and CI may be
 *   offline); the repository's node_modules holds the production
 *   dependencies plus the dev ones, so a production dependency missing from
 *   package.json would not be caught here;
 * - any other RUN, ADD or unknown instruction throws, so a Dockerfile that
 *   grows a step this helper cannot mimic fails the test instead of being
 *   skipped.
 */
export function buildImageTree(repo: string, dest: string): ImageTree {
  const instructions = dockerfileInstructions(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
  const ignored = existsSync(join(repo, '.dockerignore')) ? dockerignore(readFileSync(join(repo, '.dockerignore'), 'utf8')) : () => false;
  const last = Math.max(...instructions.map((i) => i.stage));
  // Stage name (FROM … AS name) and index → that stage's WORKDIR, the folder
  // of the repository its paths stand for.
  const stageNames = new Map<string, number>();
  const stageWorkdir = new Map<number, string>();
  for (const i of instructions) {
    if (i.op === 'FROM') {
      const as = /\s+AS\s+(\S+)\s*$/i.exec(i.args)?.[1];
      if (as) stageNames.set(as.toLowerCase(), i.stage);
      stageNames.set(String(i.stage), i.stage);
    }
    if (i.op === 'WORKDIR') stageWorkdir.set(i.stage, posix.resolve(stageWorkdir.get(i.stage) ?? '/', i.args));
  }
  const inImage = (p: string) => join(dest, p);
  let workdir = '/';
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  const substitutions: string[] = [];

  const copy = (from: string, to: string, filter: (src: string) => boolean) => {
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true, filter, dereference: false });
  };

  for (const { op, args } of instructions.filter((i) => i.stage === last)) {
    switch (op) {
      case 'FROM':
      case 'ARG':
      case 'USER':
      case 'EXPOSE':
      case 'HEALTHCHECK':
      case 'LABEL':
        break;
      case 'WORKDIR':
        workdir = posix.resolve(workdir, args);
        mkdirSync(inImage(workdir), { recursive: true });
        break;
      case 'ENV':
        for (const [k, v] of envPairs(args)) env[k] = v;
        break;
      case 'ENTRYPOINT':
        entrypoint = JSON.parse(args) as string[];
        break;
      case 'CMD':
        cmd = JSON.parse(args) as string[];
        break;
      case 'RUN':
        if (!/^npm ci\b/.test(args)) throw new Error(`Dockerfile runtime stage: cannot mimic RUN ${args}`);
        symlinkSync(join(repo, 'node_modules'), inImage(posix.join(workdir, 'node_modules')), 'dir');
        substitutions.push(`RUN ${args} → symlink to ${join(repo, 'node_modules')} (offline; dev dependencies included)`);
        break;
      case 'COPY': {
        const { flags, sources, dest: to } = copyWords(args);
        const fromFlag = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        const unknown = flags.filter((f) => !f.startsWith('--from=') && !f.startsWith('--chown=') && !f.startsWith('--chmod='));
        if (unknown.length > 0) throw new Error(`Dockerfile: cannot mimic COPY ${unknown.join(' ')}`);
        const target = posix.resolve(workdir, to);
        const intoDir = to.endsWith('/') || sources.length > 1;
        for (const src of sources) {
          if (/[*?[]/.test(src)) throw new Error(`Dockerfile: cannot mimic the COPY wildcard ${src}`);
          let from: string;
          let keep: (p: string) => boolean;
          if (fromFlag === undefined) {
            from = join(repo, src);
            keep = (p) => !ignored(relative(repo, p).split('\\').join('/'));
            if (!keep(from)) throw new Error(`Dockerfile: COPY ${src} is excluded by .dockerignore`);
          } else {
            const stage = stageNames.get(fromFlag.toLowerCase());
            if (stage === undefined) throw new Error(`Dockerfile: COPY --from=${fromFlag}: not a stage of this file`);
            const base = stageWorkdir.get(stage) ?? '/';
            const rel = posix.relative(base, posix.resolve(base, src));
            if (rel.startsWith('..')) throw new Error(`Dockerfile: COPY --from=${fromFlag} ${src}: outside the stage's WORKDIR ${base}`);
            from = join(repo, rel);
            keep = () => true;
          }
          if (!existsSync(from)) throw new Error(`Dockerfile: COPY ${src}: ${from} does not exist (built?)`);
          const name = posix.basename(src.replace(/\/+$/, ''));
          // A directory's contents go to the target; a file goes into it when the target is a folder.
          const out = statSync(from).isDirectory() || !intoDir ? target : posix.join(target, name);
          copy(from, inImage(out), keep);
        }
        break;
      }
      default:
        throw new Error(`Dockerfile runtime stage: cannot mimic ${op} ${args}`);
    }
  }
  return { root: dest, workdir: inImage(workdir), env, entrypoint, cmd, substitutions };
}
