/**
 * `toBytesApp(nativeApp)`: a PEP 3333 app as a PEP 444 one (BYTES.md B-83). The native app's
 * `startResponse` and `write()` are captured, and the `[status, headers, body]` response is
 * produced where a native server would send its headers (N-64): at the first non-empty chunk,
 * at the first `write()`, or at the end of the body. Until then the app may still change its
 * mind with `excInfo` (N-70); afterwards `excInfo` is re-thrown (N-71).
 *
 * A sync app with a sync body gives its response synchronously; otherwise a Promise.
 *
 * @example
 * const bytesApp = toBytesApp(nativeApp);
 * const [status, headers, body] = await bytesApp(bytesEnviron);
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { BytesApp, BytesEnviron, BytesHeaderList, BytesResponse } from '../bytes/types';
import { inspectHeaders, isProblem, SERVER_RULE_OF_CHECK as RULE_OF, show, statusCode, statusProblem } from '../native/checks';
import { ProtocolError } from '../native/errors';
import type { Body, HeaderList, NativeApp, StartResponse, Write } from '../native/types';
import { bytesToNativeEnviron } from './environ';
import { isThenable } from '../native/thenable';

const DONE: unique symbol = Symbol('done');
type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

function isBody(value: unknown): value is Body {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  return typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function checkedChunk(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new ProtocolError('N-9', `the body yielded ${show(chunk)}; body chunks must be Uint8Array (encode text to bytes first)`);
}

export function toBytesApp(app: NativeApp): BytesApp {
  return function bytesFromNative(environ: BytesEnviron): BytesResponse | Promise<BytesResponse> {
    return new Capture(environ).run(app);
  };
}

/** One request of the native app, captured until it can be returned as a bytes response. */
class Capture {
  private readonly isHead: boolean;
  private startCalled = false;
  private status: string | undefined;
  private headers: HeaderList = [];
  private delivered = false;
  private appReturned = false;
  private wrote = false;
  /** write() data not yet taken by the body's reader. */
  private readonly queued: Uint8Array[] = [];
  /** The reader waiting for write() data or the app's return. */
  private wake: (() => void) | undefined;
  private body: Body | undefined;
  private iterator: AnyIterator | undefined;
  private exhausted = false;
  private closed = false;
  /** The first chunk pulled from the body, sent after the queued writes. */
  private first: Uint8Array | undefined;
  private deliver: ((response: BytesResponse) => void) | undefined;
  /** The response once made: a sync app that wrote before returning gets it back from here. */
  private tuple: BytesResponse | undefined;

  constructor(private readonly environ: BytesEnviron) {
    this.isHead = isHead(environ.REQUEST_METHOD);
  }

  run(app: NativeApp): BytesResponse | Promise<BytesResponse> {
    const startResponse: StartResponse = (status, headers, excInfo) => this.start(status, headers, excInfo);
    const native = bytesToNativeEnviron(this.environ);
    const result = app(native, startResponse);
    if (isThenable(result)) {
      return new Promise<BytesResponse>((resolve, reject) => {
        this.deliver = resolve;
        // A write() before the app's first await already made the response.
        if (this.tuple !== undefined) resolve(this.tuple);
        Promise.resolve(result).then(
          (body) => {
            let response: BytesResponse | undefined;
            try {
              response = this.returned(body);
            } catch (error) {
              this.closeQuietly();
              // After a write() delivered the response, the body's reader is the one to fail.
              if (this.delivered) this.failReader(error);
              else reject(error);
              return;
            }
            if (response !== undefined) resolve(response);
            else this.firstChunkAsync().then((r) => r !== undefined && resolve(r), reject);
          },
          (error: unknown) => {
            this.appReturned = true;
            // An app that fails after its response was delivered fails the body's reader.
            if (this.delivered) this.failReader(error);
            else reject(error);
          },
        );
      });
    }
    let response: BytesResponse | undefined;
    try {
      response = this.returned(result);
    } catch (error) {
      this.closeQuietly();
      throw error;
    }
    if (response !== undefined) return response;
    return this.firstChunkAsync().then((r) => r ?? (this.tuple as BytesResponse));
  }

  // ---------------------------------------------------------------------------------------------
  // startResponse and write(), with the native lifecycle's rules (N-63…N-83)

