// @ts-check
/**
 * Streams figure: a 1 GiB streamed response and a 1 GiB upload, through tsgi next to raw
 * node:http: throughput (MiB/s, wall time of the whole exchange as the client sees it) and the
 * server process's peak RSS. Every transfer gets a fresh server process (so peaks do not carry
 * over) and runs against a client in its own process (curl for downloads when installed,
 * bench/stream-client.mjs otherwise and for uploads); the contenders are interleaved round by
 * round, and each figure is the median of the rounds.
 *
 * Download: 16384 writes of one reused 64 KiB buffer, with Content-Length. Upload: PUT with
 * Content-Length, 64 KiB writes; the server counts the bytes and answers with the count.
 *
 * After the timed rounds, an untimed memory probe per case (BENCH_MEMORY_PROBE=0 skips it):
 * does the server hold memory per chunk while a response lasts?
 *
 * Knobs: BENCH_STREAM_MIB (default 1024), BENCH_STREAM_ROUNDS (default 3), BENCH_STREAM_CLIENT=node
 * (download with the Node client even when curl is there), BENCH_MEMORY_PROBE=0.
 * Run alone: `node bench/streams.mjs` (after a build).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { envNumber, placement, PROFILE_DIR, progress, runLoad, startServer } from './processes.mjs';
import { printBudget, printFigure, summarize } from './report.mjs';

const MIB = 1024 * 1024;
const RAW = new URL('./servers/stream-raw.mjs', import.meta.url);
const TSGI = new URL('./servers/stream-tsgi.mjs', import.meta.url);
const CLIENT = new URL('./stream-client.mjs', import.meta.url);

/**
 * @typedef {{ name: string, direction: 'download' | 'upload', script: URL, path: string, tsgi: boolean }} Case
 * @typedef {{ mibPerSecond: number, seconds: number, startRSS: number, peakRSS: number, cpuSeconds: number, minorFaults: number, clientCpuSeconds: number | undefined }} Sample
 */

/** @type {Case[]} */
const CASES = [
  { name: 'raw node:http (write + drain)', direction: 'download', script: RAW, path: '/download', tsgi: false },
  { name: 'tsgi, sync generator', direction: 'download', script: TSGI, path: '/download', tsgi: true },
  { name: 'tsgi, async generator', direction: 'download', script: TSGI, path: '/download-async', tsgi: true },
  { name: "raw node:http ('data' events)", direction: 'upload', script: RAW, path: '/upload', tsgi: false },
  { name: 'tsgi, wsgi.input.read(65536)', direction: 'upload', script: TSGI, path: '/upload', tsgi: true },
];

/**
 * The download client: curl when installed (and BENCH_STREAM_CLIENT is not `node`), because a
 * Node receiver's cost swings with its allocator (see README); else bench/stream-client.mjs.
 * Uploads always use bench/stream-client.mjs (PUT with Content-Length from one reused buffer).
 */
const CURL = process.env.BENCH_STREAM_CLIENT !== 'node' && spawnSync('curl', ['--version']).error === undefined;
const CLIENTS = CURL
  ? 'download client curl -o /dev/null, upload client node:http (bench/stream-client.mjs), each in its own process'
  : 'client node:http in its own process (bench/stream-client.mjs)';

/**
 * Runs the client of one transfer; throws when the server answered wrongly.
 * @param {Case} c
 * @param {string} url
 * @param {number} bytes
 * @param {number} [limitRate]  bytes per second, for the memory probe (curl only)
 * @returns {Promise<{ seconds: number, clientCpuSeconds: number | undefined }>}
 */
async function runClient(c, url, bytes, limitRate) {
  if (c.direction === 'download' && CURL) {
    const limit = limitRate === undefined ? [] : ['--limit-rate', String(Math.ceil(limitRate))];
    const { code, stdout, stderr } = await runLoad('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}', ...limit, url]);
    const [status, size, seconds] = stdout.trim().split(' ').map(Number);
    if (code !== 0 || status !== 200 || size !== bytes || seconds === undefined) {
      throw new Error(`${c.name}, download: the server answered wrongly or failed (curl exit ${code}, "${stdout}"; expected 200 and ${bytes} bytes):\n${stderr}`);
    }
    return { seconds, clientCpuSeconds: undefined };
  }
  const { code, stdout, stderr } = await runLoad(process.execPath, [fileURLToPath(CLIENT), c.direction, url, String(bytes)]);
  if (code !== 0) throw new Error(`${c.name}, ${c.direction}: the server answered wrongly or failed (client exit ${code}):\n${stderr}${stdout}`);
  /** @type {{ seconds: number, bytes: number, cpuSeconds: number }} */
  const result = JSON.parse(stdout);
  if (result.bytes !== bytes) throw new Error(`${c.name}, ${c.direction}: ${result.bytes} bytes moved, expected ${bytes}`);
  return { seconds: result.seconds, clientCpuSeconds: result.cpuSeconds };
}

