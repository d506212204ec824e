#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (`make build` or `npm run build`).
//
// It must still start on an old Node: when the system node is older than
// package.json's engines, the Makefile runs everything on a Node it fetched
// into .cache/node-v<version>/, but a shell after `make` still has the system
// node first on PATH. So on a Node below the engines' major, if such a cached
// Node exists, run this same file on it instead (issue 11, point 6). Only
// syntax and APIs Node 18+ has, since this part runs on the old Node.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const entry = new URL('dist/src/main.js', root);

/** The Node major package.json's engines ask for (">=22" → 22), or 0 if unreadable. */
function requiredMajor() {
  try {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    const m = /^>=\s*(\d+)/.exec(String(pkg.engines?.node ?? ''));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The newest .cache/node-v<x.y.z>/bin/node of at least `major`, as the Makefile lays it out. */
function cachedNode(major) {
  const cache = new URL('.cache/', root);
  let best;
  let bestVersion = [];
  let names = [];
  try {
    names = readdirSync(cache);
  } catch {
    return undefined;
  }
  for (const name of names) {
    const m = /^node-v(\d+)\.(\d+)\.(\d+)$/.exec(name);
    if (!m) continue;
    const version = m.slice(1).map(Number);
    const bin = fileURLToPath(new URL(`${name}/bin/node`, cache));
    if (version[0] < major || !existsSync(bin)) continue;
    const newer = version.findIndex((v, i) => v !== bestVersion[i]);
    if (best === undefined || (newer !== -1 && version[newer] > bestVersion[newer])) {
      best = bin;
      bestVersion = version;
    }
  }
  return best;
}

const major = requiredMajor();
const tooOld = Number(process.versions.node.split('.')[0]) < major;
// SIFT_LAUNCHER_REEXEC: set on the child, so a cached Node that somehow
// reports an old version cannot make the launcher start itself forever.
const node = tooOld && process.env.SIFT_LAUNCHER_REEXEC === undefined ? cachedNode(major) : undefined;

if (node !== undefined) {
  const child = spawn(node, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, SIFT_LAUNCHER_REEXEC: process.version },
  });
  // Signals meant for Sift reach this process: pass them on. Not SIGINT:
  // Ctrl-C already goes to the child (same process group), and a second
  // SIGINT makes `sift run` exit without draining.
  const forward = (signal) => child.kill(signal);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  process.on('SIGINT', () => undefined);
  child.on('error', (err) => {
    console.error(`sift: cannot start ${node}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // End the same way, so a shell sees "killed by SIGTERM", not a code.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
} else {
  if (tooOld && process.env.SIFT_LAUNCHER_REEXEC === undefined) {
    console.error(`sift: node ${process.version} is older than Sift needs (>=${major}); \`make node\` fetches Node 24 into .cache/, which this launcher then uses.`);
  }
  if (!existsSync(entry)) {
    console.error('sift: not built yet. Run `make build` (or `npm run build`) first.');
    process.exit(1);
  }
  await import(entry.href);
}
