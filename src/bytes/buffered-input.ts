/**
 * D-B4: PEP 444's `web3.input.read()` is bounded by CONTENT_LENGTH (B-8), so a chunked upload,
 * which has none, would read as empty. tsgi reads such a body first, in memory up to a limit
 * and in a temporary file past it, then hands the app a stream of known length. Past the body
 * size limit the client gets 413.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestError } from '../native/errors';
import { InputStream } from '../native/input';
import type { InputStreamLike } from '../native/types';

export interface BufferOptions {
  /** Bytes kept in memory before the rest goes to a temporary file. Default 1 MiB. */
  memoryLimit?: number;
  /** Most bytes accepted; more is a 413. Default 1 GiB. */
  maxBodySize?: number;
}

export interface BufferedBody {
  input: InputStream;
  length: number;
  /** Removes the temporary file, if there is one. Safe to call more than once. */
  release(): Promise<void>;
}

const CHUNK = 64 * 1024;

/** Reads `source` to its end and returns a stream over what it held. */
export async function bufferBody(source: InputStreamLike, options: BufferOptions = {}): Promise<BufferedBody> {
  const memoryLimit = options.memoryLimit ?? 1024 * 1024;
  const maxBodySize = options.maxBodySize ?? 1024 ** 3;
  const chunks: Uint8Array[] = [];
  let length = 0;
  let file: { dir: string; path: string; handle: Awaited<ReturnType<typeof open>> } | undefined;
  try {
    for (;;) {
      const chunk = await source.read(CHUNK);
      if (chunk.byteLength === 0) break;
      length += chunk.byteLength;
      if (length > maxBodySize) throw new RequestError(413, `Request body is larger than the limit of ${maxBodySize} bytes`);
      if (file === undefined && length <= memoryLimit) {
        // Copy: a chunk may be a view into a buffer the source reuses.
        chunks.push(Uint8Array.prototype.slice.call(chunk));
        continue;
      }
      if (file === undefined) {
        const dir = await mkdtemp(join(tmpdir(), 'tsgi-body-'));
        const path = join(dir, 'body');
        file = { dir, path, handle: await open(path, 'w+') };
        for (const held of chunks.splice(0)) await file.handle.write(held);
      }
      await file.handle.write(chunk);
    }
  } catch (error) {
    if (file !== undefined) {
      await file.handle.close().catch(() => undefined);
      await rm(file.dir, { recursive: true, force: true });
    }
    throw error;
  }
  if (file === undefined) {
    const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
    return { input: InputStream.from(bytes), length, release: async () => undefined };
  }
  const { dir, path, handle } = file;
  await handle.close();
  let released = false;
  return {
    input: new InputStream(createReadStream(path, { highWaterMark: CHUNK }), { length }),
    length,
    async release() {
      if (released) return;
      released = true;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
