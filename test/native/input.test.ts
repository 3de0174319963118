import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputStream } from '../../src/native/input';

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (text: string): Uint8Array => enc.encode(text);
const text = (data: Uint8Array): string => dec.decode(data);

/** An async source yielding `parts` one by one, with a macrotask between chunks. */
async function* slowChunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await new Promise((resolve) => setImmediate(resolve));
    yield bytes(part);
  }
}

/** A source that records how often its iterator was requested and how many chunks it gave. */
function spySource(parts: string[]) {
  const spy = { iterators: 0, pulls: 0 };
  const source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      spy.iterators++;
      let i = 0;
      return {
        async next() {
          spy.pulls++;
          const part = parts[i++];
          return part === undefined ? { done: true, value: undefined } : { done: false, value: bytes(part) };
        },
      };
    },
  };
  return { source, spy };
}

function stream(parts: string[], length?: number): InputStream {
  const total = parts.reduce((n, p) => n + bytes(p).length, 0);
  return new InputStream(slowChunks(...parts), { length: length ?? total });
}

describe('InputStream.read', () => {
  it('N-40: read(n) returns exactly n bytes across chunk boundaries, short only at end of input', async () => {
    const s = stream(['ab', 'c', 'defg', 'h']);
    expect(text(await s.read(3))).toBe('abc');
    expect(text(await s.read(4))).toBe('defg');
    expect(text(await s.read(5))).toBe('h');
    expect(text(await s.read(5))).toBe('');
  });

  it('N-39: read(), read(undefined), read(-1) and read(null) return the whole rest', async () => {
    for (const call of [
      (s: InputStream) => s.read(),
      (s: InputStream) => s.read(undefined),
      (s: InputStream) => s.read(-1),
      (s: InputStream) => s.read(null as unknown as number),
    ]) {
      const s = stream(['he', 'llo', ' ', 'world']);
      expect(text(await s.read(2))).toBe('he');
      expect(text(await call(s))).toBe('llo world');
      expect((await s.read()).length).toBe(0);
    }
  });

  it('N-36: an exhausted or empty stream resolves with an empty Uint8Array, never null', async () => {
    const s = stream(['x']);
    await s.read();
    for (let i = 0; i < 3; i++) {
      const chunk = await s.read(10);
      expect(chunk).toBeInstanceOf(Uint8Array);
      expect(chunk.length).toBe(0);
    }
    const empty = InputStream.empty();
    expect(await empty.read()).toEqual(new Uint8Array(0));
    expect(await empty.readline()).toEqual(new Uint8Array(0));
    expect(await empty.readlines()).toEqual([]);
  });

  it('read(0) resolves empty without pulling from the source', async () => {
    const { source, spy } = spySource(['abc']);
    const s = new InputStream(source, { length: 3 });
    expect((await s.read(0)).length).toBe(0);
    expect(spy.iterators).toBe(0);
    expect(text(await s.read())).toBe('abc');
  });

  it('rejects sizes that are not integers >= -1 with a TypeError', async () => {
    const s = stream(['abc']);
    for (const bad of [1.5, -2, Number.NaN, Infinity, '3', {}]) {
      await expect(s.read(bad as number)).rejects.toThrow(TypeError);
      await expect(s.readline(bad as number)).rejects.toThrow(/size must be an integer/);
    }
    await expect(s.readlines(0.5)).rejects.toThrow(TypeError);
    // The stream is still usable after a bad call.
    expect(text(await s.read())).toBe('abc');
  });

  it('returns a view of the source chunk when a read fits in one chunk (zero-copy)', async () => {
    const chunk = bytes('0123456789');
    const s = new InputStream([chunk], { length: 10 });
    const part = await s.read(4);
    expect(text(part)).toBe('0123');
    expect(part.buffer).toBe(chunk.buffer);
    expect(text(await s.read(6))).toBe('456789');
  });

  it('accepts a Node Readable with Buffer chunks', async () => {
    const readable = Readable.from([Buffer.from('abc'), Buffer.from('def')], { objectMode: false });
    const s = new InputStream(readable, { length: 6 });
    expect(text(await s.read(4))).toBe('abcd');
    expect(text(await s.read())).toBe('ef');
  });

  it('accepts sync iterables and bare async iterators', async () => {
    const fromArray = new InputStream([bytes('ab'), bytes('cd')], { length: 4 });
    expect(text(await fromArray.read())).toBe('abcd');

    const parts = [bytes('xy'), bytes('z')];
    const iterator: AsyncIterator<Uint8Array> = {
      async next() {
        const value = parts.shift();
        return value === undefined ? { done: true, value: undefined } : { done: false, value };
      },
    };
    const fromIterator = new InputStream(iterator, { terminated: true });
    expect(text(await fromIterator.read())).toBe('xyz');
  });

  it('skips empty chunks from the source', async () => {
    const s = new InputStream([bytes(''), bytes('a'), bytes(''), bytes('b')], { length: 2 });
    expect(text(await s.read(2))).toBe('ab');
  });
});

