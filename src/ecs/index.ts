export { ECS_BASE, FieldType, type FieldDef } from './catalog.js';
export { field, prefixed, type Namespace } from './namespace.js';
export { DATASET_FIELDS, ECS_FIELDS, datasetsOf, fieldsOf, knownDatasets, knownVendors } from './registry.js';
export { createSerializer, documentSchema, type Serializer } from './serialize.js';
export { indexTemplate, indexAlias, firstBackingIndex, templateName, type TemplateOptions } from './template.js';
export { buildFieldTree, leafPaths, type FieldTree } from './tree.js';
export type { EcsEvent, EcsEventBlock, JsonObject, JsonValue } from './event.js';
export { DEBUG_KEYWORD_KEYS as OKTA_DEBUG_KEYWORD_KEYS } from './namespaces/okta.js';
