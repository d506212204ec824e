/**
 * A panel as a Lens saved object (Kibana 8, `formBased` datasource): one
 * layer over the panel's data view, a bucket column per breakdown field (plus
 * `@timestamp` for a timeline), one metric column, and the visualization
 * state of the panel's kind. Column and layer ids are fixed strings, so the
 * same panel list always gives the same bytes.
 */
import { kqlOf } from './kql.js';
import { ids, savedObject, type SavedObject } from './saved-object.js';
import type { Metric, PanelSpec } from './spec.js';

const LAYER = 'layer1';
const METRIC = 'metric';
const DATE = 'time';
const bucket = (i: number): string => `by${i}`;

/** Lens column data types from Elasticsearch field types. */
function dataType(esType: string | undefined): string {
  switch (esType) {
    case 'long':
    case 'float':
    case 'double':
    case 'integer':
      return 'number';
    case 'date':
    case 'ip':
    case 'boolean':
      return esType;
    default:
      return 'string';
  }
}

function metricColumn(metric: Metric, types: ReadonlyMap<string, string>): Record<string, unknown> {
  if (metric.op === 'count') {
    return { label: 'Count of records', dataType: 'number', operationType: 'count', isBucketed: false, scale: 'ratio', sourceField: '___records___', params: { emptyAsNull: true } };
  }
  const type = metric.op === 'max' ? dataType(types.get(metric.field)) : 'number';
  return { label: metric.label, customLabel: true, dataType: type, operationType: metric.op, sourceField: metric.field, isBucketed: false, scale: 'ratio', params: { emptyAsNull: true } };
}

function termsColumn(field: string, size: number, types: ReadonlyMap<string, string>): Record<string, unknown> {
  return {
    label: `Top ${size} values of ${field}`,
    dataType: dataType(types.get(field)),
    operationType: 'terms',
    sourceField: field,
    isBucketed: true,
    scale: 'ordinal',
    params: {
      size,
      orderBy: { type: 'column', columnId: METRIC },
      orderDirection: 'desc',
      otherBucket: false,
      missingBucket: false,
      parentFormat: { id: 'terms' },
      include: [],
      exclude: [],
      includeIsRegex: false,
      excludeIsRegex: false,
    },
  };
}

const DATE_COLUMN = {
  label: '@timestamp',
  dataType: 'date',
  operationType: 'date_histogram',
  sourceField: '@timestamp',
  isBucketed: true,
  scale: 'interval',
  params: { interval: 'auto', includeEmptyRows: true, dropPartials: false },
};

/** An XY chart of one series: bars of the metric along `x`, optionally split into stacks. */
function xy(seriesType: 'bar_stacked' | 'bar_horizontal', x: string, split?: string): Record<string, unknown> {
  return {
    legend: { isVisible: split !== undefined, position: 'right' },
    valueLabels: split === undefined ? 'show' : 'hide',
    preferredSeriesType: seriesType,
    layers: [{ layerId: LAYER, layerType: 'data', seriesType, xAccessor: x, accessors: [METRIC], ...(split ? { splitAccessor: split } : {}) }],
  };
}

function visualization(panel: PanelSpec): { type: string; state: Record<string, unknown> } {
  const layer = { layerId: LAYER, layerType: 'data' };
  switch (panel.kind) {
    case 'timeline':
      return { type: 'lnsXY', state: xy('bar_stacked', DATE, panel.by.length > 0 ? bucket(0) : undefined) };
    case 'bars':
      return { type: 'lnsXY', state: xy('bar_horizontal', bucket(0)) };
    case 'table':
      return { type: 'lnsDatatable', state: { ...layer, columns: [...panel.by.map((_, i) => ({ columnId: bucket(i) })), { columnId: METRIC }] } };
    case 'metric':
      return { type: 'lnsMetric', state: { ...layer, metricAccessor: METRIC } };
  }
}

/** The bucket columns in the order Lens nests their aggregations: the split, then time. */
export function columnOrder(panel: PanelSpec): string[] {
  return [...panel.by.map((_, i) => bucket(i)), ...(panel.kind === 'timeline' ? [DATE] : []), METRIC];
}

export function lensObject(dashboard: string, panel: PanelSpec, dataViewId: string, types: ReadonlyMap<string, string>): SavedObject {
  const size = panel.size ?? 10;
  const columns: Record<string, unknown> = {};
  panel.by.forEach((field, i) => (columns[bucket(i)] = termsColumn(field, size, types)));
  if (panel.kind === 'timeline') columns[DATE] = DATE_COLUMN;
  columns[METRIC] = metricColumn(panel.metric ?? { op: 'count' }, types);
  const vis = visualization(panel);
  return savedObject(
    'lens',
    ids.lens(dashboard, panel.key),
    {
      title: panel.title,
      description: '',
      visualizationType: vis.type,
      state: {
        datasourceStates: { formBased: { layers: { [LAYER]: { columns, columnOrder: columnOrder(panel), incompleteColumns: {} } } } },
        visualization: vis.state,
        query: { language: 'kuery', query: kqlOf(panel.where) },
        filters: [],
      },
    },
    [{ type: 'index-pattern', id: dataViewId, name: `indexpattern-datasource-layer-${LAYER}` }],
  );
}
