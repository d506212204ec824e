import { ErrorCode } from '../../shared/index.js';

/**
 * How one bulk item (or one whole bulk request) ended, read item by item.
 * A 200 response can still hold per-item 429s; those are retried, never
 * dead-lettered, never acknowledged.
 *
 * Only a refusal of the document itself may reach the DLQ: a dead letter is
 * committed past, so anything that would refuse every document alike (lost
 * privileges, a missing or closed index, a block after a disk watermark)
 * must hold or stop the batch instead, or it empties the stream into the DLQ.
 */
export const ItemVerdict = {
  Indexed: 'indexed',
  Retry: 'retry',
  /** An index or cluster block: held and retried until an operator or the disk allocator lifts it. */
  Blocked: 'blocked',
  /** The target refuses every document (credentials, privileges, missing or closed index): stop, commit nothing. */
  Fatal: 'fatal',
  /** The document itself is wrong (400): dead-lettered with ES's reason. */
  Reject: 'reject',
} as const;
export type ItemVerdict = (typeof ItemVerdict)[keyof typeof ItemVerdict];

export interface ItemError {
  type?: string;
  reason?: string;
  index?: string;
  caused_by?: ItemError;
}

export interface BulkItemResult {
  status: number;
  error?: ItemError;
}

/**
 * 400 types that name the index, not the document: every document to that
 * target gets the same answer, so dead-lettering them would drain the stream.
 */
const TARGET_400 = new Set(['index_closed_exception', 'invalid_index_name_exception', 'invalid_alias_name_exception']);
/** illegal_argument_exception is mostly about the document, except when the alias has no write index. */
const NO_WRITE_INDEX = /no write index is defined/i;

export function classifyItem(item: BulkItemResult): ItemVerdict {
  if (item.status >= 200 && item.status < 300) return ItemVerdict.Indexed;
  const type = item.error?.type;
  // Before the status: ES answers a block with 403 (index.blocks.write,
  // read_only) or 429 (read_only_allow_delete, since 7.x) for the same cause.
  if (type === 'cluster_block_exception') return ItemVerdict.Blocked;
  if (item.status === 429 || item.status >= 500) return ItemVerdict.Retry;
  if (type === 'es_rejected_execution_exception') return ItemVerdict.Retry;
  if (item.status === 400) {
    if (type !== undefined && TARGET_400.has(type)) return ItemVerdict.Fatal;
    if (type === 'illegal_argument_exception' && NO_WRITE_INDEX.test(item.error?.reason ?? '')) return ItemVerdict.Fatal;
    // Mapping and parse errors: the document is the problem, and retrying
    // it would block the partition forever.
    return ItemVerdict.Reject;
  }
  // 401/403 security_exception, 404 index_not_found_exception and any other
  // 4xx: not this document's fault; stopping is safer than dropping.
  return ItemVerdict.Fatal;
}

export function itemReason(item: BulkItemResult): string {
  const e = item.error;
  if (!e) return `status ${item.status}`;
  const cause = e.caused_by ? ` (caused by ${e.caused_by.type ?? 'unknown'}: ${e.caused_by.reason ?? ''})` : '';
  return `${e.type ?? 'error'}: ${e.reason ?? ''}${cause}`;
}

/** JSON reader errors ES reports when it cannot read a document's source at all. */
const PARSER_TYPES = new Set(['x_content_parse_exception', 'json_parse_exception', 'json_e_o_f_exception', 'not_x_content_exception']);

function causedByParser(e: ItemError | undefined, depth = 0): boolean {
  if (!e || depth > 8) return false;
  return (e.type !== undefined && PARSER_TYPES.has(e.type)) || causedByParser(e.caused_by, depth + 1);
}

/**
 * The dead-letter code of a rejected (400) item, from its status and type:
 * a value that does not fit its field's mapping, a source ES cannot read as
 * JSON, or another refusal of the document.
 */
export function rejectionCode(item: BulkItemResult): ErrorCode {
  const e = item.error;
  const type = e?.type;
  if (type === 'document_parsing_exception' || type === 'mapper_parsing_exception') {
    // ES names the field whose value does not fit its type: a mapping conflict, whatever lies beneath.
    if (/failed to parse field \[/.test(e?.reason ?? '')) return ErrorCode.IndexMappingRejected;
    return causedByParser(e?.caused_by) ? ErrorCode.IndexParseRejected : ErrorCode.IndexMappingRejected;
  }
  if (type === 'strict_dynamic_mapping_exception') return ErrorCode.IndexMappingRejected;
  if (causedByParser(e)) return ErrorCode.IndexParseRejected;
  return ErrorCode.IndexDocumentRejected;
}

/** Whole-request failures. */
export const RequestVerdict = {
  Retry: 'retry',
  /** A cluster-wide block: retried like a 429, counted and logged as a block. */
  Blocked: 'blocked',
  Split: 'split',
  Fatal: 'fatal',
} as const;
export type RequestVerdict = (typeof RequestVerdict)[keyof typeof RequestVerdict];

/**
 * `status` undefined means no HTTP response at all (refused, reset, timeout);
 * `type` is ES's error type from the body, when there is one.
 */
export function classifyRequest(status: number | undefined, type?: string): RequestVerdict {
  if (status === undefined) return RequestVerdict.Retry;
  // A cluster block (cluster.blocks.read_only, a create-index block) answers
  // 403 like a refused key, but clears without a restart.
  if (type === 'cluster_block_exception') return RequestVerdict.Blocked;
  if (status === 413) return RequestVerdict.Split;
  if (status === 401 || status === 403) return RequestVerdict.Fatal;
  if (status === 429 || status >= 500) return RequestVerdict.Retry;
  // Any other 4xx on the bulk endpoint means Sift built a bad request or the
  // cluster refuses it as a whole: stopping is safer than dropping.
  return RequestVerdict.Fatal;
}
