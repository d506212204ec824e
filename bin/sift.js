#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (`make build` or `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('sift: not built yet. Run `make build` (or `npm run build`) first.');
  process.exit(1);
}
await import(entry.href);
