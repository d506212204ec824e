import { main } from './cli/index.js';
import { silenceKafkajsTimeoutWarning } from './shared/index.js';

silenceKafkajsTimeoutWarning();

// argv → config → pipeline → exit code. Everything else lives in cli/.
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Kafka and ES clients can keep sockets open for a while after disconnect;
// the job is done, so exit instead of waiting for them.
if (process.argv[2] !== undefined) setImmediate(() => process.exit(code)).unref();