/**
 * One transfer against a fresh server process.
 * @param {Case} c
 * @param {number} bytes
 * @returns {Promise<Sample>}
 */
async function transfer(c, bytes) {
  const server = await startServer(`${c.name} ${c.direction}`, c.script, { BENCH_STREAM_BYTES: String(bytes) });
  try {
    const before = await server.stats();
    const { seconds, clientCpuSeconds } = await runClient(c, `${server.url}${c.path}`, bytes);
    const after = await server.stats();
    return {
      mibPerSecond: bytes / MIB / seconds,
      seconds,
      startRSS: before.rss / MIB,
      peakRSS: after.maxRSS / MIB,
      cpuSeconds: (after.cpuMicros - before.cpuMicros) / 1e6,
      minorFaults: after.minorFaults - before.minorFaults,
      clientCpuSeconds,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Untimed memory probe: one more transfer per case against a fresh server run with
 * `--expose-gc`, asking it every 100 ms for its heap after a full GC and how many body bytes went
 * through. A server that holds nothing per chunk stays flat; the slope (least squares over the
 * samples, in bytes held per 64 KiB moved) is what it holds until the response ends. curl
 * downloads are slowed to about 3 s, so there are samples and the server waits for 'drain'.
 * (Uploads take long enough as they are.)
 * @param {Case} c
 * @param {number} bytes
 * @returns {Promise<{ maxHeld: number, perChunk: number, afterHeld: number, samples: number }>}
 */
async function probeMemory(c, bytes) {
  const server = await startServer(`${c.name} ${c.direction} (memory probe)`, c.script, { BENCH_STREAM_BYTES: String(bytes) }, { exposeGc: true });
  try {
    const base = await server.stats({ gc: true });
    let finished = false;
    const client = runClient(c, `${server.url}${c.path}`, bytes, bytes / 3).finally(() => {
      finished = true;
    });
    /** @type {Array<[moved: number, held: number]>} */
    const points = [[0, 0]];
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (finished) break;
      const now = await server.stats({ gc: true });
      if (now.bytes < bytes) points.push([now.bytes - base.bytes, now.heapUsed - base.heapUsed]);
    }
    await client;
    const after = await server.stats({ gc: true });
    const n = points.length;
    const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
    const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
    const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
    const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
    return {
      maxHeld: Math.max(...points.map(([, y]) => y)) / MIB,
      perChunk: sxx > 0 ? (sxy / sxx) * 65536 : NaN,
      afterHeld: (after.heapUsed - base.heapUsed) / MIB,
      samples: n - 1,
    };
  } finally {
    await server.stop();
  }
}

/**
 * @param {Case} c
 * @param {Sample[]} samples
 */
function row(c, samples) {
  const peak = summarize(samples.map((s) => s.peakRSS));
  const start = summarize(samples.map((s) => s.startRSS));
  const cpu = summarize(samples.map((s) => s.cpuSeconds));
  return {
    name: c.name,
    summary: summarize(samples.map((s) => s.mibPerSecond)),
    note: `server peak RSS ${peak.median.toFixed(1)} MiB (max ${peak.max.toFixed(1)}; ${start.median.toFixed(1)} at start), server CPU ${cpu.median.toFixed(2)} s`,
  };
}

export async function runStreams() {
  const mib = envNumber('BENCH_STREAM_MIB', '1024');
  const rounds = envNumber('BENCH_STREAM_ROUNDS', '3');
  const bytes = mib * MIB;
  const size = mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
  console.log(`\nstreams: ${size} each way, 64 KiB chunks (${bytes / 65536} of them); ${CLIENTS}; ${placement()}`);
  progress(`streams: ${rounds} rounds of ${CASES.length} transfers of ${size}, a fresh server process each`);

  /** @type {Sample[][]} */
  const samples = CASES.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    for (const [i, c] of CASES.entries()) {
      const sample = await transfer(c, bytes);
      samples[i]?.push(sample);
      progress(
        `round ${round}/${rounds}: ${c.direction} ${c.name}: ${sample.mibPerSecond.toFixed(0)} MiB/s, ${sample.seconds.toFixed(2)} s, server peak RSS ${sample.peakRSS.toFixed(1)} MiB, CPU server ${sample.cpuSeconds.toFixed(2)} s (${sample.minorFaults} page faults)${sample.clientCpuSeconds === undefined ? '' : `, client ${sample.clientCpuSeconds.toFixed(2)} s`}`,
      );
    }
  }

  /** @type {Awaited<ReturnType<typeof probeMemory>>[]} */
  const probes = [];
  if (process.env.BENCH_MEMORY_PROBE !== '0') {
    for (const c of CASES) {
      const result = await probeMemory(c, bytes);
      probes.push(result);
      progress(`memory probe: ${c.direction} ${c.name}: heap held at most ${result.maxHeld.toFixed(2)} MiB, ${result.perChunk.toFixed(0)} B per 64 KiB (${result.samples} samples)`);
    }
  }

  /** @param {'download' | 'upload'} direction */
  const rowsOf = (direction) => CASES.flatMap((c, i) => (c.direction === direction ? [row(c, samples[i] ?? [])] : []));
  const [downloads, uploads] = [rowsOf('download'), rowsOf('upload')];
  printFigure(`streams: ${size} download, MiB/s (median of ${rounds})`, 'MiB/s', downloads, 0);
  printFigure(`streams: ${size} upload, MiB/s (median of ${rounds})`, 'MiB/s', uploads, 0);

  const ratioOf = (/** @type {typeof downloads} */ rows, /** @type {number} */ i) => (rows[i]?.summary.median ?? NaN) / (rows[0]?.summary.median ?? NaN);
  const down = ratioOf(downloads, 1);
  const downAsync = ratioOf(downloads, 2);
  const up = ratioOf(uploads, 1);
  const tsgiPeak = Math.max(...CASES.flatMap((c, i) => (c.tsgi ? (samples[i] ?? []).map((s) => s.peakRSS) : [])));
  const rawPeak = Math.max(...CASES.flatMap((c, i) => (c.tsgi ? [] : (samples[i] ?? []).map((s) => s.peakRSS))));
  // Noise checks: the same ratios per round (the contenders run back to back in each round), and
  // the server's CPU time per transfer, which the client and the loopback do not set.
  /**
   * @param {number} i  the tsgi case
   * @param {number} base  the raw case
   */
  const paired = (i, base) => {
    const own = samples[i] ?? [];
    const ref = samples[base] ?? [];
    const speed = summarize(own.map((s, r) => s.mibPerSecond / (ref[r]?.mibPerSecond ?? NaN)));
    const cpu = summarize(own.map((s) => s.cpuSeconds)).median / summarize(ref.map((s) => s.cpuSeconds)).median;
    return `MiB/s per round ${speed.median.toFixed(3)} (min ${speed.min.toFixed(3)}, max ${speed.max.toFixed(3)}), server CPU ${cpu.toFixed(3)}`;
  };
  console.log(`  tsgi/raw, download, sync generator: ${paired(1, 0)}`);
  console.log(`  tsgi/raw, download, async generator: ${paired(2, 0)}`);
  console.log(`  tsgi/raw, upload: ${paired(4, 3)}`);
  printBudget(`tsgi download ≥ 0.9 × raw node:http: tsgi/raw = ${down.toFixed(3)} (sync generator)`, down >= 0.9);
  console.log(`  (async generator, not budgeted: tsgi/raw = ${downAsync.toFixed(3)})`);
  printBudget(`tsgi upload ≥ 0.9 × raw node:http: tsgi/raw = ${up.toFixed(3)}`, up >= 0.9);
  printBudget(`tsgi server peak RSS ≤ 100 MiB: ${tsgiPeak.toFixed(1)} MiB, the highest of every tsgi transfer (raw node:http: ${rawPeak.toFixed(1)})`, tsgiPeak <= 100);
  if (probes.length > 0) {
    console.log(
      `\nstreams: heap held during one more ${size} transfer each (untimed; --expose-gc, full GC every 100 ms${CURL ? ', downloads slowed to ~3 s' : ''})`,
    );
    const width = Math.max(...CASES.map((c) => c.name.length + c.direction.length + 1));
    for (const [i, c] of CASES.entries()) {
      const p = probes[i];
      if (p === undefined) continue;
      console.log(
        `  ${`${c.direction} ${c.name}`.padEnd(width)}  ${p.perChunk.toFixed(0).padStart(5)} B held per 64 KiB moved  (at most ${p.maxHeld.toFixed(2)} MiB over ${p.samples} samples; ${p.afterHeld.toFixed(2)} MiB after the response)`,
      );
    }
    console.log('  (flat is ~0 B per 64 KiB: nothing kept per chunk while the response lasts)');
  }
  if (PROFILE_DIR !== undefined) console.log(`  cpu profiles of the servers: ${PROFILE_DIR}`);
  return { down, downAsync, up, tsgiPeak };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`tsgi bench (streams only) — node ${process.version}, ${new Date().toISOString()}`);
  await runStreams();
}
