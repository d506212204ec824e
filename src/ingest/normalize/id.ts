import { hash } from 'node:crypto';

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
  // crypto.hash is the one-shot form: no Hash object per event on the hot path.
  return hash('sha256', `${dataset}\n${vendorId}`, 'base64url').slice(0, 27);
}

export function fallbackDocumentId(dataset: string, raw: Uint8Array): string {
  return hash('sha256', Buffer.concat([Buffer.from(`${dataset}\nraw\n`), raw]), 'base64url').slice(0, 27);
}
