/**
 * The `web3.errors` wrapper (VALIDATOR.md V-101): a text stream, so `write` and `writelines`
 * take strings, never bytes (B-39). Calls pass through unchanged.
 *
 * @module
 */

import type { ErrorStreamLike } from '../../native/types';
import type { BytesReporter } from './report';
import { describe } from './show';

export class ValidatedBytesErrors implements ErrorStreamLike {
  readonly #inner: ErrorStreamLike;
  readonly #report: BytesReporter;

  constructor(report: BytesReporter, inner: ErrorStreamLike) {
    this.#inner = inner;
    this.#report = report;
  }

  write(...args: unknown[]): void {
    this.#checkText(args[0], 'web3.errors.write()');
    Reflect.apply(this.#inner.write, this.#inner, args);
  }

  /** Items are checked one by one and reach the server's writelines() in one call. */
  writelines(...args: unknown[]): void {
    const lines = args[0];
    const iterable = typeof (lines as Iterable<unknown> | null | undefined)?.[Symbol.iterator] === 'function';
    // V-101 (B-39): a sequence of strings. A lone string (or bytes) would be written piece by piece.
    if (!iterable || typeof lines === 'string' || lines instanceof Uint8Array) {
      this.#report.fail('V-101', `web3.errors.writelines() takes an iterable of strings, got ${describe(lines)}`);
      Reflect.apply(this.#inner.writelines, this.#inner, args);
      return;
    }
    // A one-shot iterable (a generator) is read once here and passed on as an Array.
    const items = Array.from(lines as Iterable<unknown>);
    items.forEach((item, i) => this.#checkText(item, `web3.errors.writelines() item ${i}`));
    Reflect.apply(this.#inner.writelines, this.#inner, [items, ...args.slice(1)]);
  }

  flush(): void | Promise<void> {
    return this.#inner.flush();
  }

  /** The app must not close the stream (B-39), but §3 has no rule for it: forwarded as is. */
  close(): unknown {
    const close = (this.#inner as { close?: unknown }).close;
    return typeof close === 'function' ? Reflect.apply(close, this.#inner, []) : undefined;
  }

  #checkText(text: unknown, what: string): void {
    // V-101 (B-39): text only; a server need not accept bytes.
    if (typeof text === 'string') return;
    const fix =
      text instanceof Uint8Array
        ? '; web3.errors is a text stream, decode first, e.g. Buffer.from(bytes).toString("utf8")'
        : '; convert it first, e.g. String(value)';
    this.#report.fail('V-101', `${what} takes a string, got ${describe(text)}${fix}`);
  }
}
