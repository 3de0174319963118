/**
 * `toNativeApp(bytesApp)`: a PEP 444 app as a PEP 3333 one, so every native gateway and
 * middleware can run it (BYTES.md B-82). Nothing is lost: the environ crosses the latin-1
 * tunnel, and the response's bytes become native strings code unit for byte.
 *
 * @example
 * const bytesHello: BytesApp = () => [Buffer.from('200 OK'), [[Buffer.from('Content-Type'), Buffer.from('text/plain')]], [Buffer.from('hi')]];
 * await serve(toNativeApp(bytesHello));
 *
 * @module
 */

import { type BufferOptions, bufferBody, type BufferedBody } from '../bytes/buffered-input';
import { checkBytesResponse, type PollOptions, settleBytesResult } from '../bytes/response';
import type { BytesApp, BytesEnviron } from '../bytes/types';
import type { Body, Environ, NativeApp, StartResponse } from '../native/types';
import { nativeToBytesEnviron } from './environ';
import { isThenable } from '../native/thenable';

export interface ToNativeAppOptions extends PollOptions, BufferOptions {
  /**
   * D-B4: a body of unknown length (a chunked upload) is read first, so the app gets a
   * CONTENT_LENGTH (`'buffer'`, the default, as B-8 requires); or passed on as it arrives with
   * no CONTENT_LENGTH and `tsgi.input_terminated: true` (`'stream'`, an extension).
   */
  chunkedBodies?: 'buffer' | 'stream';
}

/**
 * A new body that iterates `body` (async when it can, N-91) and whose close() closes it, then
 * runs `after`. The app's own object is never changed.
 */
function wrapBody(body: Body, after?: () => Promise<void>): Body {
  const wrapped: Body =
    typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function'
      ? { [Symbol.asyncIterator]: () => (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]() }
      : { [Symbol.iterator]: () => (body as Iterable<Uint8Array>)[Symbol.iterator]() };
  if (typeof body.close === 'function' || after !== undefined) {
    wrapped.close = async () => {
      try {
        await body.close?.();
      } finally {
        await after?.();
      }
    };
  }
  return wrapped;
}

/**
 * B-14: a bytes server must not compute Content-Length from the body. A native server does
 * for a one-element Array (N-96), so when the app declared no length such a body is handed
 * over as a plain iterable instead. With a declared length the Array goes as it is: the
 * native side then only checks the one against the other (N-93, N-94), and keeps its fast
 * path for the most common response.
 */
function withoutComputedLength(body: Body, declaredLength: number): Body {
  return declaredLength < 0 && Array.isArray(body) && body.length === 1 ? wrapBody(body) : body;
}

function respond(result: unknown, startResponse: StartResponse): Body {
  const { head, body } = checkBytesResponse(result);
  // B-82: the tunnel the other way; the native side checks them again (N-54…N-62).
  startResponse(head.status, head.headers);
  return withoutComputedLength(body, head.contentLength);
}

/**
 * Runs a bytes app for `bytesEnviron` and answers through a native `startResponse`: the core
 * of toNativeApp, also used by the bytes test client, which hands the app its own environ.
 */
export function respondWithBytesApp(
  app: BytesApp,
  bytesEnviron: BytesEnviron,
  startResponse: StartResponse,
  options: PollOptions = {},
): Body | Promise<Body> {
  const result = settleBytesResult(app(bytesEnviron), options);
  if (isThenable(result)) return Promise.resolve(result).then((settled) => respond(settled, startResponse));
  return respond(result, startResponse);
}

export function toNativeApp(app: BytesApp, options: ToNativeAppOptions = {}): NativeApp {
  const streamChunked = options.chunkedBodies === 'stream';
  const run = (bytesEnviron: BytesEnviron, startResponse: StartResponse) => respondWithBytesApp(app, bytesEnviron, startResponse, options);

  async function runBuffered(environ: Environ, startResponse: StartResponse): Promise<Body> {
    const buffered: BufferedBody = await bufferBody(environ['wsgi.input'], options);
    let body: Body;
    try {
      body = await run(nativeToBytesEnviron(environ, { input: buffered.input, contentLength: buffered.length }), startResponse);
    } catch (error) {
      await buffered.release();
      throw error;
    }
    // The temporary file goes when the server is done with the response (N-88).
    return wrapBody(body, buffered.release);
  }

  return function nativeFromBytes(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    // D-B4: no CONTENT_LENGTH but a body framed to its end: a chunked upload.
    if (environ.CONTENT_LENGTH === undefined && environ['wsgi.input_terminated'] === true && hasChunkedBody(environ)) {
      if (!streamChunked) return runBuffered(environ, startResponse);
      return run(nativeToBytesEnviron(environ, { inputTerminated: true }), startResponse);
    }
    return run(nativeToBytesEnviron(environ), startResponse);
  };
}

/** Our gateways set wsgi.input_terminated for every request; only a chunked one has an unknown length. */
function hasChunkedBody(environ: Environ): boolean {
  const coding = environ.HTTP_TRANSFER_ENCODING;
  return typeof coding === 'string' && coding !== '';
}
