/**
 * `wsgi.input` (PEP 3333 §"Input and Error Streams", NATIVE.md §8): the request body as a
 * buffered, async, file-like byte stream.
 *
 * Servers build one {@link InputStream} per request over whatever yields the body's chunks (a
 * Node `IncomingMessage`, an async generator, an array) and put it in the environ. Apps only use
 * `read`, `readline`, `readlines` and async iteration (N-44); the remaining members
 * (`bytesRead`, `ended`, `drain`) are for the server, to decide whether a keep-alive connection
 * can be reused after the response.
 *
 * @example
 * ```ts
 * // Server side: a body framed by Content-Length.
 * environ['wsgi.input'] = new InputStream(req, { length: 11 });
 * // Test side: a body held in memory.
 * environ['wsgi.input'] = InputStream.from(new TextEncoder().encode('hello world'));
 * // App side:
 * const first = await environ['wsgi.input'].read(5); // exactly 5 bytes unless the body is shorter
 * ```
 *
 * Construction stores fields only: most requests have no body, and nothing is pulled from the
 * source (nor is its iterator created) until the first read.
 *
 * @module
 */

import { show as describe } from './checks';
import { RequestError } from './errors';
import type { InputStreamLike } from './types';

export interface InputStreamOptions {
  /** CONTENT_LENGTH as a number: reads never go past it (N-37); undefined = not declared. */
  length?: number;
  /**
   * `wsgi.input_terminated`: when no length is declared, read the source to its end (D-N11).
   * Without length and without terminated, the stream is empty (Werkzeug semantics).
   */
  terminated?: boolean;
  /**
   * Called once, just before the first time the stream pulls from the source (used for
   * `Expect: 100-continue`, N-46 / D-N23). Not called when the stream is known empty (length 0,
   * or no length and not terminated).
   */
  onFirstRead?: () => void;
  /**
   * Most bytes a body of undeclared length may have: reading past it rejects with a 413
   * RequestError (a chunked upload over the gateway's limit). Default: no limit.
   */
  maxLength?: number;
}

/** What an InputStream can read from. `null` is an empty source. */
export type InputSource =
  | AsyncIterable<Uint8Array>
  | AsyncIterator<Uint8Array>
  | Iterable<Uint8Array>
  | null;

type ChunkIterator = AsyncIterator<unknown> | Iterator<unknown>;

const NEWLINE = 0x0a;
/** Compact the pending-chunk list once this many consumed slots pile up at its front. */
const COMPACT_AT = 64;

/**
 * The `wsgi.input` object: a buffered reader over a chunk source, bounded by the declared
 * Content-Length (N-37) and with Python buffered-file semantics (D-N10).
 */
export class InputStream implements InputStreamLike {
  // Source side. `iterator` is obtained lazily on the first pull.
  private source: InputSource;
  private iterator: ChunkIterator | undefined = undefined;
  private onFirstRead: (() => void) | undefined;
  /** Most bytes the stream will ever hand out: the declared length, Infinity, or 0. */
  private readonly limit: number;
  /** Most bytes an undeclared-length body may have (maxLength), else Infinity. */
  private readonly maxLength: number;
  /** Bytes accepted from the source (never more than `limit`). */
  private pulled = 0;
  /** Bytes taken out of the buffer, by the app or by `drain()`. */
  private position = 0;
  private consumedByApp = 0;
  /** Nothing more will be pulled: EOF, all declared bytes arrived, or the stream failed. */
  private done: boolean;
  /** The source signalled EOF (possibly before the declared length). */
  private sourceEnded = false;
  private failed = false;
  private failure: unknown = undefined;

  // Buffer: pending source chunks; `chunks[head]` starts at byte `offset`.
  private chunks: (Uint8Array | undefined)[] = [];
  private head = 0;
  private offset = 0;

  // N-45: one operation runs at a time; the others wait here in call order.
  private busy = false;
  private waiters: (() => void)[] | undefined = undefined;

