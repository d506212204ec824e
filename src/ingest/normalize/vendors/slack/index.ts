import { ErrorCode, failure } from '../../../../shared/index.js';
import { single, type Source } from '../../source.js';

// Placeholder until the slack normalizers land: every event is dead-lettered with a clear reason.
export const SLACK: Source = {
  vendor: 'slack',
  explode: single,
  normalize: () => failure(ErrorCode.DecodeUnknownSource, 'slack events are not normalized yet'),
};
