/**
 * What a transport supplies to the lifecycle: how the response leaves (DESIGN.md "The
 * lifecycle"). HTTP writes a status line and frames the body; CGI writes a `Status:` header and
 * lets its web server frame; the test client keeps everything in memory. The lifecycle decides
 * *what* to send and *when*; a sink only says *how*.
 *
 * @module
 */

import type { HeaderList } from './types';

/**
 * How the body is delimited on the wire, decided by the lifecycle (D-N22, N-100, N-103):
 * - `none`: no body at all (HEAD, 204, 304);
 * - `length`: exactly `Content-Length` bytes follow (the app's, or computed for a one-element
 *   Array, N-96);
 * - `chunked`: HTTP/1.1 chunked transfer coding;
 * - `close`: the body ends when the connection closes (HTTP/1.0 without a length).
 */
export type Framing = 'none' | 'length' | 'chunked' | 'close';

export interface ResponseHead {
  /** The status line as the app gave it, e.g. `"404 Not Found"` (already validated). */
  status: string;
  /** Its numeric code. */
  code: number;
  /** Validated headers, plus a computed Content-Length when framing is `length` and the app gave none. */
  headers: HeaderList;
  framing: Framing;
}

export interface ResponseSink {
  /** True when the client accepts chunked transfer coding (an HTTP/1.1 client). */
  readonly canChunk: boolean;
  /** Sends the status and headers. Called at most once, before any body bytes. */
  sendHead(head: ResponseHead): void;
  /**
   * Sends one non-empty chunk. Returns false when the transport's buffer is full; the lifecycle
   * then waits for {@link drained} before producing more (backpressure, N-85).
   */
  write(chunk: Uint8Array): boolean;
  /** Resolves when the transport can take more; rejects once the client has gone away. */
  drained(): Promise<void>;
  /**
   * The response is complete. `lastChunk`, when given, is the final body chunk (non-empty),
   * sent together with the end: the lifecycle passes it when a chunk completes the declared
   * Content-Length, so a transport can send both at once.
   */
  end(lastChunk?: Uint8Array): void;
  /**
   * Cuts the connection so the client sees a truncated response, never a complete-looking one
   * (N-76, N-94, D-N24). With chunked coding, the final empty chunk must not be sent.
   */
  abort(reason: Error): void;
  /**
   * Registers the lifecycle's listener for a client that disconnects before `end()`. The
   * lifecycle registers only once it has to wait; a client that already left by then must be
   * reported to the listener at once.
   */
  onAbort(listener: (reason: Error) => void): void;
}
