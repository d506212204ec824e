// The Kibana export: Kibana 8 saved-object shapes, references that resolve,
// fixed ids, and a panel list that the field catalog vouches for. Expected
// titles, queries and problems are written out by hand below.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSavedObjects, checkDashboards, dataViews, kqlOf, panelSearch, fixedInterval, PanelListError, toNdjson, type DashboardSpec } from '../../src/kibana/index.js';

const ndjson = toNdjson(buildSavedObjects({ alertsIndexPrefix: 'sift-alerts' }));

interface Ref {
  type: string;
  id: string;
  name: string;
}
interface Obj {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: Ref[];
  coreMigrationVersion: string;
  typeMigrationVersion: string;
}

const lines = ndjson.split('\n');
const objects = lines.filter((l) => l !== '').map((l) => JSON.parse(l) as Obj);
const byType = (type: string): Obj[] => objects.filter((o) => o.type === type);
const json = (v: unknown): unknown => JSON.parse(String(v));

describe('sift kibana export: saved objects', () => {
  it('is NDJSON: one object a line, newline-terminated, of the four types Sift exports', () => {
    expect(ndjson.endsWith('\n')).toBe(true);
    expect(lines.at(-1)).toBe('');
    expect(new Set(objects.map((o) => o.type))).toEqual(new Set(['index-pattern', 'lens', 'search', 'dashboard']));
    for (const o of objects) {
      expect(typeof o.id, JSON.stringify(o).slice(0, 80)).toBe('string');
      expect(o.id).toMatch(/^sift-[a-z0-9_-]+$/);
      expect(typeof o.attributes.title).toBe('string');
      expect(Array.isArray(o.references)).toBe(true);
      expect(o.coreMigrationVersion).toBe('8.8.0');
      expect(o.typeMigrationVersion).toMatch(/^8\.\d+\.\d+$/);
    }
    expect(new Set(objects.map((o) => `${o.type}/${o.id}`)).size).toBe(objects.length);
  });

  it('has the data views we intend, each with @timestamp as its time field', () => {
    const views = byType('index-pattern');
    expect(views.map((v) => v.attributes.title)).toEqual([
      'logs-*',
      'logs-okta.system-*',
      expect.stringMatching(/^logs-google_workspace\.access_transparency-\*,logs-google_workspace\.admin-\*,.*,logs-google_workspace\.login-\*,.*logs-google_workspace\.alert-\*$/),
      'logs-slack.audit-*',
      'logs-zoom.operation-*,logs-zoom.activity-*,logs-zoom.webhook-*',
      'logs-gitlab.audit-*',
      'logs-github.audit-*',
      'logs-aws.cloudtrail-*',
      'logs-gcp.audit-*',
      'sift-ops-*',
      'sift-alerts-*',
    ]);
    expect(views.map((v) => v.attributes.name)).toEqual([
      'Sift: all events', 'Sift: Okta', 'Sift: Google Workspace', 'Sift: Slack', 'Sift: Zoom', 'Sift: GitLab', 'Sift: GitHub', 'Sift: AWS CloudTrail', 'Sift: GCP audit', 'Sift: pipeline health', 'Sift: alerts',
    ]);
    for (const v of views) {
      expect(v.attributes.timeFieldName).toBe('@timestamp');
      for (const key of ['fieldFormatMap', 'fields', 'runtimeFieldMap', 'sourceFilters', 'fieldAttrs']) expect(() => json(v.attributes[key]), key).not.toThrow();
    }
  });

  it('follows alerts.index_prefix for the alerts data view', () => {
    const other = buildSavedObjects({ alertsIndexPrefix: 'secops-alerts' }).filter((o) => o.type === 'index-pattern').map((o) => o.attributes.title);
    expect(other.at(-1)).toBe('secops-alerts-*');
  });

  it('follows elasticsearch.ops_index.prefix for the pipeline-health data view', () => {
    const other = buildSavedObjects({ alertsIndexPrefix: 'sift-alerts', opsIndexPrefix: 'secops-health' }).filter((o) => o.type === 'index-pattern').map((o) => o.attributes.title);
    expect(other.at(-2)).toBe('secops-health-*');
  });

  it('links each alert event id to that event in Discover, on the all-events data view', () => {
    const alerts = byType('index-pattern').find((v) => v.id === 'sift-dv-alerts');
    const formats = json(alerts?.attributes.fieldFormatMap) as Record<string, { id: string; params: { urlTemplate: string; labelTemplate: string } }>;
    expect(Object.keys(formats)).toEqual(['sift.alert.event_ids']);
    expect(formats['sift.alert.event_ids']?.id).toBe('url');
    expect(formats['sift.alert.event_ids']?.params.urlTemplate).toBe(`/app/discover#/?_g=(time:(from:now-1y,to:now))&_a=(index:'sift-dv-logs',query:(language:kuery,query:'_id:"{{value}}"'))`);
  });

  it('has the dashboards we intend, each with at least one panel, panelsJSON and searchSourceJSON valid JSON', () => {
    const dashboards = byType('dashboard');
    expect(dashboards.map((d) => d.attributes.title)).toEqual([
      'Sift: overview', 'Sift: alerts', 'Sift: Okta', 'Sift: AWS CloudTrail', 'Sift: GitHub', 'Sift: GitLab', 'Sift: Google Workspace', 'Sift: Slack', 'Sift: Zoom', 'Sift: GCP audit',
    ]);
    for (const d of dashboards) {
      const panels = json(d.attributes.panelsJSON) as { panelIndex: string; panelRefName: string; type: string; gridData: { x: number; y: number; w: number; h: number; i: string } }[];
      expect(panels.length, String(d.attributes.title)).toBeGreaterThanOrEqual(1);
      expect(json(d.attributes.optionsJSON)).toMatchObject({ useMargins: true });
      const meta = d.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string };
      expect(json(meta.searchSourceJSON)).toEqual({ query: { query: '', language: 'kuery' }, filter: [] });
      for (const p of panels) {
        // Kibana 8 resolves a by-reference panel through `<panelIndex>:<panelRefName>`.
        const ref = d.references.find((r) => r.name === `${p.panelIndex}:${p.panelRefName}`);
        expect(ref, `${String(d.attributes.title)} panel ${p.panelIndex}`).toBeDefined();
        expect(ref?.type).toBe(p.type);
        expect(p.gridData.i).toBe(p.panelIndex);
        expect(p.gridData.x + p.gridData.w).toBeLessThanOrEqual(48);
      }
    }
    const alerts = dashboards.find((d) => d.id === 'sift-dashboard-alerts');
    expect(alerts?.references.map((r) => r.type)).toContain('search');
    expect(alerts?.attributes).toMatchObject({ timeRestore: true, timeFrom: 'now-7d', timeTo: 'now' });
    expect(dashboards.find((d) => d.id === 'sift-dashboard-okta')?.attributes).toMatchObject({ timeRestore: true, timeFrom: 'now-24h', timeTo: 'now' });
  });

  it('has references that all resolve to an object of the export of the named type', () => {
    const present = new Set(objects.map((o) => `${o.type}/${o.id}`));
    let count = 0;
    for (const o of objects) {
      for (const r of o.references) {
        count++;
        expect(present.has(`${r.type}/${r.id}`), `${o.id} → ${r.type}/${r.id}`).toBe(true);
      }
    }
    // 47 lens → data view, 47 dashboard → lens, search → data view, alerts dashboard → search.
    expect(count).toBe(96);
    // And every object but the data views is reached from a dashboard.
    const reached = new Set(byType('dashboard').flatMap((d) => d.references.map((r) => `${r.type}/${r.id}`)));
    for (const o of objects.filter((x) => x.type === 'lens' || x.type === 'search')) expect(reached.has(`${o.type}/${o.id}`), o.id).toBe(true);
  });

  it('builds each Lens object as Kibana 8 reads it: formBased layer referenced, columns and accessors consistent', () => {
    const lens = byType('lens');
    // Panels per dashboard: overview 7, alerts 5, Okta 6, CloudTrail 5, GitHub 5, GitLab 4, Workspace 4, Slack 4, Zoom 4, GCP 3.
      expect(lens.length).toBe(47);
    for (const l of lens) {
      const a = l.attributes as { visualizationType: string; state: { datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, { operationType: string }>; columnOrder: string[] }> } }; visualization: Record<string, unknown>; query: { language: string; query: string } } };
      expect(['lnsXY', 'lnsDatatable', 'lnsMetric']).toContain(a.visualizationType);
      const layers = Object.entries(a.state.datasourceStates.formBased.layers);
      expect(layers.length).toBe(1);
      for (const [layerId, layer] of layers) {
        expect(l.references).toContainEqual({ type: 'index-pattern', id: expect.stringMatching(/^sift-dv-/), name: `indexpattern-datasource-layer-${layerId}` });
        expect(new Set(layer.columnOrder)).toEqual(new Set(Object.keys(layer.columns)));
      }
      const columns = Object.keys(layers[0]?.[1].columns ?? {});
      const accessors = JSON.stringify(a.state.visualization).match(/"(?:xAccessor|splitAccessor|metricAccessor|columnId)":"([^"]+)"|"accessors":\["([^"]+)"\]/g) ?? [];
      expect(accessors.length).toBeGreaterThan(0);
      for (const m of accessors) expect(columns).toContain(/:\[?"([^"]+)"/.exec(m)?.[1]);
      expect(a.state.query.language).toBe('kuery');
    }
  });

  it('writes the Okta failed sign-ins panel as expected', () => {
    const l = objects.find((o) => o.id === 'sift-lens-okta-failed-users');
    expect(l?.references).toEqual([{ type: 'index-pattern', id: 'sift-dv-okta', name: 'indexpattern-datasource-layer-layer1' }]);
    const a = l?.attributes as { title: string; visualizationType: string; state: { query: unknown; datasourceStates: { formBased: { layers: { layer1: { columns: Record<string, Record<string, unknown>>; columnOrder: string[] } } } } } };
    expect(a.title).toBe('Failed sign-ins by user');
    expect(a.visualizationType).toBe('lnsXY');
    expect(a.state.query).toEqual({ language: 'kuery', query: 'event.action : "user.session.start" and event.outcome : "failure"' });
    const layer = a.state.datasourceStates.formBased.layers.layer1;
    expect(layer.columnOrder).toEqual(['by0', 'metric']);
    expect(layer.columns.by0).toMatchObject({ operationType: 'terms', sourceField: 'user.name', dataType: 'string', isBucketed: true, params: { size: 10, orderBy: { type: 'column', columnId: 'metric' }, orderDirection: 'desc' } });
    expect(layer.columns.metric).toMatchObject({ operationType: 'count', sourceField: '___records___', isBucketed: false });
  });

  it('writes the overview\'s dead-letter panel on the pipeline-health data view, summing sift.ops.count per reason', () => {
    const l = objects.find((o) => o.id === 'sift-lens-overview-dead-letters');
    expect(l?.references).toEqual([{ type: 'index-pattern', id: 'sift-dv-ops', name: 'indexpattern-datasource-layer-layer1' }]);
    const a = l?.attributes as { title: string; visualizationType: string; state: { query: unknown; datasourceStates: { formBased: { layers: { layer1: { columns: Record<string, Record<string, unknown>>; columnOrder: string[] } } } } } };
    expect(a.title).toBe('Dead letters per reason over time');
    expect(a.visualizationType).toBe('lnsXY');
    expect(a.state.query).toEqual({ language: 'kuery', query: 'sift.ops.kind : "dead_letter"' });
    const layer = a.state.datasourceStates.formBased.layers.layer1;
    expect(layer.columnOrder).toEqual(['by0', 'time', 'metric']);
    expect(layer.columns.by0).toMatchObject({ operationType: 'terms', sourceField: 'error.code', dataType: 'string' });
    expect(layer.columns.metric).toMatchObject({ operationType: 'sum', sourceField: 'sift.ops.count', dataType: 'number', label: 'Dead letters' });
    const lag = objects.find((o) => o.id === 'sift-lens-overview-ingest-lag');
    expect(lag?.references).toEqual([{ type: 'index-pattern', id: 'sift-dv-ops', name: 'indexpattern-datasource-layer-layer1' }]);
    expect(JSON.stringify(lag?.attributes)).toContain('"operationType":"max","sourceField":"sift.ops.lag_ms"');
    // The overview's other panels stay on all events.
    expect(objects.find((o) => o.id === 'sift-lens-overview-per-dataset')?.references[0]?.id).toBe('sift-dv-logs');
  });

  it('gives every object a fixed id: two exports are byte-identical', () => {
    expect(toNdjson(buildSavedObjects({ alertsIndexPrefix: 'sift-alerts' }))).toBe(ndjson);
    expect(objects.map((o) => o.id)).toContain('sift-dashboard-okta');
    expect(objects.map((o) => o.id)).toContain('sift-lens-aws_cloudtrail-errors');
  });
});

