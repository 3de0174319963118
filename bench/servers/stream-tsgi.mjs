// @ts-check
/**
 * The streams figure through tsgi: one native app served by `serve()` from the built package.
 * - GET /download: Content-Length and a sync generator yielding one reused 64 KiB buffer.
 * - GET /download-async: the same from an async generator.
 * - PUT /upload: `await wsgi.input.read(65536)` until empty, answers 200 with the byte count.
 * The body limit (maxBodySize) is set explicitly, above the upload's size.
 */
import { serve } from 'tsgi/server';
import { CHUNK_SIZE, STREAM_BYTES, portOf, progressCount, ready } from './ipc.mjs';

const CHUNK = Buffer.alloc(CHUNK_SIZE, 0x61);
const CHUNKS = STREAM_BYTES / CHUNK_SIZE;

/** @type {import('tsgi/native').HeaderList} */
const DOWNLOAD_HEADERS = [
  ['Content-Type', 'application/octet-stream'],
  ['Content-Length', String(STREAM_BYTES)],
];

function* chunks() {
  for (let i = 0; i < CHUNKS; i++) {
    progressCount.bytes += CHUNK_SIZE;
    yield CHUNK;
  }
}

async function* asyncChunks() {
  for (let i = 0; i < CHUNKS; i++) {
    progressCount.bytes += CHUNK_SIZE;
    yield CHUNK;
  }
}

/**
 * @param {import('tsgi/native').Environ} environ
 * @param {import('tsgi/native').StartResponse} startResponse
 */
async function upload(environ, startResponse) {
  const input = environ['wsgi.input'];
  let count = 0;
  for (;;) {
    const chunk = await input.read(65536);
    if (chunk.byteLength === 0) break;
    progressCount.bytes += chunk.byteLength;
    count += chunk.byteLength;
  }
  const body = Buffer.from(String(count));
  startResponse('200 OK', [
    ['Content-Type', 'text/plain'],
    ['Content-Length', String(body.byteLength)],
  ]);
  return [body];
}

/** @type {import('tsgi/native').NativeApp} */
const app = (environ, startResponse) => {
  const route = `${environ.REQUEST_METHOD} ${environ.PATH_INFO}`;
  if (route === 'GET /download') {
    startResponse('200 OK', DOWNLOAD_HEADERS.slice());
    return chunks();
  }
  if (route === 'GET /download-async') {
    startResponse('200 OK', DOWNLOAD_HEADERS.slice());
    return asyncChunks();
  }
  if (route === 'PUT /upload') return upload(environ, startResponse);
  startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
  return [Buffer.from('Not Found\n')];
};

const server = await serve(app, { port: 0, host: '127.0.0.1', maxBodySize: 2 * STREAM_BYTES });
ready(portOf(server.address));
