/**
 * SIGTERM or SIGINT arriving while Node still loads Sift's modules (a few
 * hundred ms on a busy host) would take the default action: the process dies
 * by the signal, which a supervisor reads as a crash. main.ts imports this
 * module first, so the signal is recorded instead, and main() ends the run as
 * the clean "shut down during startup" it is. It must import nothing: its
 * whole point is to run before everything else is evaluated.
 */
let first: NodeJS.Signals | undefined;
const record = (signal: NodeJS.Signals): void => {
  first ??= signal;
};
process.on('SIGTERM', record);
process.on('SIGINT', record);
// Tests stop the process at exact points after this line (test/unit/early-signal.test.ts).
if (process.env.SIFT_SIGNAL_PROBE === '1') process.stderr.write('sift: loading\n');

/** Stops recording (commands then install their own handlers) and returns the signal seen while loading, if any. */
export function takeEarlySignal(): NodeJS.Signals | undefined {
  process.off('SIGTERM', record);
  process.off('SIGINT', record);
  return first;
}
