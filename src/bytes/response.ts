/**
 * What a bytes app returned, made into a checked `[status, headers, body]`: awaited when it is
 * a Promise, polled when it is the PEP's callable (B-62), and refused, naming the rule, when
 * it is not a response. The gateway side of a bytes app uses it; apps never need to.
 *
 * @module
 */

import { type CheckName, checkHeaderList, show, statusProblem } from '../native/checks';
import { HttpError, ProtocolError } from '../native/errors';
import { bytesToNative } from '../codecs/latin1';
import type { Body } from '../native/types';
import type { BytesHeaderList, BytesPoller } from './types';
import { isThenable } from '../native/thenable';

export interface PollOptions {
  /** The longest pause between two calls of a poller, in ms (B-62). Default 50. */
  pollInterval?: number;
  /** Give up on a poller after this many ms with a 503; 0 never gives up. Default 30 s. */
  pollTimeout?: number;
}

/** Which B-rule each status/header check enforces for a bytes app. */
const RULE_OF: Record<CheckName, string> = {
  'status-type': 'B-24',
  'status-latin1': 'B-24',
  'status-format': 'B-45',
  'status-1xx': 'B-45',
  'status-range': 'B-45',
  'headers-type': 'B-25',
  'header-entry': 'B-25',
  'header-type': 'B-25',
  'header-name': 'B-46',
  'header-status': 'B-46',
  'header-value-latin1': 'B-46',
  'header-value-crlf': 'B-46',
  'header-value-ctl': 'B-46',
  'header-hop-by-hop': 'B-49',
  'content-length': 'B-58',
};

/**
 * The response a bytes app returned, or a Promise of it. A poller is called on the next turn
 * of the event loop, then with a growing pause up to `pollInterval`, until it returns
 * something other than null/undefined (B-62).
 */
export function settleBytesResult(result: unknown, options: PollOptions = {}): unknown {
  if (typeof result === 'function') return poll(result as BytesPoller, options);
  return result;
}

function poll(poller: BytesPoller, options: PollOptions): Promise<unknown> {
  const cap = options.pollInterval ?? 50;
  const timeout = options.pollTimeout ?? 30_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let pause = 1;
    const attempt = () => {
      let value: unknown;
      try {
        value = poller();
      } catch (error) {
        reject(error);
        return;
      }
      if (value !== null && value !== undefined) {
        resolve(value);
        return;
      }
      if (timeout > 0 && Date.now() - started >= timeout) {
        reject(new HttpError(503, `the app's poller gave no response within ${timeout} ms (B-62)`));
        return;
      }
      setTimeout(attempt, pause);
      pause = Math.min(pause * 2, cap);
    };
    setImmediate(attempt);
  });
}

/** A body: an iterable that is not a string or bytes (B-26, N-9). */
function isBody(value: unknown): value is Body {
  if (value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  return typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Status and headers as the native strings a native server takes (the latin-1 tunnel). */
export interface NativeHead {
  status: string;
  headers: Array<[string, string]>;
  /** The Content-Length the app declared, or -1 for none (B-14: the server never adds one). */
  contentLength: number;
}

/**
 * Checks a settled result and returns its head as native strings and its body. Throws a
 * ProtocolError naming the B-rule: not a genuine Array of three (B-23, D-B2), the PEP
 * examples' body-first order (B-1), status or headers not bytes or not valid (B-24, B-25,
 * B-45, B-46, B-49), a body that is not an iterable of bytes (B-26).
 */
export function checkBytesResponse(result: unknown): { head: NativeHead; body: Body } {
  if (isThenable(result)) throw new ProtocolError('B-23', 'a poller returned a Promise; a poller must return the response itself, or use an async app');
  if (!Array.isArray(result) || result.length !== 3) {
    throw new ProtocolError(
      'B-23',
      `a bytes app must return [status, headers, body], a genuine Array of three, got ${show(result)}`,
    );
  }
  const [status, headers, body] = result as unknown[];
  // B-1: PEP 444's own examples return (body, status, headers); the PEP's prose, and tsgi, want
  // (status, headers, body). Say so instead of reporting a confusing type error.
  if (!(status instanceof Uint8Array) && headers instanceof Uint8Array && Array.isArray(body)) {
    throw new ProtocolError(
      'B-1',
      'the app returned [body, status, headers], the order of PEP 444\'s examples; return [status, headers, body] instead',
    );
  }
  if (!(status instanceof Uint8Array)) {
    throw new ProtocolError('B-24', `the status must be bytes like Buffer.from('200 OK'), got ${show(status)}`);
  }
  const nativeStatus = bytesToNative(status);
  const badStatus = statusProblem(nativeStatus);
  if (badStatus !== undefined) throw new ProtocolError(RULE_OF[badStatus.check], badStatus.message);
  const nativeHeaders = nativeHeadersOf(headers);
  const contentLength = checkHeaderList(nativeHeaders);
  if (typeof contentLength !== 'number') throw new ProtocolError(RULE_OF[contentLength.check], contentLength.message);
  if (!isBody(body)) {
    throw new ProtocolError(
      'B-26',
      `the body must be an iterable of Uint8Array chunks (an Array, a generator, a stream), got ${show(body)}`,
    );
  }
  return { head: { status: nativeStatus, headers: nativeHeaders, contentLength }, body };
}

function nativeHeadersOf(headers: unknown): Array<[string, string]> {
  if (!Array.isArray(headers)) throw new ProtocolError('B-25', `headers must be an Array of [name, value] byte pairs, got ${show(headers)}`);
  const out: Array<[string, string]> = new Array(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const entry: unknown = (headers as BytesHeaderList)[i];
    if (!Array.isArray(entry) || entry.length !== 2 || !(entry[0] instanceof Uint8Array) || !(entry[1] instanceof Uint8Array)) {
      throw new ProtocolError('B-25', `headers[${i}] must be a pair of Uint8Array, got ${show(entry)}`);
    }
    out[i] = [bytesToNative(entry[0]), bytesToNative(entry[1])];
  }
  return out;
}
