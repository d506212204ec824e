/**
 * How one bulk item (or one whole bulk request) ended, read item by item.
 * A 200 response can still hold per-item 429s; those are retried, never
 * dead-lettered, never acknowledged.
 */
export const ItemVerdict = {
  Indexed: 'indexed',
  Retry: 'retry',
  Reject: 'reject',
} as const;
export type ItemVerdict = (typeof ItemVerdict)[keyof typeof ItemVerdict];

export interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

export function classifyItem(item: BulkItemResult): ItemVerdict {
  if (item.status >= 200 && item.status < 300) return ItemVerdict.Indexed;
  if (item.status === 429 || item.status >= 500) return ItemVerdict.Retry;
  if (item.error?.type === 'es_rejected_execution_exception') return ItemVerdict.Retry;
  // 400 mapping/parse errors and other 4xx: the document itself is the
  // problem, and retrying it would block the partition forever.
  return ItemVerdict.Reject;
}

export function itemReason(item: BulkItemResult): string {
  const e = item.error;
  if (!e) return `status ${item.status}`;
  const cause = e.caused_by ? ` (caused by ${e.caused_by.type ?? 'unknown'}: ${e.caused_by.reason ?? ''})` : '';
  return `${e.type ?? 'error'}: ${e.reason ?? ''}${cause}`;
}

/** Whole-request failures. */
export const RequestVerdict = {
  Retry: 'retry',
  Split: 'split',
  Fatal: 'fatal',
} as const;
export type RequestVerdict = (typeof RequestVerdict)[keyof typeof RequestVerdict];

/** `status` undefined means no HTTP response at all (refused, reset, timeout). */
export function classifyRequest(status: number | undefined): RequestVerdict {
  if (status === undefined) return RequestVerdict.Retry;
  if (status === 413) return RequestVerdict.Split;
  if (status === 401 || status === 403) return RequestVerdict.Fatal;
  if (status === 429 || status >= 500) return RequestVerdict.Retry;
  // Any other 4xx on the bulk endpoint means Sift built a bad request or the
  // cluster refuses it as a whole: stopping is safer than dropping.
  return RequestVerdict.Fatal;
}