describe('InputStream bounds and framing', () => {
  it('N-37: never returns bytes past the declared length; the excess is ignored', async () => {
    const s = new InputStream(slowChunks('hello', ' world'), { length: 7 });
    expect(text(await s.read())).toBe('hello w');
    expect((await s.read(1)).length).toBe(0);
    expect(s.ended).toBe(true);

    const lines = new InputStream([bytes('one\ntwo\nthree\n')], { length: 6 });
    expect((await lines.readlines()).map(text)).toEqual(['one\n', 'tw']);
  });

  it('D-N11: without a length, a terminated stream is read to the source end', async () => {
    const s = new InputStream(slowChunks('chunk', 'ed ', 'body'), { terminated: true });
    expect(text(await s.read(100))).toBe('chunked body');
    expect(s.ended).toBe(true);
  });

  it('D-N11: without a length and not terminated, the stream is empty and the source untouched', async () => {
    const { source, spy } = spySource(['ignored']);
    const s = new InputStream(source);
    expect((await s.read()).length).toBe(0);
    expect((await s.readline()).length).toBe(0);
    expect(spy.iterators).toBe(0);
    expect(s.ended).toBe(true);
  });

  it('a length given with terminated still bounds the reads (N-37)', async () => {
    const s = new InputStream([bytes('abcdef')], { length: 3, terminated: true });
    expect(text(await s.read())).toBe('abc');
  });

  it('C-42: rejects when the source ends before the declared length, and keeps rejecting the same way', async () => {
    const s = new InputStream(slowChunks('abc', 'de'), { length: 10 });
    expect(text(await s.read(2))).toBe('ab');
    const error = await s.read(5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/ended after 5 of 10 declared bytes/);
    await expect(s.read(1)).rejects.toBe(error);
    await expect(s.readline()).rejects.toBe(error);
    await expect(s.readlines()).rejects.toBe(error);
    expect(s.ended).toBe(true);
  });

  it('a read that needs the missing bytes rejects even when some are buffered (no silent truncation)', async () => {
    const s = new InputStream([bytes('abc')], { length: 4 });
    await expect(s.read()).rejects.toThrow(/ended after 3 of 4 declared bytes/);
  });

  it('propagates a source error to the read that hit it and to every later read', async () => {
    const boom = new Error('socket reset');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes('ok\n');
      throw boom;
    }
    const s = new InputStream(failing(), { terminated: true });
    expect(text(await s.readline())).toBe('ok\n');
    await expect(s.readline()).rejects.toBe(boom);
    await expect(s.read(1)).rejects.toBe(boom);
    expect(s.ended).toBe(false);
  });

  it('propagates a synchronous throw from a sync iterator', async () => {
    const boom = new Error('sync failure');
    const iterable: Iterable<Uint8Array> = {
      [Symbol.iterator]: () => ({
        next(): IteratorResult<Uint8Array> {
          throw boom;
        },
      }),
    };
    const s = new InputStream(iterable, { length: 1 });
    await expect(s.read()).rejects.toBe(boom);
  });

  it('rejects with a TypeError when the source yields a string or other non-bytes', async () => {
    const strings = new InputStream(['text'] as unknown as Iterable<Uint8Array>, { terminated: true });
    await expect(strings.read()).rejects.toThrow(TypeError);
    await expect(strings.read()).rejects.toThrow(/yielded "text"/);

    // A bare Uint8Array is an iterable of numbers, not of chunks.
    const bare = new InputStream(bytes('ab') as unknown as Iterable<Uint8Array>, { length: 2 });
    await expect(bare.read()).rejects.toThrow(/yielded number 97; expected Uint8Array chunks/);
  });

  it('throws a RangeError for an invalid length', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => new InputStream(null, { length: bad })).toThrow(RangeError);
    }
  });
});

