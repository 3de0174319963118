/**
 * The one request lifecycle every gateway runs (DESIGN.md "The lifecycle"):
 *
 *   environ → app → status/headers checked → framing chosen → body streamed with backpressure →
 *   `close()` exactly once on every path.
 *
 * A transport builds the environ and supplies a {@link ResponseSink}; {@link runApplication}
 * does the rest. Sync apps with Array or sync-iterable bodies run start to end without a single
 * Promise unless the transport pushes back; async apps and bodies are awaited.
 *
 * @example
 * const done = runApplication(app, environ, sink);
 * if (done) await done; // undefined when everything finished synchronously
 *
 * @module
 */

import { checkHeaderList, SERVER_RULE_OF_CHECK as RULE_OF, show, statusCode, statusProblem } from './checks';
import { sendStatusResponse } from './error-response';
import { HttpError, ProtocolError, RequestError } from './errors';
import { framingOf } from './framing';
import type { Framing, ResponseSink } from './sink';
import type { Body, Environ, ErrorStreamLike, HeaderList, NativeApp, StartResponse, Write } from './types';
import { quotePath } from './util';
import { isThenable } from './thenable';

export interface LifecycleOptions {
  /** Body of the 500 response sent when the app fails before sending anything (D-N24). */
  errorBody?: string;
  /**
   * Told of every fault of the app after it was logged: errors it raised, bad output it gave
   * (a ProtocolError naming the rule), a body shorter or longer than its Content-Length. Not
   * told of errors caused by the client going away.
   */
  onError?: (error: unknown) => void;
  /**
   * For tests: never take the one-chunk fast path, so a test can compare the two paths'
   * results (they must be identical).
   */
  generalPathOnly?: boolean;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Status lines that passed statusProblem, with their codes. */
const validStatuses = new Map<string, number>();

/** What sending one chunk tells the pump: go on, or wait for the transport first. */
const CONTINUE = 0;
type Step = typeof CONTINUE | Promise<void>;

/** A sync body has no more chunks. */
const DONE: unique symbol = Symbol('done');

/**
 * Runs `app` for one request and sends its response through `sink`. Returns undefined when the
 * whole exchange finished synchronously, else a Promise that settles (never rejects) once the
 * response ended or was cut and `close()` ran.
 */
export function runApplication(
  app: NativeApp,
  environ: Environ,
  sink: ResponseSink,
  options?: LifecycleOptions,
): Promise<void> | undefined {
  return new Exchange(environ, sink, options).run(app);
}

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

class Exchange {
  // Read before the app runs: the app may change the environ as it likes (N-18).
  private readonly isHead: boolean;
  private readonly errors: ErrorStreamLike | undefined;
  private readonly method: unknown;

  private watching = false;
  private startCalled = false;
  /** The validated status, or undefined before a successful startResponse(). */
  private status: string | undefined;
  private code = 0;
  private headers: HeaderList = [];
  private contentLength = -1;
  /** Length of a one-element Array body (N-96), or -1. */
  private knownLength = -1;
  private framing: Framing = 'none';

  private headersSent = false;
  private wrote = false;
  private appReturned = false;
  private sent = 0;
  /** Everything the response declared went out (or it has no body): stop producing. */
  private complete = false;
  private ended = false;
  private abortReason: Error | undefined;
  /** Settles the exchange of an async body when the client leaves (see pumpAsyncBody). */
  private settleOnAbort: (() => void) | undefined;

  private body: Body | undefined;
  private iterator: AnyIterator | undefined;
  /** Take sendWhole for a one-chunk body (off only to compare it with the general path). */
  private readonly fastPath: boolean;
  /** The sync body being sent, and the next index when it is an Array. */
  private syncSource: readonly unknown[] | Iterator<unknown> | undefined;
  private index = 0;
  private exhausted = false;
  private closed = false;
  private closing: Promise<void> | undefined;

