/**
 * The {@link ResponseSink} of a CGI script: writes the response to stdout as RFC 3875 §6 wants
 * it — a `Status:` header field instead of an HTTP status line, the headers, a blank line, then
 * the body bytes as they are. {@link runCGI} (./cgi.ts) uses it; use it yourself only to drive
 * the lifecycle into some other Writable in CGI format.
 *
 * Framing belongs to the web server (RFC 3875 §6.4: the body ends where the script's output
 * ends, and the server, not the script, speaks HTTP to the client). So the sink writes no chunk
 * sizes and never closes a connection. `canChunk` is true only so that the lifecycle labels a
 * response of unknown length `chunked` — which is what nginx makes of it for an HTTP/1.1
 * client — rather than `close`. Either label yields the same bytes here, and nothing else in the
 * lifecycle depends on it: a Content-Length is kept or computed the same way in both cases.
 *
 * A CGI script cannot cut the client's connection (N-76, N-94, D-N24). When the lifecycle
 * aborts, the sink stops writing, flushes what was already written and notes in the log what
 * the client will see: with a declared Content-Length the web server sees the body end early
 * and cuts the client; without one the truncated body looks complete (docs/deploy.md).
 *
 * @example
 * const sink = new CGISink(process.stdout, { log: (m) => process.stderr.write(`${m}\n`) });
 * await runApplication(app, environ, sink);
 * await sink.settle(); // everything written has been flushed (or stdout failed)
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { ResponseHead, ResponseSink } from '../native/sink';

export interface CGISinkOptions {
  /** Where the sink's own notes go (one line each, no newline), e.g. wsgi.errors. */
  log?: (message: string) => void;
}

type State = 'open' | 'ended' | 'aborted' | 'failed';

/** Writes a CGI response (RFC 3875 §6) to a Node writable, honouring backpressure. */
export class CGISink implements ResponseSink {
  /** See the module comment: the web server frames; this only names what it will do. */
  readonly canChunk = true;

  private state: State = 'open';
  private headSent = false;
  private declaredLength = false;
  /** The output's last write() returned false and no 'drain' came since. */
  private full = false;
  private failure: Error | undefined;
  private abortReason: Error | undefined;
  private flushed = false;
  private readonly waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly abortListeners: Array<(reason: Error) => void> = [];
  private readonly settled: Promise<void>;
  private markSettled!: () => void;

  private readonly onDrain = (): void => {
    this.full = false;
    const waiters = this.waiters.splice(0);
    for (const waiter of waiters) waiter.resolve();
  };
  private readonly onError = (error: unknown): void => {
    this.fail(error instanceof Error ? error : new Error(String(error)));
  };
  private readonly onClose = (): void => {
    if (!this.flushed) this.fail(new Error('stdout was closed before the response was flushed'));
  };
  private readonly onFinish = (): void => {
    this.flushed = true;
    this.finishUp();
  };

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly options: CGISinkOptions = {},
  ) {
    this.settled = new Promise<void>((resolve) => (this.markSettled = resolve));
    out.on('drain', this.onDrain);
    out.on('error', this.onError);
    out.on('close', this.onClose);
    out.on('finish', this.onFinish);
  }

  /**
   * RFC 3875 §6.3.3: `Status:` carries the status line; then the headers; then a blank line.
   * Status is sent even for 200: without it, a Location header would let the web server treat
   * the response as a redirect of its own choosing (§6.2.2, §6.2.3).
   */
  sendHead(head: ResponseHead): void {
    if (this.headSent) throw new Error('CGISink: sendHead() called twice');
    this.headSent = true;
    let text = `Status: ${head.status}\r\n`;
    for (const [name, value] of head.headers) {
      if (name.length === 14 && name.toLowerCase() === 'content-length') this.declaredLength = true;
      text += `${name}: ${value}\r\n`;
    }
    text += '\r\n';
    // The lifecycle checked every code unit is <= 0xFF (N-3): latin-1 gives one byte each.
    this.push(Buffer.from(text, 'latin1'));
  }

  write(chunk: Uint8Array): boolean {
    if (!this.headSent) throw new Error('CGISink: write() before sendHead()');
    return this.push(chunk);
  }

  drained(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.abortReason !== undefined) return Promise.reject(this.abortReason);
    if (!this.full) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  end(lastChunk?: Uint8Array): void {
    if (this.state !== 'open') return;
    if (lastChunk !== undefined) this.push(lastChunk);
    this.state = 'ended';
    this.out.end();
  }

  /**
   * The best a CGI script can do: stop writing and flush what was written. Whether the client
   * notices depends on a declared Content-Length; the log says which case this was.
   */
  abort(reason: Error): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.abortReason = reason;
    this.note(
      this.declaredLength
        ? `the response was cut short (${reason.message}); it declared a Content-Length, so the web server sees the body end early and cuts the client's connection`
        : `the response was cut short (${reason.message}); it declared no Content-Length, so the client cannot tell the body is incomplete (declare Content-Length, or use a persistent-process gateway)`,
    );
    this.rejectWaiters(reason);
    this.out.end();
  }

  onAbort(listener: (reason: Error) => void): void {
    this.abortListeners.push(listener);
  }

  /**
   * Ends the output if nobody did, then resolves once everything written was flushed, or the
   * output failed. Never rejects.
   */
  settle(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'ended';
      this.out.end();
    }
    return this.settled;
  }

  private push(bytes: Uint8Array): boolean {
    if (this.state === 'failed') throw this.failure;
    if (this.state !== 'open') throw new Error(`CGISink: write() after the response was ${this.state}`);
    const ready = this.out.write(bytes);
    if (!ready) this.full = true;
    return ready;
  }

  /** stdout failed (EPIPE: the web server went away) or closed early: the client is gone. */
  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    const wasOpen = this.state === 'open';
    this.state = 'failed';
    this.note(`stdout failed, the web server went away: ${error.message}`);
    this.rejectWaiters(error);
    // The lifecycle only needs to hear of it while it still sends (N-88: it then closes the body).
    if (wasOpen) for (const listener of this.abortListeners) listener(error);
    this.finishUp();
  }

  private finishUp(): void {
    this.out.off('drain', this.onDrain);
    this.out.off('error', this.onError);
    this.out.off('close', this.onClose);
    this.out.off('finish', this.onFinish);
    // A late error on an output nobody listens to any more must not crash the process.
    ignoreErrors(this.out);
    this.markSettled();
  }

  private rejectWaiters(reason: Error): void {
    const waiters = this.waiters.splice(0);
    for (const waiter of waiters) waiter.reject(reason);
  }

  private note(message: string): void {
    try {
      this.options.log?.(message);
    } catch {
      // A broken log must not break the response.
    }
  }
}

const guarded = new WeakSet<object>();

/**
 * Adds one do-nothing 'error' listener to a stream, once: Node throws an 'error' event nobody
 * listens to, which would end the process over a broken stdout or stderr pipe.
 */
export function ignoreErrors(stream: NodeJS.EventEmitter): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', noop);
}

function noop(): void {}