describe('InputStream lines', () => {
  it('N-41: readline() returns up to and including \\n, across chunks, and the last line without one', async () => {
    const s = stream(['fir', 'st\nsec', 'ond\n', '\nlast']);
    expect(text(await s.readline())).toBe('first\n');
    expect(text(await s.readline())).toBe('second\n');
    expect(text(await s.readline())).toBe('\n');
    expect(text(await s.readline())).toBe('last');
    expect(text(await s.readline())).toBe('');
  });

  it('N-41: readline(size) caps the length; -1 and undefined mean no cap', async () => {
    const s = stream(['abcdef\n', 'gh\n', 'ij\n']);
    expect(text(await s.readline(4))).toBe('abcd');
    expect(text(await s.readline(10))).toBe('ef\n');
    expect(text(await s.readline(0))).toBe('');
    expect(text(await s.readline(-1))).toBe('gh\n');
    expect(text(await s.readline(undefined))).toBe('ij\n');
  });

  it('N-42: readlines() returns every line; readlines(hint) stops once the total reaches hint', async () => {
    expect((await stream(['a\nbb\n', 'ccc\nd']).readlines()).map(text)).toEqual(['a\n', 'bb\n', 'ccc\n', 'd']);

    const hinted = stream(['a\nbb\n', 'ccc\nd']);
    expect((await hinted.readlines(3)).map(text)).toEqual(['a\n', 'bb\n']);
    expect((await hinted.readlines()).map(text)).toEqual(['ccc\n', 'd']);

    for (const noHint of [0, -1, -5, undefined]) {
      expect((await stream(['x\ny\n']).readlines(noHint)).map(text)).toEqual(['x\n', 'y\n']);
    }
  });

  it('N-43: async iteration yields lines until EOF', async () => {
    const seen: string[] = [];
    for await (const line of stream(['one\ntw', 'o\nthree'])) seen.push(text(line));
    expect(seen).toEqual(['one\n', 'two\n', 'three']);
  });

  it('reads a long line delivered in many small chunks', async () => {
    const parts = Array.from({ length: 2000 }, () => 'xy');
    parts.push('\nrest');
    const s = new InputStream(parts.map(bytes), { terminated: true });
    const line = await s.readline();
    expect(line.length).toBe(4001);
    expect(line[4000]).toBe(0x0a);
    expect(text(await s.read())).toBe('rest');
  });
});

