/**
 * How a response leaves over node:http: the {@link ResponseSink} of the HTTP gateway.
 *
 * Node's ServerResponse writes the status line and frames the body exactly as the lifecycle
 * decided: a Content-Length header when framing is `length`, chunked coding for HTTP/1.1
 * without one, close-delimited for HTTP/1.0, nothing for HEAD/204/304 (checked on v20.20.2;
 * it never adds a length of its own once the head is written). This file adds what Node does
 * not know: whether the connection can be kept after a request whose body was not read.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { InputStream } from '../native/input';
import type { ResponseHead, ResponseSink } from '../native/sink';

/** Per-server facts a response needs. */
export interface HttpSinkContext {
  drainLimit: number;
  /** True once a graceful close began: every later response ends its connection. */
  closing: boolean;
}

/** How long a connection we give up on may still deliver its response before it is destroyed. */
const LINGER_MS = 2_000;

export class HttpSink implements ResponseSink {
  readonly canChunk: boolean;
  /** The status code sent, for the access log. */
  code = 0;
  /** Body bytes handed to the socket, for the access log. */
  bytes = 0;
  /** Set by the gateway: the request body, to drain or give up on after the response. */
  input: InputStream | undefined;
  /** Set by the gateway: the request's declared Content-Length, if any. */
  declaredLength: number | undefined;
  /** Set by the gateway: the request came with a body (a length above 0, or chunked). */
  hasBody = false;
  /** Set by the gateway for `Expect: 100-continue` requests until the app first reads (D-N23). */
  awaitingContinue = false;

  private closeAfter = false;
  private abortReason: Error | undefined;
  /** The lifecycle waiting for 'drain': undefined until the first wait, null between waits. */
  private waiter: { resolve: () => void; reject: (reason: Error) => void } | null | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly context: HttpSinkContext,
  ) {
    this.canChunk = req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1);
  }

  sendHead(head: ResponseHead): void {
    const headers = head.headers;
    const flat: string[] = new Array<string>(headers.length * 2);
    for (let i = 0, j = 0; i < headers.length; i++) {
      const header = headers[i] as [string, string];
      flat[j++] = header[0];
      flat[j++] = header[1];
    }
    if (this.mustClose()) {
      this.closeAfter = true;
      flat.push('Connection', 'close');
    }
    this.code = head.code;
    this.res.writeHead(head.code, head.status.slice(4), flat);
  }

  write(chunk: Uint8Array): boolean {
    this.bytes += chunk.byteLength;
    return this.res.write(chunk);
  }

  drained(): Promise<void> {
    if (this.abortReason !== undefined) return Promise.reject(this.abortReason);
    // One listener for the whole response, hooked on the first wait: a long download waits
    // once per chunk, and adding and removing listeners each time showed in the profile.
    if (this.waiter === undefined) {
      this.res.on('drain', () => {
        const waiter = this.waiter;
        this.waiter = null;
        waiter?.resolve();
      });
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  end(): void {
    this.res.end();
    const input = this.input;
    if (this.closeAfter || input === undefined || input.ended || !this.hasBody) return;
    // Read what the app left unread, up to the limit, so the connection can serve the next
    // request; past the limit, give the response time to arrive and end the connection.
    const socket = this.req.socket;
    input.drain(this.context.drainLimit).then(
      (drained) => {
        if (!drained) linger(socket);
      },
      () => linger(socket),
    );
  }

  abort(reason: Error): void {
    this.abortReason = reason;
    // The client must learn the response is not whole: it gets what was written, then the
    // connection ends without the final chunk, or short of Content-Length (N-76, N-94).
    // Ending the socket (not destroying it) flushes what Node corked for this tick first;
    // destroy() would drop it and leave the client a bare reset with no status at all.
    const socket = this.res.socket;
    if (socket === null || socket.destroyed) {
      this.res.destroy();
      return;
    }
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }

  onAbort(listener: (reason: Error) => void): void {
    const res = this.res;
    res.once('close', () => {
      if (res.writableFinished || this.abortReason !== undefined) return;
      this.abortReason = new Error('the client disconnected before the response was complete');
      this.waiter?.reject(this.abortReason);
      this.waiter = null;
      listener(this.abortReason);
    });
  }

  /** This response will end its connection (an answer given before the request was read). */
  closeConnection(): void {
    this.closeAfter = true;
  }

  /** Whether this response must end its connection (decided when the head goes out). */
  private mustClose(): boolean {
    if (this.closeAfter || this.context.closing) return true;
    const input = this.input;
    if (input === undefined || input.ended || !this.hasBody) return false;
    // D-N23: the client waits for 100 Continue that will never come; its body was never sent.
    if (this.awaitingContinue) return true;
    const declared = this.declaredLength;
    if (declared === undefined) return false; // chunked: drain up to the limit after the response
    return declared - input.bytesRead > this.context.drainLimit;
  }
}

/** Ends a connection whose unread body we will not read: FIN now, destroy if it lingers. */
function linger(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