describe('the panel list is checked against the catalog', () => {
  const views = dataViews('sift-alerts');
  const bad: DashboardSpec[] = [
    {
      key: 'bad',
      title: 'Bad',
      description: '',
      dataView: 'okta',
      panels: [
        { key: 'a', title: 'Unknown field', kind: 'bars', by: ['okta.no_such_field'] },
        { key: 'b', title: 'Text field', kind: 'bars', by: ['message'] },
        { key: 'c', title: 'Another source', kind: 'bars', by: ['aws.cloudtrail.error_code'] },
        { key: 'c', title: 'Same key', kind: 'metric', by: [] },
        { key: 'd', title: 'Two splits', kind: 'timeline', by: ['event.action', 'event.outcome'] },
        { key: 'e', title: 'Unknown filter field', kind: 'bars', by: ['event.action'], where: [{ field: 'okta.nope', values: ['x'] }] },
      ],
    },
    { key: 'alerts-bad', title: 'Alerts', description: '', dataView: 'alerts', panels: [{ key: 'r', title: 'Rule description is text', kind: 'bars', by: ['rule.description'] }, { key: 's', title: 'Not mapped', kind: 'bars', by: ['sift.alert.fields.user'] }] },
    { key: 'empty', title: 'Empty', description: '', dataView: 'okta', panels: [] },
    { key: 'nowhere', title: 'Nowhere', description: '', dataView: 'nope', panels: [] },
  ];

  it('names each problem: dashboard, panel and field', () => {
    expect(checkDashboards(bad, views)).toEqual([
      'dashboard bad, panel a: okta.no_such_field is not in the catalog of logs-okta.system-*',
      'dashboard bad, panel b: message is text, which Elasticsearch cannot aggregate',
      'dashboard bad, panel c: aws.cloudtrail.error_code is not in the catalog of logs-okta.system-*',
      'dashboard bad, panel c: the key is used twice',
      'dashboard bad, panel d: a timeline splits by at most one field',
      'dashboard bad, panel e: okta.nope is not in the catalog of logs-okta.system-*',
      'dashboard alerts-bad, panel r: rule.description is text, which Elasticsearch cannot aggregate',
      'dashboard alerts-bad, panel s: sift.alert.fields.user is not in the catalog of sift-alerts-*',
      'dashboard empty: no panels',
      'dashboard nowhere: no data view "nope"',
    ]);
  });

  it('checks a panel on another data view against that view\'s catalog', () => {
    const mixed: DashboardSpec[] = [
      {
        key: 'mixed',
        title: 'Mixed',
        description: '',
        dataView: 'logs',
        panels: [
          { key: 'ok', title: 'Dead letters', kind: 'bars', dataView: 'ops', by: ['error.code'], metric: { op: 'sum', field: 'sift.ops.count', label: 'n' } },
          { key: 'events', title: 'Event field on ops', kind: 'bars', dataView: 'ops', by: ['event.action'] },
          { key: 'ops-on-logs', title: 'Ops field on logs', kind: 'bars', by: ['sift.ops.kind'] },
          { key: 'gone', title: 'No such view', kind: 'bars', dataView: 'nope', by: ['error.code'] },
        ],
      },
    ];
    expect(checkDashboards(mixed, views)).toEqual([
      'dashboard mixed, panel events: event.action is not in the catalog of sift-ops-*',
      'dashboard mixed, panel ops-on-logs: sift.ops.kind is not in the catalog of logs-*',
      'dashboard mixed, panel gone: no data view "nope"',
    ]);
  });

  it('refuses to export such a list', () => {
    expect(() => buildSavedObjects({ alertsIndexPrefix: 'sift-alerts' }, bad)).toThrow(PanelListError);
  });
});

