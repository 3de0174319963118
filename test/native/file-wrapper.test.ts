import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileWrapper, fileWrapper } from '../../src/native/file-wrapper';
import type { FileLike } from '../../src/native/types';

let dir: string;
let filePath: string;
/** 200 000 pseudo-random bytes: several blocks, not a multiple of any block size used here. */
const content = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919 + (i >> 8)) & 0xff);

beforeAll(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tsgi-file-wrapper-'));
  filePath = path.join(dir, 'data.bin');
  await fs.promises.writeFile(filePath, content);
});

afterAll(async () => {
  await fs.promises.rm(dir, { recursive: true, force: true });
});

/** A file-like over a real fd; `withFd` exposes the fd (fast path) or hides it (plain path). */
function openFile(options: { withFd: boolean; skip?: number }) {
  const fd = fs.openSync(filePath, 'r');
  if (options.skip !== undefined) fs.readSync(fd, Buffer.alloc(options.skip), 0, options.skip, null);
  const calls = { read: 0, close: 0 };
  const file: FileLike = {
    read(size = 65536) {
      calls.read++;
      const buffer = Buffer.alloc(size);
      return buffer.subarray(0, fs.readSync(fd, buffer, 0, size, null));
    },
    close() {
      calls.close++;
      fs.closeSync(fd);
    },
  };
  if (options.withFd) file.fd = fd;
  return { fd, file, calls };
}

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<{ data: Buffer; sizes: number[] }> {
  const parts: Uint8Array[] = [];
  for await (const part of iterable) parts.push(part);
  return { data: Buffer.concat(parts), sizes: parts.map((p) => p.length) };
}

