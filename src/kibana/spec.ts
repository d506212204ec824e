/**
 * What Sift's Kibana assets are made of, as data: data views, and dashboards
 * of panels. `panels.ts` lists them; `fields.ts` checks every field a panel
 * names against the ECS catalog (or the alerts mapping); the builders turn
 * them into Kibana 8 saved objects, and `query.ts` into the Elasticsearch
 * request a panel makes, so the same list drives the export and its tests.
 */

/** How a panel draws its numbers; each maps to one Lens visualization. */
export const PanelKind = {
  /** Bars over `@timestamp` (Lens lnsXY, bar_stacked), optionally split by one field. */
  timeline: 'timeline',
  /** Top values of one field as horizontal bars (Lens lnsXY, bar_horizontal). */
  bars: 'bars',
  /** Rows of the top values of one or more fields, nested (Lens lnsDatatable). */
  table: 'table',
  /** A single number (Lens lnsMetric). */
  metric: 'metric',
} as const;
export type PanelKind = (typeof PanelKind)[keyof typeof PanelKind];

/** The number a panel shows per bucket. */
export type Metric = { readonly op: 'count' } | { readonly op: 'unique_count' | 'max' | 'sum'; readonly field: string; readonly label: string };

/** A filter: the field has one of these values (a Lens layer query in KQL; a `terms` query in ES). */
export interface Where {
  readonly field: string;
  readonly values: readonly string[];
}

export interface PanelSpec {
  /** Unique within its dashboard; part of the Lens object's id. */
  readonly key: string;
  readonly title: string;
  readonly kind: PanelKind;
  /** Fields to break down by, outermost first (timeline: at most one, the split). */
  readonly by: readonly string[];
  readonly metric?: Metric;
  readonly where?: readonly Where[];
  /** How many top values each `by` field shows (default 10). */
  readonly size?: number;
  /** Key of the data view this panel reads, when not its dashboard's (the overview's pipeline-health panels). */
  readonly dataView?: string;
}

/** A data view: an index pattern with `@timestamp` as its time field. */
export interface DataViewSpec {
  readonly key: string;
  /** The index pattern (Kibana's `title`), e.g. `logs-okta.system-*`. */
  readonly pattern: string;
  readonly name: string;
  /** Datasets behind it (their catalog fields are its fields); empty for the alerts view. */
  readonly datasets: readonly string[];
  /** The alerts index rather than event indices. */
  readonly alerts?: boolean;
  /** The pipeline-health index (elasticsearch.ops_index) rather than event indices. */
  readonly ops?: boolean;
}

export interface DashboardSpec {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  /** Key of the data view the panels of this dashboard read (unless a panel names its own). */
  readonly dataView: string;
  readonly panels: readonly PanelSpec[];
  /** The time range the dashboard opens with (Kibana date math); default now-24h to now. */
  readonly timeFrom?: string;
  /** Also show the saved search of alerts with links to their events. */
  readonly alertsSearch?: boolean;
}
