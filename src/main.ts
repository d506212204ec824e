import { main } from './cli/index.js';

// kafkajs 2.2.4 schedules its request-queue check with a negative delay when
// it is not throttled (throttledUntil - now, src/network/requestQueue); Node
// ≥ 23 warns about it and clamps the delay to 1 ms, which is what kafkajs
// meant. Drop exactly that warning so real ones stay visible.
const defaultWarning = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'TimeoutNegativeWarning') return;
  for (const l of defaultWarning) l.call(process, w);
});

// argv → config → pipeline → exit code. Everything else lives in cli/.
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Kafka and ES clients can keep sockets open for a while after disconnect;
// the job is done, so exit instead of waiting for them.
if (process.argv[2] !== undefined) setImmediate(() => process.exit(code)).unref();