describe('filters and queries', () => {
  it('escapes KQL values so a quote or backslash cannot end the literal', () => {
    expect(kqlOf([{ field: 'user.name', values: ['a"b\\c'] }])).toBe('user.name : "a\\"b\\\\c"');
    expect(kqlOf([{ field: 'event.action', values: ['x', 'y'] }, { field: 'event.outcome', values: ['failure'] }])).toBe('event.action : ("x" or "y") and event.outcome : "failure"');
    expect(kqlOf([])).toBe('');
  });

  it('sizes the histogram interval to the time range, at most 100 buckets', () => {
    expect(fixedInterval({ from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' })).toBe('30m');
    expect(fixedInterval({ from: '2024-01-01T00:00:00Z', to: '2024-01-01T01:00:00Z' })).toBe('1m');
    expect(fixedInterval({ from: '2020-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toBe('30d');
  });

  it('writes a split timeline as terms around date_histogram, and a max metric beneath each terms it orders', () => {
    const range = { from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z' };
    expect(panelSearch({ key: 't', title: 't', kind: 'timeline', by: ['event.outcome'], where: [{ field: 'event.action', values: ['user.session.start'] }] }, range)).toEqual({
      query: { bool: { filter: [{ range: { '@timestamp': { gte: range.from, lte: range.to, format: 'strict_date_optional_time' } } }, { terms: { 'event.action': ['user.session.start'] } }] } },
      aggs: {
        b0: {
          terms: { field: 'event.outcome', size: 10, order: { _count: 'desc' } },
          aggs: { b1: { date_histogram: { field: '@timestamp', fixed_interval: '30m', time_zone: 'UTC', min_doc_count: 0, extended_bounds: { min: 1704067200000, max: 1704153600000 } } } },
        },
      },
    });
    expect(panelSearch({ key: 'f', title: 'f', kind: 'table', by: ['event.dataset'], metric: { op: 'max', field: '@timestamp', label: 'Newest' }, size: 50 }, range).aggs).toEqual({
      b0: { terms: { field: 'event.dataset', size: 50, order: { metric: 'desc' } }, aggs: { metric: { max: { field: '@timestamp' } } } },
    });
    expect(panelSearch({ key: 's', title: 's', kind: 'timeline', by: ['error.code'], metric: { op: 'sum', field: 'sift.ops.count', label: 'n' } }, range).aggs).toEqual({
      b0: {
        terms: { field: 'error.code', size: 10, order: { metric: 'desc' } },
        aggs: {
          b1: {
            date_histogram: { field: '@timestamp', fixed_interval: '30m', time_zone: 'UTC', min_doc_count: 0, extended_bounds: { min: 1704067200000, max: 1704153600000 } },
            aggs: { metric: { sum: { field: 'sift.ops.count' } } },
          },
          metric: { sum: { field: 'sift.ops.count' } },
        },
      },
    });
  });
});

describe('docs/kibana.md', () => {
  it('names every dashboard and panel the export has', () => {
    const doc = readFileSync(new URL('../../docs/kibana.md', import.meta.url), 'utf8');
    const missing = objects.filter((o) => o.type === 'dashboard' || o.type === 'lens').map((o) => String(o.attributes.title)).filter((t) => !doc.includes(t));
    expect(missing).toEqual([]);
  });
});
