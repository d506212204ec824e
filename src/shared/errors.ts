/**
 * Every error Sift raises carries a code from one closed union, the stage it
 * happened in, and whether retrying can help. Codes are stable: they appear in
 * DLQ records, metrics labels and docs, so never rename one.
 */
export const ErrorCode = {
  ConfigInvalid: 'SIFT_CONFIG_INVALID',
  ConfigUnreadable: 'SIFT_CONFIG_UNREADABLE',
  DecodeEmpty: 'SIFT_DECODE_EMPTY',
  DecodeNotUtf8: 'SIFT_DECODE_NOT_UTF8',
  DecodeNotJson: 'SIFT_DECODE_NOT_JSON',
  DecodeTooLarge: 'SIFT_DECODE_TOO_LARGE',
  DecodeTooDeep: 'SIFT_DECODE_TOO_DEEP',
  DecodeUnknownSource: 'SIFT_DECODE_UNKNOWN_SOURCE',
  DecodeNoEvents: 'SIFT_DECODE_NO_EVENTS',
  /** Avro topics (docs/avro.md): the first byte is not the Confluent wire format's magic 0. */
  DecodeAvroMagic: 'SIFT_DECODE_AVRO_MAGIC',
  /** Avro topics: fewer than the 5 bytes of magic byte + schema id. */
  DecodeAvroTooShort: 'SIFT_DECODE_AVRO_TOO_SHORT',
  /** Avro topics: the schema registry has no schema with the record's id (404). */
  DecodeAvroUnknownSchema: 'SIFT_DECODE_AVRO_UNKNOWN_SCHEMA',
  /** Avro topics: the body does not decode with its writer schema (truncated, trailing bytes, invalid). */
  DecodeAvroBody: 'SIFT_DECODE_AVRO_BODY',
  NormalizeNotObject: 'SIFT_NORMALIZE_NOT_OBJECT',
  NormalizeNoTimestamp: 'SIFT_NORMALIZE_NO_TIMESTAMP',
  NormalizeBadTimestamp: 'SIFT_NORMALIZE_BAD_TIMESTAMP',
  NormalizeWrongType: 'SIFT_NORMALIZE_WRONG_TYPE',
  IndexMappingRejected: 'SIFT_INDEX_MAPPING_REJECTED',
  IndexParseRejected: 'SIFT_INDEX_PARSE_REJECTED',
  IndexDocumentRejected: 'SIFT_INDEX_DOCUMENT_REJECTED',
  IndexTooLarge: 'SIFT_INDEX_TOO_LARGE',
  IndexRejected: 'SIFT_INDEX_REJECTED',
  IndexUnavailable: 'SIFT_INDEX_UNAVAILABLE',
  IndexUnauthorized: 'SIFT_INDEX_UNAUTHORIZED',
  KafkaUnavailable: 'SIFT_KAFKA_UNAVAILABLE',
  KafkaMessageTooLarge: 'SIFT_KAFKA_MESSAGE_TOO_LARGE',
  /** Kafka refused the SASL login: wrong user or password. */
  KafkaAuthFailed: 'SIFT_KAFKA_AUTH_FAILED',
  /** TLS to a peer failed for a reason a retry cannot fix: untrusted CA, wrong host, expired, TLS vs plaintext. */
  TlsFailed: 'SIFT_TLS_FAILED',
  RulesInvalid: 'SIFT_RULES_INVALID',
  /** The schema registry cannot be reached or answers 5xx (retried; consumption pauses meanwhile). */
  RegistryUnavailable: 'SIFT_REGISTRY_UNAVAILABLE',
  /** The schema registry refused a request for good (at start: the alerts schema, or credentials). */
  RegistryRejected: 'SIFT_REGISTRY_REJECTED',
  Internal: 'SIFT_INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const Stage = {
  Config: 'config',
  Decode: 'decode',
  Normalize: 'normalize',
  Detect: 'detect',
  Index: 'index',
  Consume: 'consume',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export interface SiftErrorOptions {
  stage?: Stage;
  retryable?: boolean;
  cause?: unknown;
}

export class SiftError extends Error {
  readonly code: ErrorCode;
  readonly stage: Stage | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: SiftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SiftError';
    this.code = code;
    this.stage = options.stage;
    this.retryable = options.retryable ?? false;
  }
}

/** A one-line, human description of anything thrown, for logs and CLI output. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
