/**
 * Watches one response body as the server consumes it (VALIDATOR.md V-44…V-47, V-68…V-76):
 * the chunks, the iteration protocol, `close()`, and the byte counts against the headers.
 * result.ts builds the wrappers that feed it; this file holds the checks.
 *
 * @module
 */

import { show } from '../checks';
import type { Invocation } from './invocation';
import { isThenable } from '../thenable';

/** How the body reaches the server: an Array copy (checked when the app returns) or an iterator. */
export type BodyKind = 'array' | 'sync' | 'async';

/**
 * Representation metadata a 304 should not repeat (V-76, RFC 9110 §15.4.5, Werkzeug's entity
 * headers); Expires and Content-Location are allowed.
 */
const ENTITY_HEADERS = new Set([
  'allow',
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-range',
  'content-type',
  'last-modified',
]);

/**
 * What the registry calls when a body wrapper was garbage-collected (V-47). Exported so tests
 * can call it directly: collection timing cannot be forced reliably.
 */
export function reportUnclosedBody(observer: BodyObserver): void {
  observer.reportIfUnclosed();
}

/**
 * Bodies handed to the server and not closed yet. Like wsgiref's `__del__`, this assumes the
 * server keeps the body until it calls `body.close()` (N-88), which it must do to call it.
 */
const unclosedBodies = new FinalizationRegistry<BodyObserver>(reportUnclosedBody);

export class BodyObserver {
  readonly #inv: Invocation;
  /** The app's body; `close()` is forwarded to it. */
  readonly #original: object;
  readonly #kind: BodyKind;
  #closeCalls = 0;
  #pendingNext = 0;
  #firstChunkSeen = false;
  #firstBytesSeen = false;
  /** The iterator reported `done` (or, for an Array, always). */
  #ended = false;

  constructor(inv: Invocation, original: object, kind: BodyKind) {
    this.#inv = inv;
    this.#original = original;
    this.#kind = kind;
  }

  /** Registers the object the server gets, for V-47. */
  track(wrapper: object): void {
    unclosedBodies.register(wrapper, this, this);
  }

  /** Before the inner `next()`: V-44, V-71. Throws (strict) before counting the call. */
  enterNext(): void {
    const { report } = this.#inv;
    // V-44 (N-88): close() ends the body.
    if (this.#closeCalls > 0) {
      report.fail('V-44', 'the server called next() on the body after close(); stop iterating once the body is closed (server bug)');
    }
    // V-71 (N-85): one chunk at a time, sent before the next is requested.
    if (this.#pendingNext > 0) {
      report.fail('V-71', 'the server called next() while the previous next() was still pending; await each chunk (server bug)');
    }
    this.#pendingNext++;
    this.#inv.pendingNext++;
  }

  /** After the inner `next()` returned or threw. */
  leaveNext(): void {
    this.#pendingNext--;
    this.#inv.pendingNext--;
  }

  /** The inner `next()` threw: that error reaches the server, as N-72 wants. */
  threw(): void {
    this.#inv.propagated();
  }

