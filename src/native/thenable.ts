/**
 * `isThenable`: whether a value is a Promise or anything with a callable `then`, the test every
 * side of the interface makes on what an app returns (N-11) or yields (N-91).
 *
 * @module
 */

/** Has a callable `then` (N-11: the app returned a Promise; N-91: a chunk that is one). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
