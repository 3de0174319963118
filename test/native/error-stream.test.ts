import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { ErrorStream } from '../../src/native/error-stream';

/** A writable that keeps what it receives and reports a full buffer after `highWaterMark` bytes. */
function sink(highWaterMark: number) {
  const received: string[] = [];
  const callbacks: (() => void)[] = [];
  const writable = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      received.push(chunk);
      callbacks.push(callback); // completes only when the test says so
    },
  });
  const release = () => {
    for (const callback of callbacks.splice(0)) callback();
  };
  return { writable, received, release };
}

describe('ErrorStream', () => {
  it('N-47: write() forwards text to a function target unchanged', () => {
    const out: string[] = [];
    const errors = new ErrorStream((text) => out.push(text));
    errors.write('first line\n');
    errors.write('Grüße 🌍\n');
    expect(out).toEqual(['first line\n', 'Grüße 🌍\n']);
  });

  it('D-N12: no newline conversion', () => {
    const errors = ErrorStream.collecting();
    errors.write('a\nb\r\nc\r');
    expect(errors.text).toBe('a\nb\r\nc\r');
  });

  it('N-48: lone surrogates are accepted and replaced with U+FFFD on output', () => {
    const errors = ErrorStream.collecting();
    errors.write('bad \uD800 pair \uDC00 end, good \uD83D\uDE00');
    expect(errors.text).toBe('bad \uFFFD pair \uFFFD end, good \uD83D\uDE00');

    const out: string[] = [];
    new ErrorStream((text) => out.push(text)).write('x\uDBFF');
    expect(out).toEqual(['x\uFFFD']);
  });

  it('N-47: a non-string argument to write() is a TypeError', () => {
    const errors = ErrorStream.collecting();
    for (const bad of [new Uint8Array([104, 105]), 42, null, undefined, { toString: () => 'x' }]) {
      expect(() => errors.write(bad as unknown as string)).toThrow(TypeError);
    }
    expect(() => errors.write(new Uint8Array(1) as unknown as string)).toThrow(/decode bytes first\), got Uint8Array\(1\)/);
    expect(errors.text).toBe('');
  });

  it('writelines() writes each string as is, without adding separators', () => {
    const out: string[] = [];
    const errors = new ErrorStream((text) => out.push(text));
    errors.writelines(['one\n', 'two', '\n']);
    errors.writelines(new Set(['three\n']));
    errors.writelines([]);
    expect(out.join('')).toBe('one\ntwo\nthree\n');
  });

  it('writelines() rejects non-strings with a TypeError and writes nothing of that call', () => {
    const errors = ErrorStream.collecting();
    expect(() => errors.writelines(['ok\n', 7 as unknown as string])).toThrow(TypeError);
    expect(() => errors.writelines(5 as unknown as string[])).toThrow(/iterable of strings/);
    expect(errors.text).toBe('');
  });

  it('N-49: flush() is a no-op (returns nothing) for a function target', () => {
    const errors = new ErrorStream(() => undefined);
    errors.write('x');
    expect(errors.flush()).toBeUndefined();
    expect(ErrorStream.collecting().flush()).toBeUndefined();
  });

  it('writes to a Node writable, and flush() returns nothing while its buffer is not full', () => {
    const { writable, received } = sink(1024);
    const errors = new ErrorStream(writable);
    errors.write('hello\n');
    expect(received).toEqual(['hello\n']);
    expect(errors.flush()).toBeUndefined();
  });

  it('D-N12: flush() returns a Promise that resolves on drain when the writable buffered data', async () => {
    const { writable, received, release } = sink(4);
    const errors = new ErrorStream(writable);
    errors.write('more than four bytes\n');
    errors.write('second\n');
    const flushed = errors.flush();
    expect(flushed).toBeInstanceOf(Promise);
    let settled = false;
    void (flushed as Promise<void>).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    for (let i = 0; i < 100 && (received.length < 2 || !settled); i++) {
      release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(received).toEqual(['more than four bytes\n', 'second\n']);
    expect(errors.flush()).toBeUndefined();
  });

  it('flush() resolves when the writable is closed before it drains', async () => {
    const { writable } = sink(1);
    const errors = new ErrorStream(writable);
    errors.write('stuck');
    const flushed = errors.flush();
    expect(flushed).toBeInstanceOf(Promise);
    writable.destroy();
    await expect(flushed).resolves.toBeUndefined();
  });

  it('N-51: writes to process.stderr by default', () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      new ErrorStream().write('to stderr\n');
      expect(spy).toHaveBeenCalledWith('to stderr\n');
    } finally {
      spy.mockRestore();
    }
  });

  it('collecting() keeps everything written, in order', () => {
    const errors = ErrorStream.collecting();
    errors.write('a');
    errors.writelines(['b', 'c']);
    errors.write('\n');
    expect(errors.text).toBe('abc\n');
  });
});
