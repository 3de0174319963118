/**
 * `wsgi.errors` (PEP 3333 §"Input and Error Streams", NATIVE.md §9): the text stream apps log
 * to.
 *
 * Servers put one {@link ErrorStream} in every environ; by default it writes to
 * `process.stderr` (N-51: that is where output goes unless a target is given). Pass a function
 * to route the text into your own logger, or use {@link ErrorStream.collecting} in tests.
 *
 * @example
 * ```ts
 * const errors = new ErrorStream((text) => logger.warn(text));
 * errors.write('something odd\n');
 *
 * const captured = ErrorStream.collecting();
 * captured.write('hello\n');
 * captured.text; // 'hello\n'
 * ```
 *
 * @module
 */

import type { ErrorStreamLike } from './types';
import { show as describe } from './checks';

/** The piece of a Node writable this class uses; `process.stderr` and `fs.WriteStream` fit. */
type Writable = NodeJS.WritableStream & { writableNeedDrain?: boolean; destroyed?: boolean };

/** `String.prototype.toWellFormed` is in Node 20 but not in the ES2023 lib we compile against. */
interface WellFormable {
  toWellFormed(): string;
}

/**
 * The `wsgi.errors` object. Writes are forwarded immediately (N-49), so `flush()` only has to
 * wait when a writable target reported a full buffer.
 */
export class ErrorStream implements ErrorStreamLike {
  private readonly target: ((text: string) => void) | Writable | undefined;
  /** A writable's last write() returned false: flush() waits for 'drain'. */
  private full = false;

  /** target: a function receiving text, or a Node writable (default `process.stderr`). */
  constructor(target?: ((text: string) => void) | NodeJS.WritableStream) {
    // `process.stderr` is looked up on first write, so building a stream costs nothing.
    this.target = target;
  }

  /**
   * A stream that keeps everything written, for tests: `.text` returns it all (after lone
   * surrogates were replaced, as they would be on output).
   */
  static collecting(): ErrorStream & { readonly text: string } {
    return new CollectingErrorStream();
  }

  /** Write text as is: no newline conversion on POSIX (D-N12). */
  write(text: string): void {
    if (typeof text !== 'string') {
      // N-47: wsgi.errors is a text stream; bytes or objects are an app bug.
      throw new TypeError(`wsgi.errors.write() expects text (decode bytes first), got ${describe(text)}`);
    }
    this.output(wellFormed(text));
  }

  /** Write each string of `lines` (no separators added, as in Python), in one go. */
  writelines(lines: Iterable<string>): void {
    const iterate = (lines as Partial<Iterable<string>> | null | undefined)?.[Symbol.iterator];
    if (typeof iterate !== 'function') {
      throw new TypeError(
        `wsgi.errors.writelines() expects an iterable of strings, got ${describe(lines)}`,
      );
    }
    let text = '';
    for (const line of lines) {
      if (typeof line !== 'string') {
        throw new TypeError(`wsgi.errors.writelines() expects strings, got ${describe(line)}`);
      }
      text += line;
    }
    // One write keeps the lines together when several requests log at once.
    if (text.length > 0) this.output(wellFormed(text));
  }

  /**
   * N-49: writes are already forwarded; the Promise (only when a writable target has buffered
   * data) resolves once it drained, or the target closed (D-N12).
   */
  flush(): void | Promise<void> {
    const target = this.resolveTarget();
    if (typeof target === 'function') return undefined;
    if (!this.full && target.writableNeedDrain !== true) return undefined;
    if (target.destroyed === true) {
      this.full = false;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const done = (error?: unknown): void => {
        target.off('drain', onDrain);
        target.off('close', onDrain);
        target.off('error', onError);
        this.full = false;
        if (error === undefined) resolve();
        else reject(error as Error);
      };
      const onDrain = (): void => done();
      const onError = (error: unknown): void => done(error);
      target.on('drain', onDrain);
      target.on('close', onDrain);
      target.on('error', onError);
    });
  }

  /** Send well-formed text to the target; the collecting stream overrides this to keep it. */
  protected output(text: string): void {
    const target = this.resolveTarget();
    if (typeof target === 'function') target(text);
    else if (!target.write(text)) this.full = true;
  }

  private resolveTarget(): ((text: string) => void) | Writable {
    return this.target ?? (process.stderr as Writable);
  }
}

/** The stream behind {@link ErrorStream.collecting}. */
class CollectingErrorStream extends ErrorStream {
  private collected = '';

  constructor() {
    super(() => undefined);
  }

  get text(): string {
    return this.collected;
  }

  protected override output(text: string): void {
    this.collected += text;
  }
}

/** N-48: any JS string is accepted; lone surrogates become U+FFFD on output. */
function wellFormed(text: string): string {
  return (text as string & WellFormable).toWellFormed();
}