  private start(status: string, headers: HeaderList, excInfo: unknown): Write {
    if (excInfo !== undefined) {
      if (this.delivered) throw excInfo; // N-71, B-83
    } else if (this.startCalled) {
      throw new ProtocolError('N-67', 'startResponse() was called a second time without excInfo');
    }
    this.startCalled = true;
    this.status = undefined;
    const bad = statusProblem(status);
    if (bad !== undefined) throw new ProtocolError(RULE_OF[bad.check], bad.message);
    const facts = inspectHeaders(headers);
    if (isProblem(facts)) throw new ProtocolError(RULE_OF[facts.check], facts.message);
    this.status = status;
    this.headers = headers;
    return (chunk) => this.write(chunk);
  }

  private write(chunk: Uint8Array): Promise<void> {
    if (this.status === undefined) throw new ProtocolError('N-68', 'write() was called before a successful startResponse()');
    if (this.appReturned) throw new ProtocolError('N-82', 'write() was called after the application returned; yield the chunk instead');
    if (!(chunk instanceof Uint8Array)) throw new ProtocolError('N-123', `write() takes a Uint8Array, got ${show(chunk)}`);
    this.wrote = true;
    if (chunk.byteLength > 0) this.queued.push(chunk);
    // B-83 (b): the first write() delivers the response; its body begins with the written data.
    if (!this.delivered) {
      const response = this.response(false);
      this.deliver?.(response);
    }
    this.wake?.();
    return Promise.resolve();
  }

  // ---------------------------------------------------------------------------------------------
  // The native app returned: find where the response begins

  /** Returns the response when it can be made synchronously, else undefined. */
  private returned(body: unknown): BytesResponse | undefined {
    this.appReturned = true;
    if (!isBody(body)) {
      throw new ProtocolError('N-9', `the application must return an iterable of Uint8Array chunks, got ${show(body)}`);
    }
    this.body = body;
    if (this.wrote) {
      // The response began with the written data; the body's reader goes on with this body.
      this.iterator =
        typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
          ? (body as AsyncIterable<unknown>)[Symbol.asyncIterator]()
          : (body as Iterable<unknown>)[Symbol.iterator]();
      // The bytes body was closed while the app still ran: this body is released now (N-88).
      if (this.closed) this.release().catch(() => undefined);
      this.wake?.();
      // Delivered by a write() during the app call: a sync caller takes the response from here.
      return this.deliver === undefined ? this.tuple : undefined;
    }
    if (Array.isArray(body)) {
      const chunks = body as unknown[];
      // N-96: a one-element Array without write() gets its length, as a native server gives it.
      const knownLength = chunks.length === 1 && chunks[0] instanceof Uint8Array;
      for (let i = 0; i < chunks.length; i++) {
        const chunk = checkedChunk(chunks[i]);
        if (chunk.byteLength === 0) continue;
        this.iterator = chunks.slice(i + 1)[Symbol.iterator]();
        this.first = chunk;
        return this.response(knownLength);
      }
      this.exhausted = true;
      return this.response(knownLength);
    }
    if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      this.iterator = (body as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      return undefined;
    }
    const iterator = (body as Iterable<unknown>)[Symbol.iterator]();
    this.iterator = iterator;
    // A sync body: pull up to its first non-empty chunk now (N-66: startResponse may come in it).
    for (;;) {
      const next = this.pullSync(iterator);
      if (next === DONE) return this.response(false);
      if (next.byteLength === 0) continue;
      this.first = next;
      return this.response(false);
    }
  }

