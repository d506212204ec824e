// Sums vitest JSON reports into one (scripts/test-all.sh runs two vitest
// processes; .ci/run reads one report). Exits 1 when a report is missing or
// says a test failed, so a vitest that crashed before writing counts as failed.
import console from 'node:console';
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';

const [out, ...inputs] = process.argv.slice(2);
const COUNTS = ['numTotalTestSuites', 'numPassedTestSuites', 'numFailedTestSuites', 'numPendingTestSuites', 'numTotalTests', 'numPassedTests', 'numFailedTests', 'numPendingTests', 'numTodoTests'];
const merged = { success: true, startTime: Infinity, testResults: [] };
for (const k of COUNTS) merged[k] = 0;
let ok = true;
for (const file of inputs) {
  let r;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`merge-vitest-reports: no report in ${file} (${err.message}): that vitest run did not finish`);
    merged.numFailedTests += 1;
    merged.success = false;
    ok = false;
    continue;
  }
  for (const k of COUNTS) merged[k] += r[k] ?? 0;
  merged.success &&= r.success !== false && (r.numFailedTests ?? 0) === 0;
  merged.startTime = Math.min(merged.startTime, r.startTime ?? Infinity);
  merged.testResults.push(...(r.testResults ?? []));
}
if (!Number.isFinite(merged.startTime)) merged.startTime = Date.now();
writeFileSync(out, JSON.stringify(merged));
process.exit(ok && merged.success ? 0 : 1);
