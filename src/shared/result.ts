import type { ErrorCode } from './errors.js';

/** A failure a pure stage reports instead of throwing. */
export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** JSON path of the offending value, where there is one. */
  readonly path?: string;
}

export function failure(code: ErrorCode, message: string, path?: string): Failure {
  return path === undefined ? { ok: false, code, message } : { ok: false, code, message, path };
}
