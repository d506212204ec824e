/**
 * `sift rules import-sigma <file|dir> --out <dir> [--json]`: converts SigmaHQ
 * rules for Sift's sources into Sift rule files, one per rule, and reports
 * each rule as converted or unsupported with the reason.
 *
 * Exit codes: 0 when the import ran (unsupported rules included), 2 on a
 * usage error, 1 when an output file cannot or must not be written (kind
 * `output`: two inputs for one output, a symbolic link under --out).
 * One input that cannot be read or converted, whatever the reason, is that
 * input's failure in the report; the others still convert.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, convertSigma, findSigmaFiles, formatReport, UnsupportedKind, type ConvertResult, type ReportEntry, type SigmaFiles } from '../rules/sigma/index.js';
import { parse, UsageError } from './args.js';
import { collisions, outPath, writeOut } from './sigma-out.js';

export const IMPORT_SIGMA_HELP = `Usage: sift rules import-sigma <file|dir> --out <dir> [--json]

Converts Sigma rules (SigmaHQ format) whose logsource is a source Sift ingests
(Okta, AWS CloudTrail, GCP audit, GitHub audit, Google Workspace) into Sift
rule files, one per rule, mirroring the input's folders under --out.
Pointed at a SigmaHQ checkout, it reads the rules* folders and skips
rules-placeholder/, unsupported/ and deprecated/ (the report lists them).

Options:
  --out, -o <dir>  where to write the converted rules (created if missing)
  --json           print the report as JSON: {"total", "converted", "unsupported": [{"path", "reason"}], …}
  --help, -h       this text

Unsupported rules are reported with the reason and do not fail the command.
Two inputs that map to one output (a.yaml and a.yml) are both refused, and a
symbolic link under --out is never written through; either exits 1.
See docs/sigma.md for the field mappings and modifiers.`;

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function locate(input: string): SigmaFiles {
  try {
    return findSigmaFiles(input);
  } catch (err) {
    throw new UsageError(`cannot read ${JSON.stringify(input)}: ${(err as Error).message}`);
  }
}

const failed = (kind: UnsupportedKind, reason: string, product = 'unknown'): ConvertResult => ({ ok: false, kind, reason, product });

/** Converts one file; a file that cannot be read, or whose conversion throws, is reported like any other unconvertible input. */
function convertFile(files: SigmaFiles, path: string): ReportEntry {
  let text: string;
  try {
    text = readFileSync(join(files.root, path), 'utf8');
  } catch (err) {
    return { path, result: failed(UnsupportedKind.notARule, `cannot read the file: ${(err as Error).message}`) };
  }
  try {
    return { path, result: convertSigma(text, path) };
  } catch (err) {
    return { path, result: failed(UnsupportedKind.notARule, `conversion failed: ${err instanceof Error ? err.message : String(err)}`) };
  }
}

/** Converts and writes one input; refusals to write are the entry's failure, kind `output`. */
function importFile(files: SigmaFiles, path: string, outDir: string, collision: string | undefined): ReportEntry {
  const entry = convertFile(files, path);
  if (!entry.result.ok) return entry;
  const product = entry.result.rule.product;
  if (collision !== undefined) return { path, result: failed(UnsupportedKind.output, collision, product) };
  const out = join(outDir, outPath(path));
  const refused = writeOut(outDir, out, entry.result.yaml);
  return refused === undefined ? { ...entry, out } : { path, result: failed(UnsupportedKind.output, refused, product) };
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, true);
  if (values.help === true) {
    console.log(IMPORT_SIGMA_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one <file|dir>, got ${positionals.length}`);
  if (values.out === undefined || values.out === '') throw new UsageError('--out <dir> is required');
  const outDir = values.out;
  const files = locate(positionals[0] as string);

  const clash = collisions(files.files);
  const entries = files.files.map((path) => importFile(files, path, outDir, clash.get(path)));
  const report = buildReport(entries, files.skipped);
  console.log(values.json === true ? JSON.stringify(report, null, 2) : formatReport(report, outDir));
  await Promise.resolve();
  return entries.some((e) => !e.result.ok && e.result.kind === UnsupportedKind.output) ? 1 : 0;
}

export async function importSigmaCommand(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`sift rules import-sigma: ${err.message}\n\n${IMPORT_SIGMA_HELP}`);
    return 2;
  }
}