const isOpen = (fd: number): boolean => {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

describe('FileWrapper, plain path', () => {
  it('N-141, N-142: yields file.read(blockSize) results until an empty one', async () => {
    const { file, calls } = openFile({ withFd: false });
    const wrapper = new FileWrapper(file, 50_000);
    const { data, sizes } = await collect(wrapper);
    expect(Buffer.compare(data, content)).toBe(0);
    expect(sizes).toEqual([50_000, 50_000, 50_000, 50_000]);
    expect(calls.read).toBe(5); // the fifth read returned the empty end marker
    await wrapper.close();
  });

  it('N-141: starts at the file current position', async () => {
    const { file } = openFile({ withFd: false, skip: 10 });
    const wrapper = new FileWrapper(file, 8192);
    const { data } = await collect(wrapper);
    expect(Buffer.compare(data, content.subarray(10))).toBe(0);
    await wrapper.close();
  });

  it('accepts a read() that returns a Promise', async () => {
    const blocks = [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array(0)];
    const wrapper = new FileWrapper({ read: async () => blocks.shift() ?? new Uint8Array(0) });
    expect((await collect(wrapper)).sizes).toEqual([2, 1]);
  });

  it('a read() result that is not a Uint8Array is a TypeError', async () => {
    const wrapper = new FileWrapper({ read: () => 'text' as unknown as Uint8Array });
    await expect(collect(wrapper)).rejects.toThrow(TypeError);
    await expect(collect(wrapper)).rejects.toThrow(/returned "text"; expected a Uint8Array/);
  });

  it('N-138: nothing is read before iteration begins', async () => {
    const { file, calls } = openFile({ withFd: false });
    const wrapper = fileWrapper(file, 1024) as FileWrapper;
    const iterator = wrapper[Symbol.asyncIterator]();
    expect(calls.read).toBe(0);
    await iterator.next();
    expect(calls.read).toBe(1);
    await iterator.return?.();
    await wrapper.close();
  });
});

describe('FileWrapper, fd fast path (D-N25)', () => {
  it('D-N25: streams the same bytes as the plain path, in blocks of at most blockSize', async () => {
    const fast = openFile({ withFd: true });
    const plain = openFile({ withFd: false });
    const fastResult = await collect(new FileWrapper(fast.file, 30_000));
    const plainResult = await collect(new FileWrapper(plain.file, 30_000));
    expect(Buffer.compare(fastResult.data, plainResult.data)).toBe(0);
    expect(Buffer.compare(fastResult.data, content)).toBe(0);
    expect(fastResult.sizes.every((n) => n > 0 && n <= 30_000)).toBe(true);
    expect(fast.calls.read).toBe(0); // the fd was streamed, read() never called
    fast.file.close?.();
    plain.file.close?.();
  });

  it('N-141: starts at the fd current position', async () => {
    const { file } = openFile({ withFd: true, skip: 10 });
    const wrapper = new FileWrapper(file, 4096);
    const { data } = await collect(wrapper);
    expect(Buffer.compare(data, content.subarray(10))).toBe(0);
    await wrapper.close();
  });

  it('N-138: nothing is read from the fd before iteration begins', async () => {
    const { fd, file } = openFile({ withFd: true, skip: 10 });
    const wrapper = new FileWrapper(file, 4096);
    wrapper[Symbol.asyncIterator](); // obtaining the iterator is not iterating
    await new Promise((resolve) => setImmediate(resolve));
    const next = Buffer.alloc(5);
    fs.readSync(fd, next, 0, 5, null);
    expect(Array.from(next)).toEqual(Array.from(content.subarray(10, 15)));
    await wrapper.close();
  });

  it('stopping early (return()) releases the stream but keeps the fd open; close() closes it', async () => {
    const { fd, file, calls } = openFile({ withFd: true });
    const wrapper = new FileWrapper(file, 1000);
    const iterator = wrapper[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(Array.from(first.value as Uint8Array)).toEqual(Array.from(content.subarray(0, 1000)));
    await iterator.return?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(isOpen(fd)).toBe(true);
    expect(calls.close).toBe(0);

    await wrapper.close();
    expect(calls.close).toBe(1);
    expect(isOpen(fd)).toBe(false);
  });

  it('close() during a suspended iteration waits for the stream, then closes the file once', async () => {
    const { fd, file, calls } = openFile({ withFd: true });
    const wrapper = new FileWrapper(file, 1000);
    const iterator = wrapper[Symbol.asyncIterator]();
    await iterator.next();
    await wrapper.close();
    expect(calls.close).toBe(1);
    expect(isOpen(fd)).toBe(false);
  });

  it('without a close() method the fd is left to its owner', async () => {
    const fd = fs.openSync(filePath, 'r');
    const wrapper = new FileWrapper({ fd, read: () => new Uint8Array(0) }, 65536);
    const { data } = await collect(wrapper);
    expect(data.length).toBe(content.length);
    await wrapper.close();
    expect(isOpen(fd)).toBe(true);
    fs.closeSync(fd);
  });
});

describe('FileWrapper close and construction', () => {
  it('N-140: close() calls file.close() exactly once, however often it is called', async () => {
    let closes = 0;
    const wrapper = new FileWrapper({ read: () => new Uint8Array(0), close: async () => void closes++ });
    await Promise.all([wrapper.close(), wrapper.close()]);
    await wrapper.close();
    expect(closes).toBe(1);
  });

  it('N-140: close() resolves when the file has no close()', async () => {
    const wrapper = new FileWrapper({ read: () => new Uint8Array(0) });
    await expect(wrapper.close()).resolves.toBeUndefined();
  });

  it('close() is called even if iteration never began, and propagates the file close error', async () => {
    const failure = new Error('close failed');
    const wrapper = new FileWrapper({
      read: () => new Uint8Array(0),
      close: () => {
        throw failure;
      },
    });
    await expect(wrapper.close()).rejects.toBe(failure);
  });

  it('N-138: fileWrapper is a plain function returning a FileWrapper with a 64 KiB default block size', () => {
    const file: FileLike = { read: () => new Uint8Array(0) };
    const wrapper = fileWrapper(file);
    expect(wrapper).toBeInstanceOf(FileWrapper);
    expect((wrapper as FileWrapper).blockSize).toBe(65536);
    expect((wrapper as FileWrapper).file).toBe(file);
    expect((fileWrapper(file, 512) as FileWrapper).blockSize).toBe(512);
  });

  it('N-140: rejects a non-file-like object and an invalid block size with a TypeError', () => {
    expect(() => fileWrapper({} as FileLike)).toThrow(TypeError);
    expect(() => fileWrapper(null as unknown as FileLike)).toThrow(TypeError);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => fileWrapper({ read: () => new Uint8Array(0) }, bad)).toThrow(/block size/);
    }
  });
});
