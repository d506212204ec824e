import { single, type Source } from '../../source.js';
import { normalizeGitlabAudit } from './audit.js';

/**
 * GitLab audit events: one event per record, either a streaming / Audit
 * Events API object or an audit_json.log line. GitLab wraps neither in an
 * envelope (a stream POSTs one event per request; API pages are JSON arrays
 * and log files NDJSON, both split before explode).
 */
export const GITLAB: Source = { vendor: 'gitlab', explode: single, normalize: normalizeGitlabAudit };
export { normalizeGitlabAudit };
