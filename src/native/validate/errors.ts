/**
 * The `wsgi.errors` wrapper (VALIDATOR.md V-40, V-41): text in, no closing. Calls pass
 * through unchanged; any JS string is accepted (N-48), not only latin-1.
 *
 * @module
 */

import { show } from '../checks';
import type { ErrorStreamLike } from '../types';
import type { Reporter } from './report';

export class ValidatedErrors implements ErrorStreamLike {
  readonly #inner: ErrorStreamLike;
  readonly #report: Reporter;

  constructor(report: Reporter, inner: ErrorStreamLike) {
    this.#inner = inner;
    this.#report = report;
  }

  write(...args: unknown[]): void {
    this.#checkText(args[0], 'wsgi.errors.write()');
    Reflect.apply(this.#inner.write, this.#inner, args);
  }

  /** wsgiref checks the items one by one; they reach the server's writelines() in one call. */
  writelines(...args: unknown[]): void {
    const lines = args[0];
    const iterable = typeof (lines as Iterable<unknown> | null | undefined)?.[Symbol.iterator] === 'function';
    // V-41 (N-47): a sequence of strings. A lone string would be written character by character;
    // wsgiref lets that pass, the default profile does not.
    if (!iterable || (typeof lines === 'string' && this.#report.profile === 'default')) {
      this.#report.fail('V-41', `wsgi.errors.writelines() takes an iterable of strings, got ${show(lines)}`);
      Reflect.apply(this.#inner.writelines, this.#inner, args);
      return;
    }
    // A one-shot iterable (a generator) is read once here and passed on as an Array.
    const items = Array.from(lines as Iterable<unknown>);
    items.forEach((item, i) => this.#checkText(item, `wsgi.errors.writelines() item ${i}`));
    Reflect.apply(this.#inner.writelines, this.#inner, [items, ...args.slice(1)]);
  }

  flush(): void | Promise<void> {
    return this.#inner.flush();
  }

  /** V-40 (N-50): the server owns the stream. */
  close(): unknown {
    this.#report.fail('V-40', 'the app called wsgi.errors.close(); the server owns the stream, call flush() instead');
    const close = (this.#inner as { close?: unknown }).close;
    return typeof close === 'function' ? Reflect.apply(close, this.#inner, []) : undefined;
  }

  #checkText(text: unknown, what: string): void {
    // V-41 (N-47, N-48): text, not bytes; String objects are not strings (N-5).
    if (typeof text !== 'string') {
      this.#report.fail('V-41', `${what} takes a string, got ${show(text)}; decode bytes (or String() the value) first`);
    }
  }
}
