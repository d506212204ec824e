/**
 * The bare loader's bulk action lines. Pure, so the line a ceiling round
 * sends is unit-tested without a stack.
 */

/** Elasticsearch picks the id: the loader's own rounds, on the raw records. */
export const AUTO_ID_ACTION = Buffer.from('{"index":{}}\n');

/**
 * An index action carrying the document's id, as Sift's indexer writes it
 * (`index`, not `create`: a redelivered document overwrites). The index
 * comes from the request path, so the line names only the id. The id is
 * JSON-encoded: Sift's ids are base64url, but a key is whatever the topic
 * holds.
 */
export function actionWithId(id: string): Buffer {
  return Buffer.from(`{"index":{"_id":${JSON.stringify(id)}}}\n`);
}
