import type { FieldDef } from './catalog.js';
import { buildFieldTree, type FieldTree } from './tree.js';

type Mapping = Record<string, unknown>;

function leafMapping(field: FieldDef): Mapping {
  switch (field.type) {
    case 'keyword':
      // event.original is kept for reference, never searched: not indexed.
      if (field.name === 'event.original') return { type: 'keyword', index: false, doc_values: false };
      return { type: 'keyword', ignore_above: 1024 };
    case 'text':
      return { type: 'text' };
    case 'date':
      return { type: 'date' };
    case 'flattened':
      // Vendor-controlled subtrees: a very long leaf would exceed Lucene's
      // 32 KB term limit and a deep one flattened's default depth of 20, and
      // either would make ES reject the whole document. Long leaves stay in
      // _source unindexed; depth is already bounded by pipeline.max_depth.
      return { type: 'flattened', ignore_above: 8191, depth_limit: 1000 };
    default:
      return { type: field.type };
  }
}

function properties(node: FieldTree): Mapping {
  const out: Mapping = {};
  for (const [name, child] of node.children) {
    out[name] = child.leaf ? leafMapping(child.leaf) : { properties: properties(child) };
  }
  return out;
}

/** Aliases are what Sift writes to; concrete indices sit behind them. */
export function indexAlias(dataset: string, namespace: string): string {
  return `logs-${dataset}-${namespace}`;
}

export function firstBackingIndex(dataset: string, namespace: string): string {
  return `${indexAlias(dataset, namespace)}-000001`;
}

export function templateName(dataset: string): string {
  return `sift-logs-${dataset}`;
}

export interface TemplateOptions {
  /** Guard against mapping explosion; the catalog is far below it. */
  totalFieldsLimit?: number;
}

/**
 * A composable index template for one dataset. `dynamic: false` keeps any
 * field the catalog does not declare out of the mapping, so one odd record can
 * never add fields (or mapping conflicts) to an index.
 */
export function indexTemplate(dataset: string, fields: readonly FieldDef[], opts: TemplateOptions = {}): Mapping {
  const limit = opts.totalFieldsLimit ?? 2000;
  if (fields.length > limit) throw new Error(`ECS catalog for ${dataset} has ${fields.length} fields, over the limit of ${limit}`);
  return {
    index_patterns: [`logs-${dataset}-*`],
    // Above Elastic's built-in logs-*-* template (priority 100), which would
    // otherwise turn these names into data streams on a full distribution.
    priority: 300,
    template: {
      settings: {
        'index.mapping.total_fields.limit': limit,
        'index.auto_expand_replicas': '0-1',
        'index.refresh_interval': '1s',
      },
      mappings: {
        dynamic: false,
        date_detection: false,
        properties: properties(buildFieldTree(fields)),
      },
    },
    _meta: { managed_by: 'sift', dataset },
  };
}
