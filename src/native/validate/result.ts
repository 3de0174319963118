/**
 * What the app returned (VALIDATOR.md V-42, V-43, V-68) and the body the server gets back.
 *
 * The body keeps its kind so the server behaves as it would without the validator: an Array
 * stays a genuine Array (the one-element Content-Length rule, N-96, still applies), a sync
 * iterable stays sync and an async iterable stays async (D-N4, N-91).
 *
 * @module
 */

import { show } from '../checks';
import type { Body } from '../types';
import { BodyObserver } from './body';
import type { Invocation } from './invocation';
import { closeQuietly, isStringOrBytes } from './values';

type Method = (...args: unknown[]) => unknown;

function method(target: unknown, key: PropertyKey): Method | undefined {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) return undefined;
  const value: unknown = (target as Record<PropertyKey, unknown>)[key];
  return typeof value === 'function' ? (value as Method) : undefined;
}

/**
 * Checks the app's (awaited) result and returns the body to hand to the server. When a check
 * throws, the app's body is closed first: the server will never see it (N-88).
 */
export function wrapResult(inv: Invocation, result: unknown): Body {
  try {
    return observeResult(inv, result);
  } catch (error) {
    closeQuietly(result);
    throw error;
  }
}

function observeResult(inv: Invocation, result: unknown): Body {
  const { report } = inv;
  // V-42 (N-9, N-10): a body, if only an empty Array.
  if (result === undefined || result === null || result === false) {
    report.fail('V-42', `the app returned ${show(result)}; return an iterable body, if only an empty Array []`);
    return result as unknown as Body;
  }
  // V-43 (N-9): strings and buffers are JS-iterable but would be sent one character or
  // number at a time.
  if (isStringOrBytes(result)) {
    report.fail('V-43', `the app returned ${show(result)} as its body; return an Array holding one Uint8Array instead, e.g. [bytes]`);
    return result as Body;
  }
  // V-68 (N-9): a Node Readable that yields strings or objects (the only properties read here).
  const stream = result as { readableObjectMode?: unknown; readableEncoding?: unknown };
  if (stream.readableObjectMode === true || typeof stream.readableEncoding === 'string') {
    report.fail(
      'V-68',
      'the app returned a Readable in object mode or with an encoding set, which yields strings or objects; ' +
        'return a binary stream (no setEncoding, no objectMode)',
    );
  }
  if (Array.isArray(result)) return copyArrayBody(inv, result);
  const asyncIterate = method(result, Symbol.asyncIterator);
  if (asyncIterate !== undefined) return wrapAsyncBody(inv, result as object, asyncIterate);
  const iterate = method(result, Symbol.iterator);
  if (iterate !== undefined) return wrapSyncBody(inv, result as object, iterate);
  // Not iterable at all: wsgiref fails in iter() (we call it V-42 there); the default profile
  // names it V-68.
  report.fail(
    report.profile === 'wsgiref' ? 'V-42' : 'V-68',
    `the app returned ${show(result)}, which is not iterable; return an Array, an iterable or an async iterable of Uint8Array`,
  );
  return result as Body;
}

/**
 * An Array body: a genuine Array copy whose chunks are checked now (the app has returned, so
 * nothing can change them), with an own `close` that records the call and forwards it.
 */
function copyArrayBody(inv: Invocation, body: unknown[]): Body {
  const observer = new BodyObserver(inv, body, 'array');
  const copy: unknown[] = [];
  for (let i = 0; i < body.length; i++) {
    const chunk = body[i];
    observer.onChunk(chunk);
    copy.push(chunk);
  }
  observer.onEnd();
  Object.defineProperty(copy, 'close', {
    value: function closeBody(): unknown {
      return observer.close();
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  observer.track(copy);
  return copy as Body;
}

/** A sync iterable: `[Symbol.iterator]` and `close`, one pass, checked chunk by chunk. */
function wrapSyncBody(inv: Invocation, body: object, iterate: Method): Body {
  const observer = new BodyObserver(inv, body, 'sync');
  let iterator: Iterator<Uint8Array> | undefined;
  const wrapper = {
    [Symbol.iterator]: function iterateBody(): Iterator<Uint8Array> {
      iterator ??= observeSync(observer, Reflect.apply(iterate, body, []) as Iterator<unknown>);
      return iterator;
    },
    close: function closeBody(): unknown {
      return observer.close();
    },
  };
  observer.track(wrapper);
  return wrapper;
}

function observeSync(observer: BodyObserver, inner: Iterator<unknown>): Iterator<Uint8Array> {
  const iterator: IterableIterator<Uint8Array> = {
    next: function nextChunk(...args: unknown[]): IteratorResult<Uint8Array> {
      observer.enterNext();
      let result: IteratorResult<unknown>;
      try {
        result = Reflect.apply(inner.next, inner, args) as IteratorResult<unknown>;
      } catch (error) {
        observer.leaveNext();
        observer.threw();
        throw error;
      }
      observer.leaveNext();
      observeResultOf(observer, result);
      return result as IteratorResult<Uint8Array>;
    },
    // N-89: a server that stops early lets the iterator clean up (finally blocks, streams).
    return: function stopBody(...args: unknown[]): IteratorResult<Uint8Array> {
      const stop = method(inner, 'return');
      return stop !== undefined ? (Reflect.apply(stop, inner, args) as IteratorResult<Uint8Array>) : { done: true, value: args[0] };
    },
    [Symbol.iterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** An async iterable: `[Symbol.asyncIterator]` and `close`; preferred when both exist (N-91). */
function wrapAsyncBody(inv: Invocation, body: object, iterate: Method): Body {
  const observer = new BodyObserver(inv, body, 'async');
  let iterator: AsyncIterator<Uint8Array> | undefined;
  const wrapper = {
    [Symbol.asyncIterator]: function iterateBody(): AsyncIterator<Uint8Array> {
      iterator ??= observeAsync(observer, Reflect.apply(iterate, body, []) as AsyncIterator<unknown>);
      return iterator;
    },
    close: function closeBody(): unknown {
      return observer.close();
    },
  };
  observer.track(wrapper);
  return wrapper;
}

function observeAsync(observer: BodyObserver, inner: AsyncIterator<unknown>): AsyncIterator<Uint8Array> {
  const iterator: AsyncIterableIterator<Uint8Array> = {
    next: async function nextChunk(...args: unknown[]): Promise<IteratorResult<Uint8Array>> {
      observer.enterNext();
      let result: IteratorResult<unknown>;
      try {
        result = (await Reflect.apply(inner.next, inner, args)) as IteratorResult<unknown>;
      } catch (error) {
        observer.leaveNext();
        observer.threw();
        throw error;
      }
      observer.leaveNext();
      observeResultOf(observer, result);
      return result as IteratorResult<Uint8Array>;
    },
    // N-89: stopping early lets the iterator clean up (e.g. destroys a Readable).
    return: async function stopBody(...args: unknown[]): Promise<IteratorResult<Uint8Array>> {
      const stop = method(inner, 'return');
      return stop !== undefined
        ? ((await Reflect.apply(stop, inner, args)) as IteratorResult<Uint8Array>)
        : { done: true, value: args[0] };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Feeds one `IteratorResult` to the observer; a non-object is left for the server to refuse. */
function observeResultOf(observer: BodyObserver, result: IteratorResult<unknown>): void {
  if (typeof result !== 'object' || result === null) return;
  if (result.done) observer.onEnd();
  else observer.onChunk(result.value);
}
