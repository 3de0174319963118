/**
 * `wsgi.file_wrapper` (PEP 3333 §"Optional Platform-Specific File Handling", NATIVE.md §23):
 * turns a file-like object into a response body.
 *
 * Servers put {@link fileWrapper} in the environ. Apps that serve files return
 * `environ['wsgi.file_wrapper'](file, blockSize)` when the key exists (N-139). A file-like with
 * a numeric `fd` is streamed with `fs.createReadStream` from its current position (D-N25);
 * anything else is read with `file.read(blockSize)` until an empty result (N-141, N-142).
 *
 * @example
 * ```ts
 * const app: NativeApp = (environ, startResponse) => {
 *   const fd = fs.openSync('report.pdf', 'r');
 *   const file = { fd, read: (n = 65536) => readSome(fd, n), close: () => fs.closeSync(fd) };
 *   startResponse('200 OK', [['Content-Type', 'application/pdf']]);
 *   const wrap = environ['wsgi.file_wrapper'];
 *   return wrap ? wrap(file, 65536) : readAll(file);
 * };
 * ```
 *
 * @module
 */

import fs from 'node:fs';
import type { ReadStream } from 'node:fs';
import type { Closable, FileLike, FileWrapperFactory } from './types';
import { show as describe } from './checks';

const DEFAULT_BLOCK_SIZE = 64 * 1024;

/**
 * The `fs` implementation the fast path's read streams use. Its `close` is a no-op: the fd
 * belongs to the file-like, and a `ReadStream` closes its fd when destroyed even with
 * `autoClose: false` (it would do so when iteration stops early). Only `close()` closes it.
 */
const KEEP_FD_OPEN = {
  open: fs.open,
  read: fs.read,
  close(_fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void {
    callback(null);
  },
};

/**
 * The iterable `wsgi.file_wrapper` returns. Nothing is read until iteration begins (N-138), so
 * middleware may still discard it.
 */
export class FileWrapper implements Closable, AsyncIterable<Uint8Array> {
  readonly file: FileLike;
  readonly blockSize: number;
  private closing: Promise<void> | undefined = undefined;
  /** Fast-path streams not yet destroyed; close() waits for their pending reads. */
  private streams: Set<ReadStream> | undefined = undefined;

  constructor(file: FileLike, blockSize: number = DEFAULT_BLOCK_SIZE) {
    if (typeof file !== 'object' || file === null || typeof file.read !== 'function') {
      // N-140: a file-like has read().
      throw new TypeError('wsgi.file_wrapper expects a file-like object with a read() method');
    }
    if (!Number.isSafeInteger(blockSize) || blockSize <= 0) {
      throw new TypeError(
        `wsgi.file_wrapper block size must be a positive integer, got ${String(blockSize)}`,
      );
    }
    this.file = file;
    this.blockSize = blockSize;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    // D-N25: an fd lets us stream the file ourselves; otherwise behave as iter(file.read, b'').
    return typeof this.file.fd === 'number' ? this.streamFd(this.file.fd) : this.readBlocks();
  }

  /** N-140: calls `file.close()`, if the file has one, exactly once. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    // Never close the fd under a read still in flight: its number could be reused meanwhile.
    if (this.streams !== undefined) await Promise.all([...this.streams].map(release));
    if (typeof this.file.close === 'function') await this.file.close();
  }

  /** N-141, N-142: the portable path. */
  private async *readBlocks(): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const block: unknown = await this.file.read(this.blockSize);
      if (!(block instanceof Uint8Array)) {
        throw new TypeError(`file.read() returned ${describe(block)}; expected a Uint8Array`);
      }
      if (block.length === 0) return;
      yield block;
    }
  }

  /**
   * D-N25: the fast path. No `start`: reading begins at the fd's current position (N-141), as
   * the plain path would.
   */
  private async *streamFd(fd: number): AsyncGenerator<Uint8Array, void, undefined> {
    const stream = fs.createReadStream('', {
      fd,
      autoClose: false,
      highWaterMark: this.blockSize,
      fs: KEEP_FD_OPEN,
    });
    (this.streams ??= new Set()).add(stream);
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } finally {
      // Normal end, error, or the consumer's return(): release the stream, keep the fd.
      await release(stream);
      this.streams.delete(stream);
    }
  }
}

/** The value of `environ['wsgi.file_wrapper']`: a plain function, callable without `new`. */
export const fileWrapper: FileWrapperFactory = (file, blockSize) => new FileWrapper(file, blockSize);

/** Destroy a read stream and wait until its pending read finished ('close'). */
function release(stream: ReadStream): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    stream.once('close', () => resolve());
    stream.destroy();
  });
}
