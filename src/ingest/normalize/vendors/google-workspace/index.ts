import { ErrorCode, failure } from '../../../../shared/index.js';
import { single, type Source } from '../../source.js';

// Placeholder until the google_workspace normalizers land: every event is dead-lettered with a clear reason.
export const GOOGLE_WORKSPACE: Source = {
  vendor: 'google_workspace',
  explode: single,
  normalize: () => failure(ErrorCode.DecodeUnknownSource, 'google_workspace events are not normalized yet'),
};
