/**
 * Choosing how a response body is delimited (D-N22). A pure function, so every gateway frames
 * the same way and the decision can be tested without a socket.
 *
 * @module
 */

import type { Framing } from './sink';

export interface FramingFacts {
  /** The request was HEAD (N-103). */
  isHead: boolean;
  /** The status code (already 200-599, D-N18). */
  code: number;
  /** The app's Content-Length, or -1. */
  contentLength: number;
  /** The length of a one-element Array body with no `write()` (N-96), or -1. */
  knownLength: number;
  /** The client speaks HTTP/1.1 and accepts chunked coding (N-97). */
  canChunk: boolean;
}

/** True when the response carries no body whatever the app yields (RFC 9110 §9.3.2, §15.3.5, §15.4.5). */
export function hasNoBody(isHead: boolean, code: number): boolean {
  return isHead || code === 204 || code === 304;
}

export function chooseFraming(facts: FramingFacts): Framing {
  return framingOf(facts.isHead, facts.code, facts.contentLength, facts.knownLength, facts.canChunk);
}

/** {@link chooseFraming} with its facts as arguments: the lifecycle's per-response call makes no object. */
export function framingOf(isHead: boolean, code: number, contentLength: number, knownLength: number, canChunk: boolean): Framing {
  if (hasNoBody(isHead, code)) return 'none';
  if (contentLength >= 0 || knownLength >= 0) return 'length';
  // N-95, N-97: without a length, chunk for HTTP/1.1 clients; HTTP/1.0 ones read until close.
  return canChunk ? 'chunked' : 'close';
}
