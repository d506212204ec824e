export { ErrorCode, Stage, SiftError, describeError } from './errors.js';
export type { SiftErrorOptions } from './errors.js';
export { failure, type Failure } from './result.js';
export { packageRoot } from './paths.js';
export { silenceKafkajsTimeoutWarning } from './warnings.js';
export { failpoint } from './failpoint.js';
export { yieldTurn } from './turn.js';
export { redactUrl, redactUrlAsWritten, scrub, urlSecrets, urlSecretParts } from './redact.js';
export { diagnoseTls, hostPort, isHandshakeHangUp, isSaslFailure, speaksTls, type TransportProblem } from './transport.js';
