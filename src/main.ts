// First, before the rest of Sift is even loaded: record a stop signal that
// arrives meanwhile (early-signals.ts). The dynamic imports below keep that
// window open only for Node's own bootstrap; static imports would load and
// parse the whole module graph before this line ran.
import { takeEarlySignal } from './cli/early-signals.js';

const { main } = await import('./cli/index.js');
const { silenceKafkajsTimeoutWarning } = await import('./shared/index.js');

silenceKafkajsTimeoutWarning();
// Loading the graph is synchronous work: a signal that came meanwhile is only
// dispatched (to early-signals.ts) on the next turn of the event loop.
await new Promise((resolve) => setImmediate(resolve));

// `sift run` takes over the recorded signal when it installs its own handlers
// (cli/run.ts), so no moment is left uncovered; other commands stop recording
// now (their Ctrl-C must work) and end as interrupted if it came already.
if (process.argv[2] !== 'run') {
  const early = takeEarlySignal();
  if (early !== undefined) process.exit(early === 'SIGINT' ? 130 : 143);
}

// argv → config → pipeline → exit code. Everything else lives in cli/.
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Kafka and ES clients can keep sockets open for a while after disconnect;
// the job is done, so exit instead of waiting for them. But first let
// stdout and stderr drain: a pipe to a slow reader (`sift rules verify
// --json | jq`) takes 64 KiB at once, and exiting with the rest queued
// would cut the output short.
const drained = (stream: NodeJS.WriteStream): Promise<void> =>
  stream.writableLength === 0 ? Promise.resolve() : new Promise((resolve) => stream.once('drain', () => resolve()));
if (process.argv[2] !== undefined) {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  setImmediate(() => process.exit(code)).unref();
}
