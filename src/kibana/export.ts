/**
 * `sift kibana export`: every saved object, in dependency order (data views,
 * then what reads them, then dashboards), one JSON object a line.
 */
import { dataViews } from './data-views.js';
import { checkDashboards, fieldTypes } from './fields.js';
import { lensObject } from './lens.js';
import { alertsSearchObject, dashboardObject, dataViewObject } from './objects.js';
import { DASHBOARDS } from './panels.js';
import { ids, type SavedObject } from './saved-object.js';
import type { DashboardSpec } from './spec.js';

export interface ExportOptions {
  /** alerts.index_prefix: the alerts data view is `<prefix>-*`. */
  readonly alertsIndexPrefix: string;
  /** elasticsearch.ops_index.prefix: the pipeline-health data view is `<prefix>-*` (default sift-ops). */
  readonly opsIndexPrefix?: string;
}

export class PanelListError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`the Kibana panel list does not match the field catalog:\n  ${problems.join('\n  ')}`);
    this.name = 'PanelListError';
    this.problems = problems;
  }
}

export function buildSavedObjects(opts: ExportOptions, dashboards: readonly DashboardSpec[] = DASHBOARDS): SavedObject[] {
  const views = dataViews(opts.alertsIndexPrefix, opts.opsIndexPrefix);
  const problems = checkDashboards(dashboards, views);
  if (problems.length > 0) throw new PanelListError(problems);
  const out: SavedObject[] = views.map(dataViewObject);
  for (const d of dashboards) {
    for (const p of d.panels) {
      // checkDashboards has vouched for the view.
      const view = views.find((v) => v.key === (p.dataView ?? d.dataView));
      if (view) out.push(lensObject(d.key, p, ids.dataView(view.key), fieldTypes(view)));
    }
  }
  const alerts = views.find((v) => v.alerts);
  if (alerts && dashboards.some((d) => d.alertsSearch)) out.push(alertsSearchObject(ids.dataView(alerts.key)));
  out.push(...dashboards.map(dashboardObject));
  return out;
}

export function toNdjson(objects: readonly SavedObject[]): string {
  return objects.map((o) => `${JSON.stringify(o)}\n`).join('');
}
