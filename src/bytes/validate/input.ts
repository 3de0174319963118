/**
 * The `web3.input` wrapper (VALIDATOR.md V-100). It checks the server's stream against PEP
 * 444's length-delimited reads (B-8, B-38) and passes every call through unchanged.
 *
 * Unlike the native wrapper it checks the server, not the app: in Web3 `read()` without a size
 * is required and bounded (B-8, B-69), so the native V-36 warning does not apply, and VALIDATOR
 * §3 has no row for the app's use of the stream.
 *
 * @module
 */

import { bytesToNative } from '../../codecs/latin1';
import type { InputStreamLike } from '../../native/types';
import type { BytesReporter } from './report';
import { describe } from './show';

/** The extension key of our opt-in streaming mode (D-B4): no CONTENT_LENGTH, read to EOF. */
export const INPUT_TERMINATED_KEY = 'tsgi.input_terminated';

/** A size the app asked for, or undefined for "the rest" (`read()`, `read(-1)`). */
function sizeOf(args: readonly unknown[]): number | undefined {
  const size = args[0];
  return Number.isInteger(size) && (size as number) >= 0 ? (size as number) : undefined;
}

export class ValidatedBytesInput implements InputStreamLike {
  readonly #inner: InputStreamLike;
  readonly #report: BytesReporter;
  /** CONTENT_LENGTH: a number, `null` when absent (or empty), undefined when unreadable (V-87). */
  readonly #length: number | null | undefined;
  /** D-B4: the server opted into streaming; without CONTENT_LENGTH the stream ends by itself. */
  readonly #terminated: boolean;
  #bytesRead = 0;
  #reported = false;

  constructor(report: BytesReporter, inner: InputStreamLike, environ: Record<string, unknown>) {
    this.#inner = inner;
    this.#report = report;
    const length = environ['CONTENT_LENGTH'];
    const text = length instanceof Uint8Array ? bytesToNative(length) : undefined;
    this.#length = length === undefined || text === '' ? null : text !== undefined && /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined;
    this.#terminated = environ[INPUT_TERMINATED_KEY] === true;
  }

  async read(...args: unknown[]): Promise<Uint8Array> {
    const remaining = this.#remaining();
    const value: unknown = await Reflect.apply(this.#inner.read, this.#inner, args);
    const size = sizeOf(args);
    const what = size === undefined ? 'web3.input.read()' : `web3.input.read(${size})`;
    if (value instanceof Uint8Array && size !== undefined && value.byteLength > size) {
      this.#fail(`${what} returned ${value.byteLength} bytes, more than the ${size} asked for; return at most size bytes`);
    }
    return this.#received(value, what, remaining);
  }

  async readline(...args: unknown[]): Promise<Uint8Array> {
    const remaining = this.#remaining();
    const value: unknown = await Reflect.apply(this.#inner.readline, this.#inner, args);
    const size = sizeOf(args);
    // B-7, B-38 (2): unlike WSGI, Web3 servers MUST honour readline's size.
    if (value instanceof Uint8Array && size !== undefined && value.byteLength > size) {
      this.#fail(
        `web3.input.readline(${size}) returned ${value.byteLength} bytes: the size was ignored; ` +
          'a Web3 server must support readline(size) and return at most size bytes (B-7)',
      );
    }
    return this.#received(value, size === undefined ? 'web3.input.readline()' : `web3.input.readline(${size})`, remaining);
  }

  async readlines(...args: unknown[]): Promise<Uint8Array[]> {
    const remaining = this.#remaining();
    const lines: unknown = await Reflect.apply(this.#inner.readlines, this.#inner, args);
    if (!Array.isArray(lines)) {
      this.#fail(`web3.input.readlines() resolved to ${describe(lines)}, not an Array of Uint8Array`);
      return lines as Uint8Array[];
    }
    let count = 0;
    for (const line of lines) {
      if (!(line instanceof Uint8Array)) {
        this.#fail(`web3.input.readlines() produced ${describe(line)} among its lines, not a Uint8Array`);
        return lines as Uint8Array[];
      }
      count += line.byteLength;
    }
    this.#counted(count, 'web3.input.readlines()', remaining);
    return lines as Uint8Array[];
  }

  /** B-38 (4): iteration yields lines. The server's own iterator runs, each line is checked. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    const inner = Reflect.apply(this.#inner[Symbol.asyncIterator], this.#inner, []) as AsyncIterator<unknown>;
    try {
      for (;;) {
        const remaining = this.#remaining();
        const step = await inner.next();
        if (step.done === true) return;
        yield this.#received(step.value, 'iterating web3.input', remaining);
      }
    } finally {
      await inner.return?.();
    }
  }

  /** The app must not close the stream (B-38), but §3 has no rule for it: forwarded as is. */
  close(): unknown {
    const close = (this.#inner as { close?: unknown }).close;
    return typeof close === 'function' ? Reflect.apply(close, this.#inner, []) : undefined;
  }

  /** Bytes CONTENT_LENGTH still allows: a number, Infinity when unbounded, 0 without a length. */
  #remaining(): number {
    if (this.#length === undefined) return Infinity;
    if (this.#length === null) return this.#terminated ? Infinity : 0;
    return Math.max(0, this.#length - this.#bytesRead);
  }

  /** Checks a chunk or line the server's stream produced. */
  #received(value: unknown, what: string, remaining: number): Uint8Array {
    // B-38 (4): read, readline and iteration return bytes.
    if (!(value instanceof Uint8Array)) {
      this.#fail(`${what} produced ${describe(value)}, not a Uint8Array`);
      return value as Uint8Array;
    }
    this.#counted(value.byteLength, what, remaining);
    return value;
  }

  /** V-100 (B-8): the stream never gives more than CONTENT_LENGTH, and nothing without one. */
  #counted(count: number, what: string, remaining: number): void {
    this.#bytesRead += count;
    if (count <= remaining) return;
    if (this.#length === null) {
      this.#fail(
        `${what} returned ${count} bytes although the environ has no CONTENT_LENGTH; without a length web3.input must be empty ` +
          `(B-8), unless the server opts into streaming with ${INPUT_TERMINATED_KEY}: true (D-B4)`,
      );
    } else {
      this.#fail(
        `${what} returned ${count} bytes, but only ${remaining} of CONTENT_LENGTH ${this.#length ?? '?'} remained; ` +
          'web3.input must stop at CONTENT_LENGTH and simulate EOF there (B-8)',
      );
    }
  }

  /** Reports once per request: after the first failure the stream's counts mean little. */
  #fail(message: string): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#report.fail('V-100', `${message} (server bug)`);
  }
}
