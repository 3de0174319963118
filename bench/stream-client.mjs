// @ts-check
/**
 * The client of the streams figure, run as its own process by bench/streams.mjs:
 *
 *   node bench/stream-client.mjs download <url> <bytes>   GET, read and discard the body
 *   node bench/stream-client.mjs upload <url> <bytes>     PUT <bytes> with Content-Length,
 *                                                         64 KiB writes of one reused buffer
 *
 * Prints one JSON line: `{ "seconds": …, "bytes": …, "cpuSeconds": … }`: the wall time from
 * sending the request to the end of the response, and the client's own CPU time (to tell when
 * the client, not the server, is what limits the throughput). Exits 1 (with the reason on stderr) when the answer is wrong:
 * not 200, a body of the wrong length, or an upload count that is not <bytes>.
 */
import http from 'node:http';

const [mode, url, bytesText] = process.argv.slice(2);
const bytes = Number(bytesText);
if ((mode !== 'download' && mode !== 'upload') || url === undefined || !Number.isSafeInteger(bytes)) {
  console.error('usage: node bench/stream-client.mjs download|upload <url> <bytes>');
  process.exit(2);
}
const CHUNK = Buffer.alloc(64 * 1024, 0x62);

/** @param {string} message */
function fail(message) {
  console.error(`stream-client: ${mode} ${url}: ${message}`);
  process.exit(1);
}

const start = process.hrtime.bigint();
/** @param {number} received */
function done(received) {
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ seconds, bytes: received, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
}

if (mode === 'download') {
  const req = http.get(url, { agent: false }, (res) => {
    if (res.statusCode !== 200) fail(`status ${res.statusCode}, expected 200`);
    let received = 0;
    res.on('data', (/** @type {Buffer} */ chunk) => {
      received += chunk.byteLength;
    });
    res.on('end', () => {
      if (received !== bytes) fail(`received ${received} bytes, expected ${bytes}`);
      done(received);
    });
    res.on('error', (error) => fail(error.message));
  });
  req.on('error', (error) => fail(error.message));
} else {
  const req = http.request(url, {
    method: 'PUT',
    agent: false,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes) },
  });
  req.on('error', (error) => fail(error.message));
  req.on('response', (res) => {
    /** @type {Buffer[]} */
    const parts = [];
    res.on('data', (chunk) => parts.push(chunk));
    res.on('end', () => {
      const body = Buffer.concat(parts).toString('latin1');
      if (res.statusCode !== 200) fail(`status ${res.statusCode}, expected 200: ${body.slice(0, 200)}`);
      if (body !== String(bytes)) fail(`the server counted ${JSON.stringify(body.slice(0, 40))} bytes, expected ${bytes}`);
      done(bytes);
    });
  });
  let sent = 0;
  const pump = () => {
    while (sent < bytes) {
      const size = Math.min(CHUNK.byteLength, bytes - sent);
      sent += size;
      if (!req.write(size === CHUNK.byteLength ? CHUNK : CHUNK.subarray(0, size))) {
        req.once('drain', pump);
        return;
      }
    }
    req.end();
  };
  pump();
}
