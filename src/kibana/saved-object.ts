/**
 * The Kibana 8 saved-object envelope, as `POST /api/saved_objects/_import`
 * reads it from NDJSON (one object a line). The migration versions say which
 * shape the attributes already have, so Kibana runs only the migrations after
 * them: lens 8.6.0 is the first with the `formBased` datasource, dashboard
 * 8.7.0 is what Kibana's own 8.x sample data declares.
 */
export const MIGRATION = {
  core: '8.8.0',
  'index-pattern': '8.0.0',
  lens: '8.6.0',
  dashboard: '8.7.0',
  search: '8.0.0',
} as const;

export type SavedObjectType = Exclude<keyof typeof MIGRATION, 'core'>;

export interface Reference {
  readonly type: SavedObjectType;
  readonly id: string;
  readonly name: string;
}

export interface SavedObject {
  readonly type: SavedObjectType;
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly references: readonly Reference[];
  readonly coreMigrationVersion: string;
  readonly typeMigrationVersion: string;
}

export function savedObject(type: SavedObjectType, id: string, attributes: Record<string, unknown>, references: readonly Reference[] = []): SavedObject {
  return { type, id, attributes, references, coreMigrationVersion: MIGRATION.core, typeMigrationVersion: MIGRATION[type] };
}

/**
 * Ids are readable and fixed (`sift-lens-okta-countries`), never random, so a
 * second import overwrites the first instead of adding copies.
 */
export const ids = {
  dataView: (key: string): string => `sift-dv-${key}`,
  lens: (dashboard: string, panel: string): string => `sift-lens-${dashboard}-${panel}`,
  dashboard: (key: string): string => `sift-dashboard-${key}`,
  alertsSearch: 'sift-search-alerts',
};

/** Kibana's search source with no query of its own: the dashboard's query and filters apply. */
export function emptySearchSource(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [], ...extra });
}
