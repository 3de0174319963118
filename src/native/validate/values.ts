/**
 * Small predicates over the values apps and servers hand the validator.
 *
 * @module
 */

import { isThenable } from '../thenable';

/** A string or a binary buffer: JS-iterable, but not a body (N-9, V-43). */
export function isStringOrBytes(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    value instanceof String ||
    value instanceof ArrayBuffer ||
    value instanceof SharedArrayBuffer ||
    ArrayBuffer.isView(value)
  );
}

/**
 * Calls `body.close()` when the validator refuses a body the server will never see, so the
 * app's resources are still released (N-88). Its errors are dropped: the refusal is the error
 * the server gets.
 */
export function closeQuietly(body: unknown): void {
  if ((typeof body !== 'object' && typeof body !== 'function') || body === null) return;
  const close = (body as { close?: unknown }).close;
  if (typeof close !== 'function') return;
  try {
    const result: unknown = Reflect.apply(close, body, []);
    if (isThenable(result)) result.then(undefined, () => undefined);
  } catch {
    // See above: the validator's own error is the one to report.
  }
}
