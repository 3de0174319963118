/**
 * The `wsgi.input` wrapper (VALIDATOR.md V-36…V-40, V-77). It checks how the app calls the
 * stream and what the server's stream returns, and passes the calls through unchanged.
 *
 * Only the four members of the interface (and `close`, to refuse it) exist on the wrapper:
 * using any other member fails with a `TypeError`, the JS form of wsgiref's `AttributeError`.
 *
 * @module
 */

import { show } from '../checks';
import type { InputStreamLike } from '../types';
import type { Reporter } from './report';
import type { RuleId } from './rules';

/** N-39: `read()`, `read(undefined)` and `read(-1)` all mean "the rest". */
function isSizeArgument(size: unknown): boolean {
  return size === undefined || (Number.isInteger(size) && (size as number) >= -1);
}

export class ValidatedInput implements InputStreamLike {
  readonly #inner: InputStreamLike;
  readonly #report: Reporter;
  /** CONTENT_LENGTH as a number (0 when absent: no length means no body), -1 when unreadable. */
  readonly #limit: number;
  /** `wsgi.input_terminated`: the stream ends by itself, so CONTENT_LENGTH does not bound it. */
  readonly #terminated: boolean;
  #bytesRead = 0;
  #overReadReported = false;

  constructor(report: Reporter, inner: InputStreamLike, environ: Record<string, unknown>) {
    this.#inner = inner;
    this.#report = report;
    const length = environ['CONTENT_LENGTH'];
    this.#limit =
      length === undefined || length === '' ? 0 : typeof length === 'string' && /^[0-9]{1,15}$/.test(length) ? Number(length) : -1;
    this.#terminated = environ['wsgi.input_terminated'] === true;
  }

  async read(...args: unknown[]): Promise<Uint8Array> {
    const report = this.#report;
    const size = args[0];
    if (report.profile === 'wsgiref') {
      // V-36: wsgiref demands exactly one argument (stricter than N-39).
      if (args.length !== 1) report.fail('V-36', `wsgi.input.read() takes exactly one argument (a size), got ${args.length}`);
    } else if (args.length > 1) {
      report.fail('V-36', `wsgi.input.read() takes one argument (a size), got ${args.length}`);
    } else if ((size === undefined || size === -1) && !this.#terminated) {
      // V-36 (N-38, §7): without wsgi.input_terminated the stream need not end by itself.
      report.fail(
        'V-36',
        'wsgi.input.read() without a size, and wsgi.input_terminated is not true: the stream may never end; ' +
          'read at most CONTENT_LENGTH bytes',
      );
    }
    // V-37 (N-39): a size is an integer, -1 or undefined meaning "the rest".
    if (report.profile === 'default' && !isSizeArgument(size)) {
      report.fail('V-37', `wsgi.input.read() got the size ${show(size)}; pass an integer >= 0, or nothing for the rest`);
    }
    const value = await Reflect.apply(this.#inner.read, this.#inner, args);
    return this.#received(value, 'wsgi.input.read()', 'V-37');
  }

  readline(...args: unknown[]): Promise<Uint8Array> {
    return this.#readline(args, 'V-37', 'wsgi.input.readline()');
  }

  async readlines(...args: unknown[]): Promise<Uint8Array[]> {
    const report = this.#report;
    // V-38 (N-42): an optional hint.
    if (args.length > 1) report.fail('V-38', `wsgi.input.readlines() takes at most one argument (a hint), got ${args.length}`);
    const lines: unknown = await Reflect.apply(this.#inner.readlines, this.#inner, args);
    if (!Array.isArray(lines)) {
      report.fail('V-38', `wsgi.input.readlines() resolved to ${show(lines)}, not an Array of Uint8Array (server bug)`);
      return lines as Uint8Array[];
    }
    for (const line of lines) this.#received(line, 'wsgi.input.readlines()', 'V-38');
    return lines as Uint8Array[];
  }

  /** V-39 (N-43): iteration yields lines; like wsgiref, it goes through readline(). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const line = await this.#readline([], 'V-39', 'iterating wsgi.input');
      if (!(line instanceof Uint8Array) || line.byteLength === 0) return;
      yield line;
    }
  }

  /** V-40 (N-44): the server owns the stream. */
  close(): unknown {
    this.#report.fail('V-40', 'the app called wsgi.input.close(); the server owns the stream, stop reading instead');
    const close = (this.#inner as { close?: unknown }).close;
    return typeof close === 'function' ? Reflect.apply(close, this.#inner, []) : undefined;
  }

  async #readline(args: unknown[], rule: RuleId, what: string): Promise<Uint8Array> {
    const report = this.#report;
    // V-37 (N-41): an optional size.
    if (args.length > 1) report.fail('V-37', `wsgi.input.readline() takes at most one argument (a size), got ${args.length}`);
    if (report.profile === 'default' && !isSizeArgument(args[0])) {
      report.fail('V-37', `wsgi.input.readline() got the size ${show(args[0])}; pass an integer >= 0, or nothing`);
    }
    const value = await Reflect.apply(this.#inner.readline, this.#inner, args);
    return this.#received(value, what, rule);
  }

  /** Checks a value the server's stream produced and counts it (V-37…V-39, V-77). */
  #received(value: unknown, what: string, rule: RuleId): Uint8Array {
    if (!(value instanceof Uint8Array)) {
      this.#report.fail(rule, `${what} produced ${show(value)}, not a Uint8Array (server bug: N-36)`);
      return value as Uint8Array;
    }
    this.#bytesRead += value.byteLength;
    // V-77 (N-38): without wsgi.input_terminated the app bounds its reads by CONTENT_LENGTH.
    if (!this.#terminated && this.#limit >= 0 && this.#bytesRead > this.#limit && !this.#overReadReported) {
      this.#overReadReported = true;
      this.#report.fail(
        'V-77',
        `the app read ${this.#bytesRead} bytes from wsgi.input, more than CONTENT_LENGTH (${this.#limit}) and wsgi.input_terminated ` +
          'is not true; stop reading after CONTENT_LENGTH bytes',
      );
    }
    return value;
  }
}
