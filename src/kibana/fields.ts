/**
 * The fields a panel may use: those of the catalog behind its data view (the
 * ECS catalog for event views, the alerts or pipeline-health index mapping
 * for those views),
 * of a type Elasticsearch can aggregate on. The export refuses a panel list
 * that names any other field, so a renamed catalog field breaks the build,
 * not a dashboard in front of an analyst.
 */
import { ALERTS_MAPPINGS } from '../alerts/index.js';
import { fieldsOf } from '../ecs/index.js';
import { OPS_MAPPINGS } from '../ingest/index.js';
import type { DashboardSpec, DataViewSpec, PanelSpec } from './spec.js';

/** Types with doc values: terms, histograms, cardinality and max work on them (text does not). */
export const AGGREGATABLE = new Set(['keyword', 'long', 'float', 'double', 'integer', 'date', 'ip', 'boolean', 'geo_point']);

interface MappingNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, MappingNode>>;
}

function flatten(props: Readonly<Record<string, MappingNode>>, prefix: string, out: Map<string, string>): Map<string, string> {
  for (const [name, node] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (node.properties) flatten(node.properties, path, out);
    else if (node.type) out.set(path, node.type);
  }
  return out;
}

const ALERT_FIELDS: ReadonlyMap<string, string> = flatten(ALERTS_MAPPINGS.properties, '', new Map());
const OPS_FIELDS: ReadonlyMap<string, string> = flatten(OPS_MAPPINGS.properties, '', new Map());

/** Field → type for a data view; a field two datasets declare keeps its first type (the registry refuses conflicts). */
export function fieldTypes(view: DataViewSpec): ReadonlyMap<string, string> {
  if (view.alerts) return ALERT_FIELDS;
  if (view.ops) return OPS_FIELDS;
  const out = new Map<string, string>();
  for (const dataset of view.datasets) {
    for (const f of fieldsOf(dataset) ?? []) if (!out.has(f.name)) out.set(f.name, f.type);
  }
  return out;
}

/** Every field a panel reads: its breakdowns, its metric's field and its filters. */
export function panelFields(panel: PanelSpec): string[] {
  const fields = [...(panel.kind === 'timeline' ? ['@timestamp'] : []), ...panel.by, ...(panel.where ?? []).map((w) => w.field)];
  if (panel.metric && panel.metric.op !== 'count') fields.push(panel.metric.field);
  return [...new Set(fields)];
}

/** Problems with a panel list, one line each, naming dashboard, panel and field; empty when sound. */
export function checkDashboards(dashboards: readonly DashboardSpec[], views: readonly DataViewSpec[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of dashboards) {
    const view = views.find((v) => v.key === d.dataView);
    if (!view) {
      problems.push(`dashboard ${d.key}: no data view ${JSON.stringify(d.dataView)}`);
      continue;
    }
    if (d.panels.length === 0) problems.push(`dashboard ${d.key}: no panels`);
    for (const p of d.panels) {
      const where = `dashboard ${d.key}, panel ${p.key}`;
      const panelView = p.dataView === undefined ? view : views.find((v) => v.key === p.dataView);
      if (!panelView) {
        problems.push(`${where}: no data view ${JSON.stringify(p.dataView)}`);
        continue;
      }
      const types = fieldTypes(panelView);
      if (seen.has(`${d.key}/${p.key}`)) problems.push(`${where}: the key is used twice`);
      seen.add(`${d.key}/${p.key}`);
      if (p.kind === 'timeline' && p.by.length > 1) problems.push(`${where}: a timeline splits by at most one field`);
      if ((p.kind === 'bars' || p.kind === 'table') && p.by.length === 0) problems.push(`${where}: a ${p.kind} needs a field to break down by`);
      if (p.kind === 'metric' && p.by.length > 0) problems.push(`${where}: a metric has no breakdown`);
      for (const field of panelFields(p)) {
        const type = types.get(field);
        if (type === undefined) problems.push(`${where}: ${field} is not in the catalog of ${panelView.pattern}`);
        else if (!AGGREGATABLE.has(type)) problems.push(`${where}: ${field} is ${type}, which Elasticsearch cannot aggregate`);
      }
    }
  }
  return problems;
}
