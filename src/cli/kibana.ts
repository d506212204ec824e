import { writeFileSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { buildSavedObjects, importSavedObjects, toNdjson } from '../kibana/index.js';
import { parse, UsageError } from './args.js';

export const KIBANA_HELP = `Usage: sift kibana <export|import> [options]

Sift's Kibana 8 assets (docs/kibana.md): data views for logs-*, each source and
the alerts index, and dashboards (overview, alerts, one per source), built
from the panel list in src/kibana/panels.ts checked against the ECS catalog.

  export [--out <file>] [-c <file>]
        write the saved objects as NDJSON (stdout without --out), for
        Stack Management → Saved objects → Import or the API
  import --url <kibana> [--api-key <key>] [--space <id>] [-c <file>]
        POST them to <kibana>/api/saved_objects/_import?overwrite=true and print
        Kibana's verdict per object; exit 1 if any failed or Kibana is unreachable.
        The API key (the base64 "encoded" form) may come from SIFT_KIBANA_API_KEY
        instead, which keeps it out of the process list; user:password@ in the
        URL is sent as Basic auth.

-c names the Sift config whose alerts.index_prefix and elasticsearch.ops_index.prefix the alerts and pipeline-health data views use.`;

function savedObjectsNdjson(configFile: string | undefined): string {
  const config = loadConfig(configFile);
  return toNdjson(buildSavedObjects({ alertsIndexPrefix: config.alerts.index_prefix, opsIndexPrefix: config.elasticsearch.ops_index.prefix }));
}

async function importCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, {
    url: { type: 'string' },
    'api-key': { type: 'string' },
    space: { type: 'string' },
    config: { type: 'string', short: 'c' },
  });
  if (!values.url) throw new UsageError('sift kibana import: --url <kibana> is required, e.g. --url http://localhost:5601');
  if (!URL.canParse(values.url) || !/^https?:$/.test(new URL(values.url).protocol)) throw new UsageError(`sift kibana import: --url must be an http(s) URL, got ${JSON.stringify(values.url)}`);
  const apiKey = values['api-key'] ?? process.env['SIFT_KIBANA_API_KEY'];
  const result = await importSavedObjects({
    url: values.url,
    ndjson: savedObjectsNdjson(values.config),
    ...(apiKey ? { apiKey } : {}),
    ...(values.space ? { space: values.space } : {}),
  });
  for (const o of result.objects) {
    const line = `${o.error ? 'FAILED' : 'ok    '} ${o.type} ${o.id}${o.title ? ` (${o.title})` : ''}${o.error ? `: ${o.error}` : ''}`;
    if (o.error) console.error(line);
    else console.log(line);
  }
  const failed = result.objects.filter((o) => o.error).length;
  console.log(`${result.successCount} saved objects imported${failed > 0 ? `, ${failed} failed` : ''}`);
  return result.ok ? 0 : 1;
}

export async function kibanaCommand(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'export') {
    const { values } = parse(rest, { out: { type: 'string', short: 'o' }, config: { type: 'string', short: 'c' } });
    const text = savedObjectsNdjson(values.config);
    if (values.out) {
      writeFileSync(values.out, text);
      console.error(`wrote ${text.split('\n').length - 1} saved objects to ${values.out}`);
    } else process.stdout.write(text);
    return 0;
  }
  if (action === 'import') return importCommand(rest);
  if (action === undefined || action === '--help' || action === '-h') {
    console.log(KIBANA_HELP);
    return action === undefined ? 2 : 0;
  }
  throw new UsageError(`sift kibana: unknown action ${JSON.stringify(action)} (use export or import)`);
}
