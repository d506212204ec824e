import { ErrorCode, failure } from '../../../../shared/index.js';
import { single, type Source } from '../../source.js';

// Placeholder until the gcp_audit normalizers land: every event is dead-lettered with a clear reason.
export const GCP_AUDIT: Source = {
  vendor: 'gcp_audit',
  explode: single,
  normalize: () => failure(ErrorCode.DecodeUnknownSource, 'gcp_audit events are not normalized yet'),
};
