import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository/package root: the nearest folder above this file holding
 * scripts/stack.sh. Works from src/ (tests) and from dist/src/ (built).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the Sift package root (a folder with package.json and scripts/)');
}
