import { ErrorCode, failure } from '../../../../shared/index.js';
import { single, type Source } from '../../source.js';

// Placeholder until the github normalizers land: every event is dead-lettered with a clear reason.
export const GITHUB: Source = {
  vendor: 'github',
  explode: single,
  normalize: () => failure(ErrorCode.DecodeUnknownSource, 'github events are not normalized yet'),
};
