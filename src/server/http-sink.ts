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
import type { BodyFacts } from './http-environ';
import type { ResponseHead, ResponseSink } from '../native/sink';
import { type Connection, type ConnectionListener, connectionOf, settle } from './connection';

/** Per-server facts a response needs. */
export interface HttpSinkContext {
  drainLimit: number;
  /** True once a graceful close began: every later response ends its connection. */
  closing: boolean;
}

/** How long a connection we give up on may still deliver its response before it is destroyed. */
const LINGER_MS = 2_000;

/** Reason phrases of the status lines seen, so a response does not slice a new string. */
const reasons = new Map<string, string>();

function reasonOf(status: string): string {
  let reason = reasons.get(status);
  if (reason === undefined) {
    reason = status.slice(4);
    if (reasons.size >= 64) reasons.clear();
    reasons.set(status, reason);
  }
  return reason;
}

export class HttpSink implements ResponseSink, ConnectionListener, BodyFacts {
  readonly canChunk: boolean;
  /** The status code sent, for the access log. */
  code = 0;
  /** Body bytes handed to the socket, for the access log. */
  bytes = 0;
  /** The request body, to drain or give up on after the response (set while the environ is built). */
  input: InputStream | undefined;
  /** Set by the gateway: the request's declared Content-Length, if any. */
  declaredLength: number | undefined;
  /** Set by the gateway: the request came with a body (a length above 0, or chunked). */
  hasBody = false;
  /** Set by the gateway for `Expect: 100-continue` requests until the app first reads (D-N23). */
  awaitingContinue = false;

  private closeAfter = false;
  private abortReason: Error | undefined;
  private abortListener: ((reason: Error) => void) | undefined;
  private connection: Connection | undefined;
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
    this.res.writeHead(head.code, reasonOf(head.status), flat);
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

  end(lastChunk?: Uint8Array): void {
    this.settled();
    if (lastChunk === undefined) {
      this.res.end();
    } else {
      this.bytes += lastChunk.byteLength;
      this.res.end(lastChunk);
    }
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
    this.settled();
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

  /**
   * A client that goes away closes the connection. One 'close' listener per connection serves
   * every response on it: a listener per response cost about as much as the rest of tsgi's
   * work for a small response (measured with callgrind: +11k instructions per request).
   */
  onAbort(listener: (reason: Error) => void): void {
    this.abortListener = listener;
    const socket = this.req.socket;
    // The lifecycle only listens once it has to wait: the client may have left already.
    if (socket.destroyed) {
      this.connectionClosed();
      return;
    }
    this.connection = connectionOf(socket);
    this.connection.inFlight.push(this);
  }

  /** The connection closed while this response was in flight. */
  connectionClosed(): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = new Error('the client disconnected before the response was complete');
    this.waiter?.reject(this.abortReason);
    this.waiter = null;
    this.abortListener?.(this.abortReason);
  }

  /** The response ended or was cut: a later close of the connection is no news to it. */
  private settled(): void {
    if (this.connection !== undefined) settle(this.connection, this);
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
