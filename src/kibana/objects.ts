/**
 * Data views, the alerts saved search and dashboards as saved objects. The
 * lens objects come from lens.ts; dashboards reference them by id.
 */
import { ALL_EVENTS } from './data-views.js';
import { emptySearchSource, ids, savedObject, type Reference, type SavedObject } from './saved-object.js';
import type { DashboardSpec, DataViewSpec } from './spec.js';

/**
 * Discover on every event, filtered to one `_id`: the alert's event ids are
 * the `_id`s Sift indexed its events under (src/rules/runtime/types.ts).
 * Kibana fills `{{value}}` URL-encoded; the year back covers late alerts.
 */
export const EVENT_LINK = `/app/discover#/?_g=(time:(from:now-1y,to:now))&_a=(index:'${ids.dataView(ALL_EVENTS)}',query:(language:kuery,query:'_id:"{{value}}"'))`;

/** The alert field that lists its events' `_id`s, shown as links. */
export const EVENT_IDS_FIELD = 'sift.alert.event_ids';

export function dataViewObject(view: DataViewSpec): SavedObject {
  const formats = view.alerts ? { [EVENT_IDS_FIELD]: { id: 'url', params: { type: 'a', urlTemplate: EVENT_LINK, labelTemplate: '{{value}}' } } } : {};
  return savedObject('index-pattern', ids.dataView(view.key), {
    title: view.pattern,
    name: view.name,
    timeFieldName: '@timestamp',
    fieldFormatMap: JSON.stringify(formats),
    fields: '[]',
    runtimeFieldMap: '{}',
    sourceFilters: '[]',
    fieldAttrs: '{}',
    typeMeta: '{}',
  });
}

const SEARCH_INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';

/** Discover's table of alerts, newest first, with the columns on-call reads and the event links. */
export function alertsSearchObject(alertsViewId: string): SavedObject {
  return savedObject(
    'search',
    ids.alertsSearch,
    {
      title: 'Sift: alerts and their events',
      description: 'Each alert with its rule, severity, entity and the _ids of its events; an event id opens that event in Discover.',
      columns: ['rule.name', 'sift.alert.severity', 'user.name', 'source.ip', 'sift.alert.count', EVENT_IDS_FIELD],
      sort: [['@timestamp', 'desc']],
      kibanaSavedObjectMeta: { searchSourceJSON: emptySearchSource({ indexRefName: SEARCH_INDEX_REF }) },
    },
    [{ type: 'index-pattern', id: alertsViewId, name: SEARCH_INDEX_REF }],
  );
}

interface Placed {
  readonly type: 'lens' | 'search';
  readonly id: string;
  readonly panelIndex: string;
  readonly w: number;
  readonly h: number;
}

/** Dashboards are 48 columns wide: timelines and the saved search take a row, the rest half of one. */
function layout(placed: readonly Placed[]): { panels: unknown[]; references: Reference[] } {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels: unknown[] = [];
  const references: Reference[] = [];
  for (const p of placed) {
    if (x + p.w > 48) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    panels.push({
      version: '8.8.0',
      type: p.type,
      gridData: { x, y, w: p.w, h: p.h, i: p.panelIndex },
      panelIndex: p.panelIndex,
      embeddableConfig: { enhancements: {} },
      panelRefName: `panel_${p.panelIndex}`,
    });
    references.push({ type: p.type, id: p.id, name: `${p.panelIndex}:panel_${p.panelIndex}` });
    x += p.w;
    rowHeight = Math.max(rowHeight, p.h);
  }
  return { panels, references };
}

export function dashboardObject(d: DashboardSpec): SavedObject {
  const placed: Placed[] = d.panels.map((p) => ({ type: 'lens', id: ids.lens(d.key, p.key), panelIndex: p.key, w: p.kind === 'timeline' ? 48 : 24, h: p.kind === 'metric' ? 8 : 14 }));
  if (d.alertsSearch) placed.push({ type: 'search', id: ids.alertsSearch, panelIndex: 'alerts-search', w: 48, h: 18 });
  const { panels, references } = layout(placed);
  return savedObject(
    'dashboard',
    ids.dashboard(d.key),
    {
      title: d.title,
      description: d.description,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ useMargins: true, syncColors: false, syncCursor: true, syncTooltips: false, hidePanelTitles: false }),
      // Opens on its own time range (the alerts on a week, events on a day), auto-refresh off.
      timeRestore: true,
      timeFrom: d.timeFrom ?? 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: true, value: 60_000 },
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: emptySearchSource() },
    },
    references,
  );
}
