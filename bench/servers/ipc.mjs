// @ts-check
/**
 * The server side of bench/processes.mjs, shared by every server program here: report the port
 * once listening, answer `stats` (the process's own RSS, peak RSS, CPU time, and for the memory
 * probe the heap after a full GC and how many body bytes went through) and `stop` over the IPC
 * channel. Not a server itself.
 */

/** Body bytes the streams servers moved so far (sent or read), for the memory probe. */
export const progressCount = { bytes: 0 };

/**
 * Call once the server listens.
 * @param {number} port
 */
export function ready(port) {
  if (process.send === undefined) {
    // Started by hand (or under callgrind, bench/instructions.mjs): say where, and stay up
    // until Ctrl-C, which exits normally so that a tool wrapping the process sees the end.
    process.once('SIGINT', () => process.exit(0));
    console.log(`listening on http://127.0.0.1:${port}`);
    return;
  }
  process.on('message', (/** @type {any} */ message) => {
    if (message?.type === 'stats') {
      // With `--expose-gc` (the memory probe only, never while timing): what is still held.
      const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc;
      if (message.gc === true && gc !== undefined) gc();
      const usage = process.resourceUsage();
      process.send?.({
        type: 'stats',
        id: message.id,
        rss: process.memoryUsage.rss(),
        maxRSS: usage.maxRSS * 1024, // KiB → bytes
        cpuMicros: usage.userCPUTime + usage.systemCPUTime,
        minorFaults: usage.minorPageFault,
        heapUsed: process.memoryUsage().heapUsed,
        bytes: progressCount.bytes,
      });
    } else if (message?.type === 'stop') {
      // A normal exit, so `node --cpu-prof` writes its profile.
      process.exit(0);
    }
  });
  // The parent went away without asking: do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port });
}

/**
 * The port a listening server got.
 * @param {import('node:net').AddressInfo | string | null} address
 */
export function portOf(address) {
  if (address === null || typeof address === 'string') throw new Error(`not listening on a TCP port: ${String(address)}`);
  return address.port;
}

/** Bytes to stream in the streams figure (BENCH_STREAM_BYTES, set by bench/streams.mjs). */
export const STREAM_BYTES = Number(process.env.BENCH_STREAM_BYTES ?? 1024 ** 3);
/** The chunk size of the streams figure: 64 KiB, one reused buffer. */
export const CHUNK_SIZE = 64 * 1024;
if (!Number.isSafeInteger(STREAM_BYTES) || STREAM_BYTES % CHUNK_SIZE !== 0) {
  throw new RangeError(`BENCH_STREAM_BYTES must be a whole number of 64 KiB chunks, got ${STREAM_BYTES}`);
}