  private readonly startResponse: StartResponse;
  /** write(), made when an app first asks for it. */
  private writeFn: Write | undefined;

  constructor(
    private readonly environ: Environ,
    private readonly sink: ResponseSink,
    private readonly options: LifecycleOptions | undefined,
  ) {
    this.fastPath = options?.generalPathOnly !== true;
    this.method = environ.REQUEST_METHOD;
    this.isHead = this.method === 'HEAD';
    const errors = environ['wsgi.errors'];
    this.errors = typeof errors?.write === 'function' ? errors : undefined;
    this.startResponse = (status, headers, excInfo) => this.start(status, headers, excInfo);
  }

  /**
   * Listens for the client going away, from the first moment the exchange has to wait (an async
   * app, an async body, backpressure). A response made start to end synchronously cannot see a
   * disconnect anyway (the event loop never turns), and skipping the listener there is a
   * measurable share of a small response's cost.
   */
  private watchClient(): void {
    if (this.watching) return;
    this.watching = true;
    this.sink.onAbort((reason) => this.clientAborted(reason));
  }

  run(app: NativeApp): Promise<void> | undefined {
    let result: Body | Promise<Body>;
    try {
      result = app(this.environ, this.startResponse);
    } catch (error) {
      this.appReturned = true;
      return this.fail(error);
    }
    if (!isThenable(result)) return this.handleBody(result);
    this.watchClient();
    return Promise.resolve(result).then(
      (body) => this.handleBody(body),
      (error: unknown) => {
        this.appReturned = true;
        return this.fail(error);
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // startResponse and write (§10, §12)

  private start(status: string, headers: HeaderList, excInfo: unknown): Write {
    if (excInfo !== undefined) {
      // N-71: after the headers went out the response cannot change; re-raise the app's error.
      if (this.headersSent) throw excInfo;
    } else if (this.startCalled) {
      throw new ProtocolError(
        'N-67',
        'startResponse() was called a second time without excInfo; only an error handler may ' +
          'replace the response, by passing the caught error as the third argument',
      );
    }
    // N-63: the call counts before it is checked, so after a failed call only an excInfo call may follow.
    this.startCalled = true;
    this.status = undefined;
    let code = typeof status === 'string' ? validStatuses.get(status) : undefined;
    if (code === undefined) {
      const bad = statusProblem(status);
      if (bad !== undefined) throw new ProtocolError(RULE_OF[bad.check], bad.message);
      code = statusCode(status);
      // Apps use a handful of statuses: checking each once is enough.
      if (validStatuses.size >= 64) validStatuses.clear();
      validStatuses.set(status, code);
    }
    const contentLength = checkHeaderList(headers);
    if (typeof contentLength !== 'number') throw new ProtocolError(RULE_OF[contentLength.check], contentLength.message);
    // N-70: a call with excInfo before anything was sent replaces status and headers.
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.contentLength = contentLength;
    return (this.writeFn ??= (chunk) => this.write(chunk));
  }

  private write(chunk: Uint8Array): Promise<void> {
    if (this.status === undefined) {
      throw new ProtocolError('N-68', 'write() was called before a successful startResponse()');
    }
    if (this.appReturned) {
      throw new ProtocolError(
        'N-82',
        'write() was called after the application returned; yield the chunk from the body instead (D-N8)',
      );
    }
    if (!(chunk instanceof Uint8Array)) {
      throw new ProtocolError('N-123', `write() takes a Uint8Array, got ${show(chunk)}; encode text to bytes first`);
    }
    if (this.abortReason !== undefined) return handled(Promise.reject(this.abortReason));
    this.wrote = true;
    // N-64 (b): the first write() sends the headers, even an empty one.
    if (!this.headersSent) this.sendHeaders();
    if (chunk.byteLength === 0 || this.framing === 'none') return RESOLVED;
    if (this.complete || this.sent + chunk.byteLength > this.contentLength && this.contentLength >= 0) {
      // N-83: raise at the app; the bytes that still fit go out so the response stays whole.
      const room = this.complete ? 0 : this.contentLength - this.sent;
      if (room > 0) this.send(chunk.subarray(0, room), false);
      throw new ProtocolError(
        'N-83',
        `write() went past the declared Content-Length of ${this.contentLength} bytes; the excess was dropped`,
      );
    }
    // The app is still running and may still read its body: the response ends when it returns.
    const step = this.send(chunk, false);
    return step === CONTINUE ? RESOLVED : handled(step);
  }

  // ---------------------------------------------------------------------------------------------
  // The body (§13, §14, §16)

  private handleBody(body: Body): Promise<void> | undefined {
    this.appReturned = true;
    if (!isBody(body)) {
      return this.fail(
        new ProtocolError(
          'N-9',
          `the application must return an iterable of Uint8Array chunks (an Array, a generator, a stream), got ${show(body)}`,
        ),
      );
    }
    this.body = body;
    if (this.abortReason !== undefined) return this.cleanUp();
    try {
      if (Array.isArray(body)) {
        // N-96, D-N5: only an Array's length is trusted; one chunk and no write() gives the length.
        const only: unknown = body[0];
        if (body.length === 1 && !this.wrote && only instanceof Uint8Array) {
          this.knownLength = only.byteLength;
          if (this.fastPath && only.byteLength > 0 && this.status !== undefined && !this.headersSent) return this.sendWhole(only);
        }
        return this.pumpSync(body);
      }
      // N-91: when a body is both, the async protocol wins.
      if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
        const iterator = (body as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        this.iterator = iterator;
        this.watchClient();
        return this.pumpAsyncBody(iterator);
      }
      const iterator = (body as Iterable<unknown>)[Symbol.iterator]();
      this.iterator = iterator;
      return this.pumpSync(iterator);
    } catch (error) {
      this.exhausted = true;
      return this.fail(error);
    }
  }

  /**
   * The most common response, one chunk whose length is known (N-96), in one straight line:
   * headers, then the chunk with the end. It gives exactly what the general path gives (a
   * test compares the two on every fixture); it exists because a small response's cost on a
   * real server is mostly instruction-cache misses, and this runs through far less code. An
   * app-given Content-Length that differs from the chunk goes the general way (N-93, N-94).
   */
  private sendWhole(chunk: Uint8Array): Promise<void> | undefined {
    try {
      this.sendHeaders();
      if (this.framing === 'none') {
        // HEAD, 204, 304: N-100, N-103.
        this.ended = true;
        this.sink.end();
        return this.cleanUp();
      }
      if (this.contentLength !== chunk.byteLength) {
        this.syncSource = [chunk];
        return this.continueGeneral();
      }
      this.sent = chunk.byteLength;
      this.complete = true;
      this.ended = true;
      this.sink.end(chunk);
      return this.cleanUp();
    } catch (error) {
      return this.fail(error);
    }
  }

  /** Resumes the general sync path where sendWhole left it (headers sent). */
  private continueGeneral(): Promise<void> | undefined {
    let wait: Promise<void> | typeof DONE;
    try {
      wait = this.sendAvailable();
    } catch (error) {
      return this.fail(error);
    }
    return wait === DONE ? this.finish() : this.continueSync(wait);
  }

  /**
   * A sync body (an Array or a sync iterator): sends what it yields without a single Promise
   * until the transport asks to wait; from then on the rest goes through one async loop
   * (continueSync), so a long response never builds a chain of promises (memory stays flat).
   */
  private pumpSync(source: readonly unknown[] | Iterator<unknown>): Promise<void> | undefined {
    this.syncSource = source;
    return this.continueGeneral();
  }

  private async continueSync(wait: Promise<void>): Promise<void> {
    try {
      for (;;) {
        await wait;
        if (this.abortReason !== undefined) return await this.cleanUp();
        const next = this.sendAvailable();
        if (next === DONE) break;
        wait = next;
      }
    } catch (error) {
      return await this.fail(error);
    }
    return await this.finish();
  }

  /** Sends chunks of the sync body until it ends (DONE) or the transport asks to wait. */
  private sendAvailable(): Promise<void> | typeof DONE {
    while (!this.complete) {
      const chunk = this.pullSync();
      if (chunk === DONE) return DONE;
      const step = this.emit(chunk);
      if (step !== CONTINUE) return step;
    }
    return DONE;
  }

  private pullSync(): unknown {
    const source = this.syncSource as readonly unknown[] | Iterator<unknown>;
    if (Array.isArray(source)) return this.index < source.length ? source[this.index++] : DONE;
    let next: IteratorResult<unknown>;
    try {
      next = (source as Iterator<unknown>).next();
    } catch (error) {
      this.exhausted = true;
      throw error;
    }
    if (next.done === true) {
      this.exhausted = true;
      return DONE;
    }
    if (isThenable(next.value)) {
      throw new ProtocolError(
        'N-91',
        'the body is a sync iterable that yielded a Promise; make it an async iterable (async function*) instead',
      );
    }
    return next.value;
  }

  /**
   * An async body. A body parked in next() forever (a stream waiting for events) must not keep
   * the exchange from settling once the client left: one race for the whole exchange, never one
   * per chunk (a race per chunk against a promise that never settles piles up reactions).
   */
  private pumpAsyncBody(iterator: AsyncIterator<unknown>): Promise<void> {
    const released = new Promise<void>((resolve) => (this.settleOnAbort = resolve));
    return Promise.race([this.pumpAsync(iterator), released]);
  }

  private async pumpAsync(iterator: AsyncIterator<unknown>): Promise<void> {
    try {
      while (!this.complete) {
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
        } catch (error) {
          this.exhausted = true;
          throw error;
        }
        if (this.abortReason !== undefined) return await this.cleanUp();
        if (next.done === true) {
          this.exhausted = true;
          break;
        }
        const step = this.emit(next.value);
        if (step !== CONTINUE) await step;
      }
      return await this.finish();
    } catch (error) {
      return await this.fail(error);
    }
  }

  /** One yielded value: checked, then sent (or discarded where the response has no body). */
  private emit(chunk: unknown): Step {
    if (!(chunk instanceof Uint8Array)) {
      throw new ProtocolError(
        'N-9',
        `the body yielded ${show(chunk)}; body chunks must be Uint8Array (encode text to bytes first)`,
      );
    }
    // N-92: empty chunks are skipped and do not send the headers.
    if (chunk.byteLength === 0) return CONTINUE;
    if (!this.headersSent) {
      if (this.status === undefined) {
        throw new ProtocolError('N-66', 'the body yielded data before a successful startResponse()');
      }
      // N-64 (a): the first non-empty chunk sends the headers.
      this.sendHeaders();
    }
    // N-100, N-103: HEAD, 204 and 304 carry no body; sendHeaders marked them complete.
    if (this.complete) return CONTINUE;
    if (this.contentLength >= 0 && this.sent + chunk.byteLength > this.contentLength) {
      // N-93, D-N21: send what was declared, drop the excess, stop iterating.
      this.report(
        new ProtocolError('N-93', `the body went past its Content-Length of ${this.contentLength} bytes; the excess was dropped`),
      );
      return this.send(chunk.subarray(0, this.contentLength - this.sent), true);
    }
    return this.send(chunk, true);
  }

  /**
   * Hands bytes to the transport; backpressure turns into a Promise (N-85, D-N7). A chunk that
   * completes the declared length ends the response with it when `last` allows (one call to the
   * transport instead of two, measurably cheaper on node:http).
   */
  private send(bytes: Uint8Array, last: boolean): Step {
    this.sent += bytes.byteLength;
    if (this.sent === this.contentLength) this.complete = true;
    let ready: boolean;
    try {
      if (this.complete && last) {
        this.ended = true;
        this.sink.end(bytes);
        return CONTINUE;
      }
      ready = this.sink.write(bytes);
    } catch (error) {
      // A transport that throws has lost its client.
      this.clientAborted(asError(error));
      throw error;
    }
    if (ready) return CONTINUE;
    this.watchClient();
    return this.sink.drained();
  }

  /** N-64: status and headers go out only now, with the framing decided here (D-N22). */
  private sendHeaders(): void {
    this.headersSent = true;
    const code = this.code;
    let headers = this.headers;
    this.framing = framingOf(this.isHead, code, this.contentLength, this.knownLength, this.sink.canChunk);
    if (this.framing === 'length' && this.contentLength < 0) {
      // N-96: add to a copy, so an app that reuses one header array is not changed. Sized once:
      // a push onto slice() would grow the copy by sixteen slots for one header.
      const count = headers.length;
      const withLength: HeaderList = new Array<[string, string]>(count + 1);
      for (let i = 0; i < count; i++) withLength[i] = headers[i] as [string, string];
      withLength[count] = ['Content-Length', String(this.knownLength)];
      headers = withLength;
      this.contentLength = this.knownLength;
    } else if (code === 204 && this.contentLength >= 0) {
      // RFC 9110 §8.6: a 204 must not carry Content-Length (N-100).
      headers = headers.filter(([name]) => name.length !== 14 || name.toLowerCase() !== 'content-length');
    }
    if (this.framing === 'none' || this.contentLength === 0) this.complete = true;
    this.sink.sendHead({ status: this.status as string, code, headers, framing: this.framing });
  }

  // ---------------------------------------------------------------------------------------------
  // Endings: finish, fail, client abort, close (§11, §13)

  private finish(): Promise<void> | undefined {
    if (this.abortReason !== undefined) return this.cleanUp();
    // The last chunk already ended the response (send).
    if (this.ended) return this.cleanUp();
    if (!this.headersSent) {
      if (this.status === undefined) {
        return this.fail(new ProtocolError('N-68', 'the body ended but startResponse() was never called successfully'));
      }
      // N-64 (c): an exhausted body with nothing sent sends the headers now.
      this.sendHeaders();
    }
    this.ended = true;
    if (!this.complete && this.contentLength >= 0) {
      // N-94, D-N21: fewer bytes than declared; the client must see a truncated response.
      const error = new ProtocolError(
        'N-94',
        `the body ended after ${this.sent} of its declared Content-Length of ${this.contentLength} bytes; the connection was cut`,
      );
      this.report(error);
      this.sink.abort(error);
    } else {
      this.sink.end();
    }
    return this.cleanUp();
  }

  /** N-75: log the error; D-N24: 500 if nothing was sent, else cut the connection. */
  private fail(error: unknown): Promise<void> | undefined {
    if (this.abortReason !== undefined) {
      // The client left; an error caused by that is no news, anything else still gets logged.
      if (error !== this.abortReason) this.logError('application error after the client disconnected', error);
      return this.cleanUp();
    }
    this.logError(error instanceof RequestError ? `request error, answered ${error.status}` : 'application error', error);
    this.tell(error);
    if (!this.ended) {
      this.ended = true;
      try {
        if (!this.headersSent) {
          this.sendErrorResponse(error);
        } else if (this.complete) {
          // Every declared byte already went out: the response is whole, so end it properly.
          this.sink.end();
        } else {
          this.sink.abort(asError(error));
        }
      } catch (sinkError) {
        this.logError('the transport failed while ending the response', sinkError);
      }
    }
    return this.cleanUp();
  }

  /** D-N24: a 500 without details; the status an HttpError names (a 4xx for a RequestError). */
  private sendErrorResponse(error: unknown): void {
    this.headersSent = true;
    if (error instanceof HttpError) sendStatusResponse(this.sink, error.status, this.isHead);
    else sendStatusResponse(this.sink, 500, this.isHead, this.options?.errorBody);
  }

  private clientAborted(reason: Error): void {
    if (this.ended || this.abortReason !== undefined) return;
    this.abortReason = reason;
    // Release the body now rather than at its next chunk (N-88, N-89).
    if (this.body === undefined) return;
    const closing = this.cleanUp();
    const settle = this.settleOnAbort;
    if (settle !== undefined) (closing ?? RESOLVED).then(settle, settle);
  }

  /**
   * `return()` on an unfinished iterator, then `close()`: once each, errors logged (N-88, N-89,
   * D-N6). `close()` does not wait for `return()`: an async generator parked in an `await` only
   * settles `return()` after that await, which may be never once the client has gone.
   */
  private cleanUp(): Promise<void> | undefined {
    if (this.closed) return this.closing;
    this.closed = true;
    const body = this.body;
    if (body === undefined) return undefined;
    let stopping: Promise<void> | undefined;
    if (this.iterator !== undefined && !this.exhausted) {
      this.exhausted = true;
      try {
        const result: unknown = this.iterator.return?.();
        if (isThenable(result)) stopping = Promise.resolve(result).then(noop, (e: unknown) => this.logError('the body iterator failed to stop', e));
      } catch (error) {
        this.logError('the body iterator failed to stop', error);
      }
    }
    let closed: Promise<void> | undefined;
    try {
      const result: unknown = body.close?.();
      if (isThenable(result)) closed = Promise.resolve(result).then(noop, (e: unknown) => this.logError('close() failed', e));
    } catch (error) {
      this.logError('close() failed', error);
    }
    // Wait for return() too when the client is still there, so the exchange settles after the
    // body's finally blocks ran.
    if (stopping !== undefined && this.abortReason === undefined) {
      this.closing = closed === undefined ? stopping : Promise.all([stopping, closed]).then(noop);
    } else {
      this.closing = closed;
    }
    return this.closing;
  }

  // ---------------------------------------------------------------------------------------------
  // Logging to wsgi.errors (N-75)

  /**
   * The request as a log line names it: the raw target the client sent (REQUEST_URI, ASCII,
   * as an access log shows it), else the path percent-encoded per byte, so that `/café` reads
   * `/caf%C3%A9` rather than the latin-1 view of its bytes, `/cafÃ©`.
   */
  private target(): string {
    const raw = this.environ.REQUEST_URI;
    if (typeof raw === 'string' && raw !== '') return raw;
    return quotePath(String(this.environ.SCRIPT_NAME ?? '') + String(this.environ.PATH_INFO ?? ''));
  }

  private log(message: string): void {
    try {
      (this.errors ?? process.stderr).write(`tsgi: ${String(this.method)} ${this.target()}: ${message}\n`);
    } catch {
      // Logging must never take the process down.
    }
  }

  /** A fault of the app that does not stop the exchange: logged, and told to onError. */
  private report(error: ProtocolError): void {
    this.log(error.message);
    this.tell(error);
  }

  private tell(error: unknown): void {
    try {
      this.options?.onError?.(error);
    } catch (hookError) {
      this.logError('the onError hook failed', hookError);
    }
  }

  private logError(what: string, error: unknown): void {
    const detail =
      error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `a non-Error was thrown: ${show(error)}`;
    this.log(`${what}: ${detail}`);
  }
}

function noop(): void {}

/**
 * Marks a Promise handed to the app as handled: Python apps ignore write()'s result, and an
 * unawaited rejection (client gone) must not become an unhandled rejection that ends the process.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(noop);
  return promise;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(`a non-Error was thrown: ${show(value)}`);
}

/** N-9, D-N4: an iterable of chunks; strings and byte arrays are iterable but are not bodies. */
function isBody(value: unknown): value is Body {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  return (
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' ||
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}
