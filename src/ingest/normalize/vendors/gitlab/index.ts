import { ErrorCode, failure } from '../../../../shared/index.js';
import { single, type Source } from '../../source.js';

// Placeholder until the gitlab normalizers land: every event is dead-lettered with a clear reason.
export const GITLAB: Source = {
  vendor: 'gitlab',
  explode: single,
  normalize: () => failure(ErrorCode.DecodeUnknownSource, 'gitlab events are not normalized yet'),
};
