import { createHash } from 'node:crypto';

/**
 * The deterministic document `_id`: a hash of the dataset and the vendor's own
 * event id, so a record re-read after a crash overwrites its earlier copy
 * instead of duplicating it, and ids of two sources can never collide.
 *
 * Where the vendor gives no id, the fallback hashes the raw record bytes
 * instead (with a distinct prefix): byte-identical redeliveries still dedupe.
 *
 * Form: 27 characters of base64url (the first 160 bits of SHA-256).
 */
export function documentId(dataset: string, vendorId: string): string {
  return createHash('sha256').update(dataset).update('\n').update(vendorId).digest('base64url').slice(0, 27);
}

export function fallbackDocumentId(dataset: string, raw: Uint8Array): string {
  return createHash('sha256').update(dataset).update('\nraw\n').update(raw).digest('base64url').slice(0, 27);
}
