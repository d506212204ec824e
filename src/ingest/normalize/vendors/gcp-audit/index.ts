import type { Source } from '../../source.js';
import { normalizeGcpAudit } from './audit.js';
import { explodeGcpAudit } from './envelope.js';

/**
 * Google Cloud Audit Logs: LogEntries with an AuditLog protoPayload, as they
 * leave a Cloud Logging sink (raw, in Pub/Sub push/pull messages, in
 * entries.list responses or export batches). One dataset, `gcp.audit`.
 */
export const GCP_AUDIT: Source = { vendor: 'gcp_audit', explode: explodeGcpAudit, normalize: normalizeGcpAudit };
export { normalizeGcpAudit, explodeGcpAudit };