  constructor(source: InputSource, options?: InputStreamOptions) {
    const length = options?.length;
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      throw new RangeError(
        `InputStream length must be a non-negative integer, got ${String(length)}`,
      );
    }
    this.source = source;
    // Werkzeug semantics: without a declared length, only a terminated stream has a body.
    this.limit = length ?? (options?.terminated === true ? Infinity : 0);
    this.done = this.limit === 0;
    this.onFirstRead = options?.onFirstRead;
    this.maxLength = options?.maxLength ?? Infinity;
  }

  /**
   * A stream over bytes already in memory, with `length = bytes.length`. The bytes are not
   * copied.
   */
  static from(bytes: Uint8Array): InputStream {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`InputStream.from expects a Uint8Array, got ${describe(bytes)}`);
    }
    // `this`, not the class's name: a bundler renames a class that names itself inside (the
    // instances would report `_InputStream` as their constructor's name).
    const stream = new this(null, { length: bytes.length });
    if (bytes.length > 0) {
      // Everything is already here: buffer it instead of going through a source.
      stream.chunks.push(bytes);
      stream.pulled = bytes.length;
      stream.done = true;
    }
    return stream;
  }

  /** A stream with no body. */
  static empty(): InputStream {
    return new this(null);
  }

  /** Server-side (not for apps): bytes handed to the app so far. */
  get bytesRead(): number {
    return this.consumedByApp;
  }

  /**
   * Server-side: true once the end of the body was reached on the source side: all declared
   * bytes arrived, or the source hit EOF (also when that EOF came too early and failed the
   * stream). False after a source error. Bytes may still sit in the buffer, unread by the app.
   * A known-empty stream is ended from the start.
   */
  get ended(): boolean {
    return this.pulled === this.limit || this.sourceEnded;
  }

  /**
   * Read `size` bytes: exactly `min(size, remaining)`, short only at end of input (N-40, D-N10).
   * No size, `undefined`, `null` or `-1` reads the whole rest (N-39). An empty result means EOF.
   */
  async read(size?: number): Promise<Uint8Array> {
    const cap = sizeArgument(size, 'read');
    await this.acquire();
    try {
      return await this.readNow(cap);
    } finally {
      this.release();
    }
  }

  /**
   * Read one line, ending after `\n` (included) or at EOF (N-41). `size` ≥ 0 caps the result's
   * length; no size or `-1` means no cap.
   */
  async readline(size?: number): Promise<Uint8Array> {
    const cap = sizeArgument(size, 'readline');
    await this.acquire();
    try {
      return await this.readlineNow(cap);
    } finally {
      this.release();
    }
  }

  /**
   * Read lines until EOF, or until their total length reaches `hint` when `hint` > 0 (N-42).
   * Runs as one queued operation, so no other call interleaves between the lines.
   */
  async readlines(hint?: number): Promise<Uint8Array[]> {
    if (hint !== undefined && hint !== null && !Number.isInteger(hint)) {
      throw new TypeError(`readlines(hint): hint must be an integer, got ${describe(hint)}`);
    }
    // Python: a hint of 0 or less means "no hint".
    const budget = typeof hint === 'number' && hint > 0 ? hint : Infinity;
    await this.acquire();
    try {
      const lines: Uint8Array[] = [];
      let total = 0;
      while (total < budget) {
        const line = await this.readlineNow(Infinity);
        if (line.length === 0) break;
        lines.push(line);
        total += line.length;
      }
      return lines;
    } finally {
      this.release();
    }
  }

  /** N-43: iteration yields lines, like a Python file, until EOF. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Server-side: read and discard what the app left unread, up to `max` bytes, so a keep-alive
   * connection can serve the next request. Resolves true when the body was fully consumed,
   * false when more than `max` bytes remained or the body cannot be consumed (the caller then
   * closes the connection). Queued after pending app reads. Rejects only for an invalid `max`
   * (a negative number or NaN; `Infinity` means no cap).
   *
   * D-N23: if `onFirstRead` was given (a pending `100 Continue`) and the app never read, the
   * client was never told to send the body. Reading it now would send `100 Continue` after the
   * final response, so drain resolves false without reading.
   */
  async drain(max: number): Promise<boolean> {
    if (typeof max !== 'number' || !(max >= 0)) {
      throw new RangeError(`drain(max): max must be a number >= 0, got ${describe(max)}`);
    }
    await this.acquire();
    try {
      return await this.drainNow(max);
    } catch {
      // A failed body cannot be drained; closing the connection is the answer either way.
      return false;
    } finally {
      this.release();
    }
  }

  // --- queue (N-45) ---------------------------------------------------------------------------

  private acquire(): Promise<void> | undefined {
    if (!this.busy) {
      this.busy = true;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      (this.waiters ??= []).push(resolve);
    });
  }

  /** Hand the turn to the next waiter (keeping `busy` set, so newcomers queue behind it). */
  private release(): void {
    const next = this.waiters?.shift();
    if (next !== undefined) next();
    else this.busy = false;
  }

  // --- operations, run one at a time ------------------------------------------------------------

  private async readNow(cap: number): Promise<Uint8Array> {
    if (this.failed) throw this.failure;
    const want = Math.min(cap, this.limit - this.position);
    if (want === 0) return new Uint8Array(0);
    // N-40: short only at EOF, so keep pulling until `want` bytes are buffered.
    while (this.pulled - this.position < want && !this.done) await this.pull();
    return this.take(Math.min(want, this.pulled - this.position), true);
  }

  private async readlineNow(cap: number): Promise<Uint8Array> {
    if (this.failed) throw this.failure;
    const want = Math.min(cap, this.limit - this.position);
    if (want === 0) return new Uint8Array(0);
    // Scan what is buffered once, then only each newly pulled chunk: no rescans (no O(n²)).
    let end = this.findNewline();
    while (end < 0 && this.pulled - this.position < want && !this.done) {
      const before = this.pulled - this.position;
      const chunk = await this.pull();
      if (chunk !== undefined) {
        const at = chunk.indexOf(NEWLINE);
        if (at >= 0) end = before + at + 1;
      }
    }
    const buffered = this.pulled - this.position;
    return this.take(Math.min(end < 0 ? buffered : end, want, buffered), true);
  }

  private async drainNow(max: number): Promise<boolean> {
    if (this.failed) return false;
    // The buffered bytes already crossed the wire; drop them without counting them against max.
    this.take(this.pulled - this.position, false);
    if (this.done) return true;
    // D-N23: `onFirstRead` is only still set when nothing was pulled yet.
    if (this.onFirstRead !== undefined) return false;
    // With a declared length we know up front whether the rest fits in the allowance.
    if (this.limit !== Infinity && this.limit - this.pulled > max) return false;
    let discarded = 0;
    while (!this.done) {
      const chunk = await this.pull();
      if (chunk === undefined) break;
      discarded += chunk.length;
      this.take(chunk.length, false);
      if (discarded > max) return false;
    }
    return true;
  }

  // --- source side ---------------------------------------------------------------------------

  /**
   * Pull one non-empty chunk into the buffer and return it, or return undefined and set `done`
   * at the end of the body. A source error or a body shorter than declared fails the stream
   * and throws; every later read throws the same error.
   */
  private async pull(): Promise<Uint8Array | undefined> {
    try {
      const iterator = this.iterator ?? this.start();
      for (;;) {
        const result = await iterator.next();
        if (result.done === true) {
          this.done = true;
          this.sourceEnded = true;
          if (this.pulled < this.limit && this.limit !== Infinity) {
            // Never truncate silently: the client sent less than it declared.
            throw new RequestError(
              400,
              `Request body ended after ${this.pulled} of ${this.limit} declared bytes ` +
                '(Content-Length)',
            );
          }
          return undefined;
        }
        const value: unknown = result.value;
        if (!(value instanceof Uint8Array)) {
          throw new TypeError(
            `wsgi.input source yielded ${describe(value)}; expected Uint8Array chunks`,
          );
        }
        if (value.length === 0) continue;
        // N-37: never hand out bytes past the declared length; the excess is ignored.
        const room = this.limit - this.pulled;
        const chunk = value.length > room ? value.subarray(0, room) : value;
        if (this.pulled + chunk.length > this.maxLength) {
          throw new RequestError(413, `Request body is larger than the limit of ${this.maxLength} bytes`);
        }
        this.chunks.push(chunk);
        this.pulled += chunk.length;
        if (this.pulled === this.limit) this.done = true;
        return chunk;
      }
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** First pull: run the hook (100-continue), then obtain the iterator. */
  private start(): ChunkIterator {
    const hook = this.onFirstRead;
    const iterator = iteratorOf(this.source);
    this.iterator = iterator;
    this.source = null; // the iterator holds what is needed from here on
    if (hook !== undefined) {
      this.onFirstRead = undefined;
      hook();
    }
    return iterator;
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = error;
    this.done = true;
    // Drop what is buffered: a failed body is never handed out piecemeal.
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
  }

  // --- buffer ----------------------------------------------------------------------------------

  /** Byte count from the buffer's start through the first `\n`, or -1 if none is buffered. */
  private findNewline(): number {
    let seen = 0;
    let start = this.offset;
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i] as Uint8Array;
      const at = chunk.indexOf(NEWLINE, start);
      if (at >= 0) return seen + at - start + 1;
      seen += chunk.length - start;
      start = 0;
    }
    return -1;
  }

  /**
   * Remove `n` buffered bytes (n ≤ buffered). A read inside one chunk returns a view of it
   * (zero-copy); a read across chunks copies once into a fresh array.
   */
  private take(n: number, forApp: boolean): Uint8Array {
    this.position += n;
    if (forApp) this.consumedByApp += n;
    if (n === 0) return new Uint8Array(0);
    const first = this.chunks[this.head] as Uint8Array;
    if (this.offset + n <= first.length) {
      const view = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === first.length) this.dropHead();
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head] as Uint8Array;
      const count = Math.min(chunk.length - this.offset, n - filled);
      out.set(chunk.subarray(this.offset, this.offset + count), filled);
      filled += count;
      this.offset += count;
      if (this.offset === chunk.length) this.dropHead();
    }
    return out;
  }

  private dropHead(): void {
    this.chunks[this.head] = undefined; // let the chunk be collected
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT) {
      // Keeps memory flat when the buffer is never fully emptied (a long stream of misaligned
      // reads); amortised O(1) per chunk.
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Validate a read/readline size: undefined, null or -1 mean "no cap" (N-39, N-41). */
function sizeArgument(size: number | undefined, method: string): number {
  if (size === undefined || size === null || size === -1) return Infinity;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < -1) {
    throw new TypeError(
      `${method}(size): size must be an integer >= -1 or undefined, got ${describe(size)}`,
    );
  }
  return size;
}

function iteratorOf(source: InputSource): ChunkIterator {
  if (source === null || source === undefined) return EMPTY_SOURCE;
  type AnySource = AsyncIterable<unknown> & Iterable<unknown> & Iterator<unknown>;
  const anySource = source as Partial<AnySource>;
  const asyncIterate = anySource[Symbol.asyncIterator];
  if (typeof asyncIterate === 'function') return asyncIterate.call(source);
  const iterate = anySource[Symbol.iterator];
  if (typeof iterate === 'function') return iterate.call(source);
  if (typeof anySource.next === 'function') return source as ChunkIterator;
  throw new TypeError(`wsgi.input source is not iterable: ${describe(source)}`);
}

const EMPTY_SOURCE: Iterator<unknown> = {
  next: () => ({ done: true, value: undefined }),
};
