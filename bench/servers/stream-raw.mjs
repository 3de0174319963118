// @ts-check
/**
 * The streams figure, baseline: raw node:http.
 * - GET /download: BENCH_STREAM_BYTES as 64 KiB writes of one reused Buffer, with Content-Length,
 *   waiting for 'drain' whenever res.write() says so.
 * - PUT /upload: counts the body from 'data' events, answers 200 with the byte count.
 */
import http from 'node:http';
import { CHUNK_SIZE, STREAM_BYTES, portOf, progressCount, ready } from './ipc.mjs';

const CHUNK = Buffer.alloc(CHUNK_SIZE, 0x61);
const CHUNKS = STREAM_BYTES / CHUNK_SIZE;

/** @param {http.ServerResponse} res */
async function download(res) {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(STREAM_BYTES) });
  for (let i = 0; i < CHUNKS; i++) {
    progressCount.bytes += CHUNK_SIZE;
    if (!res.write(CHUNK) && !(await drained(res))) return;
  }
  res.end();
}

/**
 * Resolves true on 'drain', false when the response closed first (client gone).
 * @param {http.ServerResponse} res
 * @returns {Promise<boolean>}
 */
function drained(res) {
  return new Promise((resolve) => {
    const onDrain = () => {
      res.off('close', onClose);
      resolve(true);
    };
    const onClose = () => {
      res.off('drain', onDrain);
      resolve(false);
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
function upload(req, res) {
  let count = 0;
  req.on('data', (/** @type {Buffer} */ chunk) => {
    progressCount.bytes += chunk.byteLength;
    count += chunk.byteLength;
  });
  req.on('end', () => {
    const body = String(count);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) });
    res.end(body);
  });
}

const server = http.createServer((req, res) => {
  if (req.url === '/download' && req.method === 'GET') {
    void download(res);
  } else if (req.url === '/upload' && req.method === 'PUT') {
    upload(req, res);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': '10' });
    res.end('Not Found\n');
  }
});
server.listen(0, '127.0.0.1', () => ready(portOf(server.address())));