describe('InputStream queueing (N-45)', () => {
  it('N-45: overlapping reads are served in call order', async () => {
    const s = stream(['ab', 'cd', 'ef']);
    const [a, b, c] = await Promise.all([s.read(2), s.read(2), s.read(2)]);
    expect([a, b, c].map(text)).toEqual(['ab', 'cd', 'ef']);
  });

  it('N-45: mixed overlapping calls keep call order, including a bad call in the middle', async () => {
    const s = stream(['line1\nli', 'ne2\nline3\n', 'tail']);
    const results = await Promise.allSettled([
      s.readline(),
      s.read(3),
      s.read(-7),
      s.readlines(),
      s.read(),
    ]);
    const values = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
    expect(text(values[0] as Uint8Array)).toBe('line1\n');
    expect(text(values[1] as Uint8Array)).toBe('lin');
    expect(values[2]).toBeInstanceOf(TypeError);
    expect((values[3] as Uint8Array[]).map(text)).toEqual(['e2\n', 'line3\n', 'tail']);
    expect(text(values[4] as Uint8Array)).toBe('');
  });

  it('N-45: a failure rejects the read that hit it and the queued ones after it', async () => {
    const s = new InputStream(slowChunks('abc'), { length: 5 });
    const results = await Promise.allSettled([s.read(2), s.read(2), s.read(2)]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: bytes('ab') });
    expect(results[1]?.status).toBe('rejected');
    expect(results[2]?.status).toBe('rejected');
  });
});

describe('InputStream source handling', () => {
  it('obtains the source iterator lazily, on the first read', async () => {
    const { source, spy } = spySource(['abc']);
    const s = new InputStream(source, { length: 3 });
    expect(spy.iterators).toBe(0);
    await s.read(1);
    expect(spy.iterators).toBe(1);
    await s.read();
    expect(spy.iterators).toBe(1);
  });

  it('N-46: onFirstRead runs once, just before the first pull, not on construction', async () => {
    const events: string[] = [];
    const source: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        events.push('pull');
        yield bytes('ab');
        events.push('pull');
        yield bytes('cd');
      },
    };
    const s = new InputStream(source, { length: 4, onFirstRead: () => events.push('continue') });
    expect(events).toEqual([]);
    await s.read(0);
    expect(events).toEqual([]);
    await s.read(1);
    await s.read();
    expect(events).toEqual(['continue', 'pull', 'pull']);
  });

  it('N-46: onFirstRead is not called when the stream is known to be empty', async () => {
    let calls = 0;
    const onFirstRead = () => calls++;
    await new InputStream([bytes('x')], { length: 0, onFirstRead }).read();
    await new InputStream([bytes('x')], { onFirstRead }).readline();
    expect(calls).toBe(0);
  });

  it('does not read ahead: buffering stays bounded while streaming a long body', async () => {
    const chunkSize = 10_007; // misaligned with the read size, so reads span chunks
    const total = 64 * 1024 * 1024;
    let yielded = 0;
    let maxAhead = 0;
    async function* big(): AsyncGenerator<Uint8Array> {
      const chunk = new Uint8Array(chunkSize);
      while (yielded < total) {
        const n = Math.min(chunkSize, total - yielded);
        yielded += n;
        yield n === chunkSize ? chunk : chunk.subarray(0, n);
      }
    }
    const s = new InputStream(big(), { length: total });
    let received = 0;
    for (;;) {
      const part = await s.read(65536);
      if (part.length === 0) break;
      received += part.length;
      maxAhead = Math.max(maxAhead, yielded - s.bytesRead);
    }
    expect(received).toBe(total);
    expect(s.bytesRead).toBe(total);
    expect(maxAhead).toBeLessThan(chunkSize);
  });
});

