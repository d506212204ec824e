import { UsageError } from './args.js';

/** `sift rules test|lint|explain|import-sigma`. Placeholder until the rules CLI lands. */
export async function rulesCommand(argv: readonly string[]): Promise<number> {
  await Promise.resolve();
  throw new UsageError(`rules: not built yet (${argv.join(' ')})`);
}