  /** An async body: the response comes with its first non-empty chunk or its end. */
  private async firstChunkAsync(): Promise<BytesResponse | undefined> {
    const iterator = this.iterator as AsyncIterator<unknown>;
    try {
      for (;;) {
        if (this.delivered) return undefined;
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
        } catch (error) {
          this.exhausted = true;
          throw error;
        }
        if (this.delivered) {
          // A write() delivered the response meanwhile; keep what was pulled for the reader.
          if (next.done === true) this.exhausted = true;
          else this.first = checkedChunk(next.value);
          return undefined;
        }
        if (next.done === true) {
          this.exhausted = true;
          return this.response(false);
        }
        const chunk = checkedChunk(next.value);
        if (chunk.byteLength === 0) continue;
        this.first = chunk;
        return this.response(false);
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private pullSync(iterator: Iterator<unknown>): Uint8Array | typeof DONE {
    let next: IteratorResult<unknown>;
    try {
      next = iterator.next();
    } catch (error) {
      this.exhausted = true;
      throw error;
    }
    if (next.done === true) {
      this.exhausted = true;
      return DONE;
    }
    if (isThenable(next.value)) throw new ProtocolError('N-91', 'the body is a sync iterable that yielded a Promise');
    return checkedChunk(next.value);
  }

  /** The tuple, once: status and headers as bytes (N-64: this is when they count as sent). */
  private response(knownLength: boolean): BytesResponse {
    if (this.status === undefined) {
      throw new ProtocolError(this.first === undefined ? 'N-68' : 'N-66', 'the body began or ended before a successful startResponse()');
    }
    this.delivered = true;
    const headers: BytesHeaderList = this.headers.map(([name, value]) => [Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')]);
    const code = statusCode(this.status);
    if (knownLength && !this.isHead && code !== 204 && code !== 304 && !hasContentLength(this.headers)) {
      const only = (this.body as Uint8Array[])[0] as Uint8Array;
      headers.push([CONTENT_LENGTH, Buffer.from(String(only.byteLength), 'latin1')]);
    }
    this.tuple = [Buffer.from(this.status, 'latin1'), headers, this.responseBody()];
    return this.tuple;
  }

  // ---------------------------------------------------------------------------------------------
  // The response's body: written data, the first chunk, then the rest of the native body

  private responseBody(): Body {
    const capture = this;
    const syncBody = this.appReturned && !this.wrote && !isAsyncBody(this.body);
    const close = () => capture.close();
    if (syncBody) {
      return {
        *[Symbol.iterator]() {
          if (capture.first !== undefined) {
            const first = capture.first;
            capture.first = undefined;
            yield first;
          }
          const iterator = capture.iterator as Iterator<unknown> | undefined;
          if (iterator === undefined || capture.exhausted) return;
          for (;;) {
            const next = capture.pullSync(iterator);
            if (next === DONE) return;
            yield next;
          }
        },
        close,
      };
    }
    return {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const queued = capture.queued.shift();
          if (queued !== undefined) {
            yield queued;
            continue;
          }
          // The app failed after the response was delivered: after its written data, whether
          // or not this reader was waiting when it failed.
          if (capture.failure !== undefined) throw capture.failure;
          if (!capture.appReturned) {
            await new Promise<void>((resolve) => (capture.wake = resolve));
            capture.wake = undefined;
            continue;
          }
          break;
        }
        if (capture.first !== undefined) {
          const first = capture.first;
          capture.first = undefined;
          yield first;
        }
        const iterator = capture.iterator;
        if (iterator === undefined || capture.exhausted) return;
        for (;;) {
          let next: IteratorResult<unknown>;
          try {
            next = await iterator.next();
          } catch (error) {
            capture.exhausted = true;
            throw error;
          }
          if (next.done === true) {
            capture.exhausted = true;
            return;
          }
          if (isThenable(next.value)) throw new ProtocolError('N-91', 'the body is a sync iterable that yielded a Promise');
          yield checkedChunk(next.value);
        }
      },
      close,
    };
  }

  private failure: unknown;

  private failReader(error: unknown): void {
    this.failure = error;
    this.wake?.();
  }

  private closeQuietly(): void {
    this.close().catch(() => undefined);
  }

  /** N-88, N-89: return() on an unfinished iterator, then close(), once. */
  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }

  /**
   * return() and close() are both called before either is awaited, as the native lifecycle's
   * clean-up does: an async generator parked in an `await` settles return() only after that
   * await, maybe never, and close() must not wait for it.
   */
  private async release(): Promise<void> {
    const iterator = this.iterator;
    let stopping: unknown;
    if (iterator !== undefined && !this.exhausted) {
      this.exhausted = true;
      try {
        stopping = iterator.return?.();
      } catch (error) {
        stopping = Promise.reject(error);
      }
    }
    let closing: unknown;
    try {
      closing = this.body?.close?.();
    } catch (error) {
      closing = Promise.reject(error);
    }
    await Promise.all([stopping, closing]);
  }
}

const CONTENT_LENGTH = Buffer.from('Content-Length', 'latin1');

/** The method is HEAD (N-103): compared as bytes, without making a string. */
function isHead(method: unknown): boolean {
  return method instanceof Uint8Array && method.byteLength === 4 && method[0] === 0x48 && method[1] === 0x45 && method[2] === 0x41 && method[3] === 0x44;
}

function hasContentLength(headers: HeaderList): boolean {
  return headers.some(([name]) => name.length === 14 && name.toLowerCase() === 'content-length');
}

function isAsyncBody(body: Body | undefined): boolean {
  return body !== undefined && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}
