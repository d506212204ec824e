import { ErrorCode, failure } from '../../../../shared/index.js';
import { single, type Source } from '../../source.js';

// Placeholder until the zoom normalizers land: every event is dead-lettered with a clear reason.
export const ZOOM: Source = {
  vendor: 'zoom',
  explode: single,
  normalize: () => failure(ErrorCode.DecodeUnknownSource, 'zoom events are not normalized yet'),
};
