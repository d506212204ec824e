import { discoverCorpus, runConformance } from '../conformance/index.js';
import { loadGeoIp } from '../ingest/index.js';
import { numberFlag, parse, UsageError } from './args.js';

export const CONFORMANCE_HELP = `Usage: sift conformance --corpus <dir> [--json] [--min-ratio <r>] [--mismatches <n>]

Runs every input of an Elastic-style pipeline-test corpus
(<package>/<data_stream>/test-*.log|json with *-expected.json beside it) through
Sift's decode → normalize → enrich → serialize, and compares each expected ECS
field with what Sift emits. Needs no Kafka or Elasticsearch. GeoIP/ASN fields
(*.geo.*, *.as.*) that are nowhere in the input are scored apart, as
"enrichment", with the shipped databases: Elastic's expected values come from
MaxMind's test databases, so they agree on some addresses only.

Options:
  --corpus <dir>      corpus root (e.g. ../shared/corpus/elastic)
  --json              machine-readable report
  --min-ratio <r>     exit 1 when the overall ratio is below r
  --mismatches <n>    how many mismatches to list (default: 50)
  -h, --help          show this help`;

export async function conformanceCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, {
    corpus: { type: 'string' },
    json: { type: 'boolean' },
    'min-ratio': { type: 'string' },
    mismatches: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(CONFORMANCE_HELP);
    return 0;
  }
  if (!values.corpus) throw new UsageError('--corpus <dir> is required');
  const geo = loadGeoIp({ cityDatabase: '', asnDatabase: '' });
  if (!geo.ok) throw new Error(`cannot load the shipped GeoIP databases: ${geo.issues.map((i) => i.message).join('; ')}`);
  const report = runConformance(discoverCorpus(values.corpus), numberFlag(values.mismatches, 'mismatches', 50), geo.geoip);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;
    console.log('dataset'.padEnd(40), 'docs'.padStart(5), 'fields'.padStart(7), 'matched'.padStart(8), 'ratio'.padStart(7));
    for (const [ds, t] of Object.entries(report.by_dataset)) {
      console.log(ds.padEnd(40), String(t.documents).padStart(5), String(t.expected).padStart(7), String(t.matched).padStart(8), pct(t.ratio).padStart(7));
    }
    const o = report.overall;
    console.log('overall'.padEnd(40), ''.padStart(5), String(o.expected).padStart(7), String(o.matched).padStart(8), pct(o.ratio).padStart(7));
    const e = report.enrichment;
    console.log('enrichment'.padEnd(40), ''.padStart(5), String(e.expected).padStart(7), String(e.matched).padStart(8), pct(e.ratio).padStart(7), '  GeoIP/ASN, apart from the overall ratio');
    console.log(`  by kind: ${Object.entries(e.by_kind).map(([k, t]) => `${k} ${t.matched}/${t.expected}`).join(', ')}`);
    for (const u of report.unsupported) console.log(`unsupported: ${u.file}: ${u.reason}`);
    if (report.mismatches.length > 0) {
      console.log(`\nfirst ${report.mismatches.length} mismatches:`);
      for (const m of report.mismatches) console.log(`  ${m.file}#${m.document} ${m.field}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
    }
  }
  const min = values['min-ratio'] === undefined ? undefined : numberFlag(values['min-ratio'], 'min-ratio', 0);
  return min !== undefined && report.overall.ratio < min ? 1 : 0;
}