  /** Checks one chunk the body produced (V-45/V-70, V-46/V-69, V-68, V-73). */
  onChunk(chunk: unknown): void {
    const inv = this.#inv;
    const { report } = inv;
    inv.checkNotTrapped('the body');
    // V-68 (N-91): a sync iterator yields chunks, not Promises of chunks.
    if (this.#kind !== 'async' && isThenable(chunk)) {
      report.fail('V-68', 'a sync body yielded a Promise; yield Uint8Array chunks, or make the body an async iterable');
    }
    // V-45 / V-70 (N-9, N-123): Uint8Array (or Buffer) only.
    if (!(chunk instanceof Uint8Array)) {
      report.fail(
        report.profile === 'wsgiref' ? 'V-45' : 'V-70',
        `the body yielded ${show(chunk)}, not a Uint8Array; encode text first, e.g. Buffer.from(text, "utf8")`,
      );
    }
    // V-46 (wsgiref): startResponse before the first chunk, even an empty one.
    if (!this.#firstChunkSeen) {
      this.#firstChunkSeen = true;
      if (!inv.started) {
        report.fail('V-46', 'the body produced a chunk before startResponse was called; call startResponse first');
      }
    }
    if (!(chunk instanceof Uint8Array) || chunk.byteLength === 0) return;
    // V-69 (N-66, N-68): startResponse before the first non-empty chunk. Empty chunks may come
    // first: middleware yields them while it waits (N-108).
    if (!this.#firstBytesSeen) {
      this.#firstBytesSeen = true;
      if (!inv.started) {
        report.fail('V-69', 'the body produced its first non-empty chunk before startResponse was called; call startResponse first');
      }
    }
    inv.addBytes(chunk.byteLength, 'a body chunk');
    // N-64 (a): the first non-empty chunk handed to the server sends the headers. An Array's
    // chunks are only checked here; the server has not taken them yet.
    if (this.#kind !== 'array') inv.headersSent = true;
  }

  /** The body ended (V-69, V-63). */
  onEnd(): void {
    const inv = this.#inv;
    inv.checkNotTrapped('the body');
    this.#ended = true;
    // V-69 (N-68): an empty body still needs a status.
    if (!inv.started) {
      inv.report.fail('V-69', 'the body ended without startResponse ever being called; call startResponse(status, headers) before returning');
    }
  }

  /** The server's `close()`: recorded, forwarded to the app's body, then V-72, V-74…V-76. */
  close(): unknown {
    this.#closeCalls++;
    if (this.#closeCalls > 1) {
      // V-72 (N-88, D-N6): exactly once. Still forwarded: the validator changes nothing.
      this.#inv.report.fail('V-72', `the server called close() on the body ${this.#closeCalls} times; call it exactly once (server bug)`);
    } else {
      unclosedBodies.unregister(this);
    }
    try {
      const close = (this.#original as { close?: unknown }).close;
      return typeof close === 'function' ? Reflect.apply(close, this.#original, []) : undefined;
    } finally {
      if (this.#closeCalls === 1) this.#checkLengths();
    }
  }

  /** V-47 (N-88): the wrapper was collected without close(). */
  reportIfUnclosed(): void {
    if (this.#closeCalls > 0) return;
    try {
      this.#inv.report.fail(
        'V-47',
        'a response body was garbage-collected without close() being called; the server must call close() on every body (N-88)',
      );
    } catch {
      // A throwing onWarning must not turn garbage collection into an uncaught exception.
    }
  }

  /** At close: the bytes against the head (V-74, V-75, V-76), as Werkzeug's lint does. */
  #checkLengths(): void {
    const inv = this.#inv;
    const { report, head } = inv;
    if (head === undefined) return;
    const { code, headers, contentLength } = head;
    const bytes = inv.bytesOut;
    const noContent = (code >= 100 && code < 200) || code === 204;
    if (noContent || code === 304) {
      // V-75 (N-100, RFC 9110 §8.6): these responses carry no content.
      const declared = headers.find(([name]) => name.toLowerCase() === 'content-length');
      if (noContent && declared !== undefined && declared[1] !== '0') {
        report.fail('V-75', `a ${code} response declares Content-Length ${show(declared[1])}; remove the header`);
      }
      if (bytes > 0) {
        report.fail('V-75', `a ${code} response produced ${bytes} body bytes, which the server must drop; send no body`);
      }
    }
    if (code === 304) {
      // V-76 (RFC 9110 §15.4.5): a 304 carries no representation metadata.
      const entity = headers.map(([name]) => name).filter((name) => ENTITY_HEADERS.has(name.toLowerCase()));
      if (entity.length > 0) {
        report.fail('V-76', `a 304 response carries ${entity.map((name) => show(name)).join(', ')}; leave entity headers out of a 304`);
      }
    }
    // V-74 (N-94): fewer bytes than declared. Only for a body read to its end: a server may
    // stop early (client gone, HEAD), which is not the app's fault.
    if (
      this.#ended &&
      contentLength >= 0 &&
      bytes < contentLength &&
      !noContent &&
      code !== 304 &&
      inv.method !== 'HEAD'
    ) {
      report.fail(
        'V-74',
        `the body ended after ${bytes} bytes but Content-Length declared ${contentLength}; send exactly that many bytes or leave the header out`,
      );
    }
  }
}