describe('InputStream server side', () => {
  it('from() holds the bytes with length = bytes.length; empty() has no body', async () => {
    const s = InputStream.from(bytes('abc\ndef'));
    expect(s.ended).toBe(true);
    expect(text(await s.readline())).toBe('abc\n');
    expect(text(await s.read())).toBe('def');
    expect(s.bytesRead).toBe(7);

    expect(() => InputStream.from('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(InputStream.empty().ended).toBe(true);
  });

  it('bytesRead counts bytes handed to the app; ended turns true when the source is exhausted', async () => {
    const s = new InputStream(slowChunks('abc', 'def'), { length: 6 });
    expect(s.bytesRead).toBe(0);
    expect(s.ended).toBe(false);
    await s.read(2);
    expect(s.bytesRead).toBe(2);
    expect(s.ended).toBe(false);
    await s.read(3);
    expect(s.ended).toBe(true); // all declared bytes arrived, one is still buffered
    expect(s.bytesRead).toBe(5);

    const unbounded = new InputStream(slowChunks('abc'), { terminated: true });
    await unbounded.read(3);
    expect(unbounded.ended).toBe(false);
    await unbounded.read(1);
    expect(unbounded.ended).toBe(true);
  });

  it('drain() discards the unread rest and resolves true when it fits in max', async () => {
    const s = new InputStream(slowChunks('abc', 'defgh', 'ij'), { length: 10 });
    await s.read(4);
    expect(await s.drain(6)).toBe(true);
    expect(s.ended).toBe(true);
    expect(s.bytesRead).toBe(4);
    expect((await s.read()).length).toBe(0);
  });

  it('drain() resolves false without reading when a declared rest exceeds max', async () => {
    const { source, spy } = spySource(['abc', 'def']);
    const s = new InputStream(source, { length: 6 });
    expect(await s.drain(5)).toBe(false);
    expect(spy.pulls).toBe(0);
  });

  it('drain() on a terminated stream resolves false once more than max arrived', async () => {
    const long = new InputStream(slowChunks('aaaa', 'bbbb', 'cccc'), { terminated: true });
    expect(await long.drain(6)).toBe(false);

    const short = new InputStream(slowChunks('aaaa', 'bb'), { terminated: true });
    expect(await short.drain(6)).toBe(true);
    expect(short.ended).toBe(true);
  });

  it('drain() resolves true at once for a consumed or empty body', async () => {
    const s = InputStream.from(bytes('abc'));
    expect(await s.drain(0)).toBe(true);
    expect(await InputStream.empty().drain(0)).toBe(true);
    const read = stream(['xy']);
    await read.read();
    expect(await read.drain(0)).toBe(true);
  });

  it('drain() is queued after pending app reads', async () => {
    const s = stream(['ab', 'cd', 'ef']);
    const [first, drained] = await Promise.all([s.read(3), s.drain(100)]);
    expect(text(first)).toBe('abc');
    expect(drained).toBe(true);
    expect(s.bytesRead).toBe(3);
  });

  it('drain() resolves false, never rejects, for a failed or truncated body', async () => {
    const truncated = new InputStream(slowChunks('ab'), { length: 5 });
    expect(await truncated.drain(100)).toBe(false);

    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes('x');
      throw new Error('reset');
    }
    const errored = new InputStream(failing(), { terminated: true });
    await errored.read(1);
    expect(await errored.drain(100)).toBe(false);
  });

  it('drain() rejects an invalid max with a RangeError', async () => {
    const s = InputStream.from(bytes('abc'));
    for (const bad of [-1, Number.NaN, '10']) {
      await expect(s.drain(bad as number)).rejects.toThrow(RangeError);
    }
    expect(await s.drain(Infinity)).toBe(true);
  });

  it('D-N23: drain() resolves false without pulling while a 100-continue is still pending', async () => {
    let continued = 0;
    const { source, spy } = spySource(['abc']);
    const s = new InputStream(source, { length: 3, onFirstRead: () => continued++ });
    expect(await s.drain(100)).toBe(false);
    expect(continued).toBe(0);
    expect(spy.iterators).toBe(0);
  });
});

describe('InputStream limits (RequestError)', () => {
  it('a body shorter than its declared length rejects with a 400 RequestError', async () => {
    const { RequestError } = await import('../../src/native/errors');
    const stream = new InputStream([new Uint8Array(3)], { length: 10 });
    const error = await stream.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as InstanceType<typeof RequestError>).status).toBe(400);
  });

  it('an undeclared-length body past maxLength rejects with a 413 RequestError, before the excess is buffered', async () => {
    const { RequestError } = await import('../../src/native/errors');
    const stream = new InputStream([new Uint8Array(6), new Uint8Array(6)], { terminated: true, maxLength: 10 });
    expect((await stream.read(6)).byteLength).toBe(6);
    const error = await stream.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as InstanceType<typeof RequestError>).status).toBe(413);
  });
});
