/**
 * Expected document `_id`s written out from the sources' docs
 * (docs/sources/<source>.md, "Document id"), with node:crypto only, so a
 * defect in Sift's id code cannot hide in a test's expectation:
 * `_id = base64url(sha256("<dataset>\n" + vendorId))[0:27]`.
 */
import { createHash } from 'node:crypto';

export function expectedDocId(dataset: string, vendorId: string): string {
  return createHash('sha256').update(`${dataset}\n${vendorId}`, 'utf8').digest('base64url').slice(0, 27);
}

/** docs/sources/gcp-audit.md: the vendor id is `logName \n timestamp \n insertId`. */
export function expectedGcpId(logName: string, timestamp: string, insertId: string): string {
  return expectedDocId('gcp.audit', `${logName}\n${timestamp}\n${insertId}`);
}
