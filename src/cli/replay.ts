import { UsageError } from './args.js';

/** `sift replay <file|dir> --rules <dir>`. Placeholder until replay lands. */
export async function replayCommand(argv: readonly string[]): Promise<number> {
  await Promise.resolve();
  throw new UsageError(`replay: not built yet (${argv.join(' ')})`);
}
