/**
 * What a bytes app hands back (VALIDATOR.md V-92…V-97, V-102): the `[status, headers, body]`
 * tuple, checked, with its body wrapped for the server.
 *
 * The tuple stays a genuine Array of three holding the app's own status and headers; only the
 * body is replaced, by the native validator's body wrapper (result.ts, body.ts), which keeps
 * the body's kind: an Array stays an Array with an own `close`, a sync iterable stays sync, an
 * async iterable stays async. Servers frame differently by kind.
 *
 * @module
 */

import type { BytesResponse } from '../types';
import { Invocation } from '../../native/validate/invocation';
import { wrapResult } from '../../native/validate/result';
import { closeQuietly, isStringOrBytes } from '../../native/validate/values';
import { checkBytesHeaders, checkBytesStatus } from './head';
import type { NativePartsReporter } from './native-parts';
import type { BytesReporter } from './report';
import { describe, showBytes } from './show';

/** What the checks of one request share. */
export interface ResponseContext {
  readonly report: BytesReporter;
  /** The native body parts report through it (native-parts.ts). */
  readonly native: NativePartsReporter;
  /** REQUEST_METHOD as the server passed it, latin-1 (apps may change environ afterwards). */
  readonly method: string | undefined;
}

/** Who produced the value being checked, for the messages. */
export type Source = 'the app' | "the app's Promise" | 'the poller';

/**
 * V-94 (B-1): the order of the PEP's examples. Element 0 is the body (anything but bytes),
 * element 1 the status bytes, element 2 the header Array.
 */
export function isBodyFirst(tuple: readonly unknown[]): boolean {
  return !(tuple[0] instanceof Uint8Array) && tuple[1] instanceof Uint8Array && Array.isArray(tuple[2]);
}

function returned(source: Source): string {
  return source === "the app's Promise" ? "the app's Promise fulfilled with" : `${source} returned`;
}

/** V-92 / V-93: why `result` is not a tuple, and what to return instead. */
function shapeMessage(result: unknown, source: Source): string {
  const got = `${returned(source)} ${describe(result)}`;
  if (typeof result === 'function') {
    return `${got}; a Promise must fulfil with [status, headers, body] itself. To poll, return the function, not a Promise of it`;
  }
  if (Array.isArray(result)) {
    return `${got}, an Array of ${result.length}; return exactly three elements: [status, headers, body]`;
  }
  if (typeof result === 'object' && result !== null && ('status' in result || 'body' in result)) {
    return `${got}; return the Array [status, headers, body], not an object (D-B2)`;
  }
  if (source === 'the poller') {
    return `${got}; a poller returns null or undefined until the response is ready, then [status, headers, body]`;
  }
  return `${got}; a bytes app returns the Array [status, headers, body] (or a Promise of it)`;
}

/** V-94 (B-1): the validator's best-known message, so it says everything at once. */
function bodyFirstMessage(tuple: readonly unknown[], source: Source): string {
  const [body, status, headers] = tuple;
  return (
    `${returned(source)} its response body-first, [body, status, headers]: got ${describe(tuple, 3)}. ` +
    "That is the order of PEP 444's code examples (\"return body, status, headers\"), but the PEP's specification " +
    'text requires (status, headers, body), and so does tsgi; the examples were never corrected before the PEP was deferred. ' +
    `Reorder it: return [status, headers, body], here [${showBytes(status as Uint8Array)}, ${describe(headers, 2)}, ${describe(body, 1)}]`
  );
}

/** V-97 (B-26): the body is an iterable of chunks. Returns false when it is not. */
function checkBody(report: BytesReporter, body: unknown): boolean {
  let problem: string | undefined;
  if (body === undefined || body === null || body === false) {
    problem = `the body (the third element) is ${describe(body)}; use [] for an empty body`;
  } else if (body instanceof Uint8Array) {
    problem = `the body is ${describe(body)} itself; a body is an iterable of chunks, so wrap it: [bytes]`;
  } else if (isStringOrBytes(body)) {
    problem = `the body is ${describe(body)}; a body is an iterable of Uint8Array chunks, e.g. [Buffer.from(text, "utf8")]`;
  } else {
    const iterable = body as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
    const isObject = typeof body === 'object' || typeof body === 'function';
    if (!isObject || (typeof iterable[Symbol.iterator] !== 'function' && typeof iterable[Symbol.asyncIterator] !== 'function')) {
      problem = `the body is ${describe(body)}, which is not iterable; return an Array, an iterable or an async iterable of Uint8Array`;
    }
  }
  if (problem === undefined) return true;
  report.fail('V-97', problem);
  return false;
}

/**
 * Checks one result (the app's, its Promise's value, or a poller's non-null value) and returns
 * what the server gets: the tuple with its body wrapped, or, when a check only warned about
 * the tuple itself, the result untouched. A check that throws closes the body first: the server
 * will never see it (B-29).
 */
export function checkResponse(ctx: ResponseContext, result: unknown, source: Source): unknown {
  const { report } = ctx;
  // V-92 (B-23, D-B2); V-93 for a poller's value (B-62).
  if (!Array.isArray(result) || result.length !== 3) {
    report.fail(source === 'the poller' ? 'V-93' : 'V-92', shapeMessage(result, source));
    return result;
  }
  const tuple = result as unknown[];
  if (isBodyFirst(tuple)) {
    try {
      report.fail('V-94', bodyFirstMessage(tuple, source));
    } catch (error) {
      closeQuietly(tuple[0]);
      throw error;
    }
    return result;
  }
  const [status, headers, body] = tuple;
  let inv: Invocation;
  try {
    const code = checkBytesStatus(report, status);
    const head = checkBytesHeaders(report, headers, code);
    if (!checkBody(report, body)) return result;
    inv = new Invocation(ctx.native, { REQUEST_METHOD: ctx.method });
    inv.head = head;
  } catch (error) {
    closeQuietly(body);
    throw error;
  }
  // wrapResult closes the body itself when one of its checks throws.
  const response: BytesResponse = [status as Uint8Array, headers as BytesResponse[1], wrapResult(inv, body)];
  return response;
}
