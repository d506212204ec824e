export { ECS_BASE, FieldType, type FieldDef } from './catalog.js';
export { DATASET_FIELDS, fieldsOf, knownDatasets } from './registry.js';
export { createSerializer, documentSchema, type Serializer } from './serialize.js';
export { indexTemplate, indexAlias, firstBackingIndex, templateName, type TemplateOptions } from './template.js';
export { buildFieldTree, leafPaths, type FieldTree } from './tree.js';
export type { EcsEvent, EcsEventBlock, JsonObject, JsonValue } from './event.js';
