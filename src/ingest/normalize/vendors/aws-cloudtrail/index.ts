import { ErrorCode, failure } from '../../../../shared/index.js';
import { single, type Source } from '../../source.js';

// Placeholder until the aws_cloudtrail normalizers land: every event is dead-lettered with a clear reason.
export const AWS_CLOUDTRAIL: Source = {
  vendor: 'aws_cloudtrail',
  explode: single,
  normalize: () => failure(ErrorCode.DecodeUnknownSource, 'aws_cloudtrail events are not normalized yet'),
};
