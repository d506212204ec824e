/**
 * Bulk request bodies written straight into Buffers.
 *
 * A serialized document is a rope of string pieces (fast-json-stringify
 * concatenates). Joining the lines into one body string and letting the HTTP
 * layer encode it walks every byte three times and keeps a body-sized string
 * on the JS heap for the whole round trip; writing each line's pieces into a
 * preallocated Buffer flattens and encodes it once, and what stays alive
 * while ES answers is off-heap, where no scavenge has to look at it.
 */

/** One document's line pair (action + source) inside a chunk's buffer. */
export interface BodyLine {
  /** Position of the document in the sequence the writer was given. */
  readonly position: number;
  /** The target as Sift wrote it (a dataset's write alias, the alerts index): named in logs and errors. */
  readonly index: string;
  readonly start: number;
  readonly end: number;
}

/** A full bulk request's worth of lines, and the buffer they are in. */
export interface BodyChunk {
  readonly buffer: Buffer;
  readonly lines: readonly BodyLine[];
}

export interface BodyLimits {
  readonly maxBytes: number;
  readonly maxDocs: number;
}

const NEWLINE = 0x0a;
/** A small batch (alerts, a trickle of events) never pays for a full-size buffer. */
const FIRST_CAPACITY = 64 * 1024;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/** The action line for a document: ids are Sift's (base64url) and index names validated config, so concatenation is safe. */
const actionLine = (index: string, id: string): string => `{"index":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(id)}}}\n`;

/**
 * Appends documents to the current chunk and hands over each chunk once the
 * next line would pass `maxBytes` or it holds `maxDocs` lines. A single line
 * larger than `maxBytes` gets a chunk of its own (ES answers 413, and the
 * indexer rejects that one document). The buffer grows by doubling, up to
 * `maxBytes`.
 */
export class BodyBuilder {
  private buffer: Buffer;
  private used = 0;
  private lines: BodyLine[] = [];
  private readonly limits: BodyLimits;

  constructor(limits: BodyLimits) {
    this.limits = limits;
    this.buffer = Buffer.allocUnsafe(Math.min(limits.maxBytes, FIRST_CAPACITY));
  }

  /** Adds one line pair; returns the chunk it completed, if this line did not fit beside the others. */
  add(position: number, index: string, id: string, source: string): BodyChunk | undefined {
    const action = actionLine(index, id);
    // Most lines are far smaller than the room left, so their exact size
    // (a pass over the text) is only computed when the bound does not fit.
    let size = (action.length + source.length) * MAX_BYTES_PER_UNIT + 1;
    if (this.used + size > this.buffer.length) size = exactSize(action, source);
    let done: BodyChunk | undefined;
    if (this.lines.length >= this.limits.maxDocs || (this.lines.length > 0 && this.used + size > this.limits.maxBytes)) done = this.take();
    if (this.used + size > this.buffer.length) this.grow(Math.max(this.used + size, Math.min(this.limits.maxBytes, this.buffer.length * 2)));
    const start = this.used;
    this.used += this.buffer.write(action, this.used, 'utf8');
    this.used += this.buffer.write(source, this.used, 'utf8');
    this.buffer[this.used++] = NEWLINE;
    this.lines.push({ position, index, start, end: this.used });
    return done;
  }

  /** The lines added since the last chunk, as a chunk (undefined when there are none). */
  flush(): BodyChunk | undefined {
    return this.lines.length > 0 ? this.take() : undefined;
  }

  private take(): BodyChunk {
    const chunk = { buffer: this.buffer.subarray(0, this.used), lines: this.lines };
    // The next chunk of a stream is likely as large as this one: start there, not at the minimum.
    this.buffer = Buffer.allocUnsafe(Math.min(this.limits.maxBytes, Math.max(FIRST_CAPACITY, this.used)));
    this.used = 0;
    this.lines = [];
    return chunk;
  }

  private grow(capacity: number): void {
    const bigger = Buffer.allocUnsafe(capacity);
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }
}

const exactSize = (action: string, source: string): number => Buffer.byteLength(action) + Buffer.byteLength(source) + 1;

/** The body for some lines of a chunk: the chunk's buffer itself when they are all of it, in order. */
export function bodyOf(chunk: BodyChunk, lines: readonly BodyLine[]): Buffer {
  if (lines.length === chunk.lines.length) return chunk.buffer;
  return Buffer.concat(lines.map((l) => chunk.buffer.subarray(l.start, l.end)));
}
