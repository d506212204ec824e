export { createRegistryClient, type RegistryClient, type RegistryOptions, type SchemaById } from './client.js';
export { createSchemaCache, type SchemaCache, type SchemaCacheDeps } from './schemas.js';
