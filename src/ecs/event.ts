/** JSON as it leaves a normalizer: no undefined inside arrays, no functions. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** The ECS event.* block Sift always fills. */
export interface EcsEventBlock extends JsonObject {
  kind: 'event' | 'alert' | 'metric' | 'state' | 'signal';
  dataset: string;
  module: string;
  category?: string[];
  type?: string[];
  action?: string;
  outcome?: 'success' | 'failure' | 'unknown';
  id?: string;
  provider?: string;
  original?: string;
}

/**
 * An ECS document. Only the fields every dataset has are typed tightly;
 * the rest is checked against the catalog by the compliance tests, and the
 * serializer drops anything undeclared.
 */
export interface EcsEvent extends JsonObject {
  '@timestamp': string;
  event: EcsEventBlock;
}
