// @ts-check
/**
 * HTTP hello figure: requests per second of a 12-byte hello over keep-alive, side by side in
 * one run: raw node:http, tsgi native (`serve` from the built package), fastify, and tsgi's
 * bytes and legacy flavours through their adapters. Each server
 * is its own process (bench/servers/hello-*.mjs); the load generator is another (wrk when
 * installed, else autocannon). The rounds interleave the contenders, each round starting one
 * later (A B C, B C A, C A B, …); in every round each contender is a fresh process, warmed up,
 * then measured, and each contender's median is reported. Many short rounds rather than a few
 * long ones: this machine's speed drifts within seconds, and a median of ten resists a slow
 * patch better than one of five. Fresh processes: one process's speed is its own for its
 * whole life (two of the same server differed by up to 12%), and a process left idle while
 * the others ran came back slower for a second or so.
 *
 * Knobs: BENCH_SECONDS (per round, default 3), BENCH_ROUNDS (default 10), BENCH_WARMUP (seconds
 * of uncounted load before each round, default 3), BENCH_LOAD=autocannon (use autocannon even when wrk is there),
 * BENCH_CONNECTIONS (default 64). Run alone: `node bench/http-hello.mjs` (after a build).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { envNumber, fetchOnce, placement, PROFILE_DIR, progress, runLoad, startServer } from './processes.mjs';
import { printBudget, printFigure, summarize } from './report.mjs';

const HELLO = 'Hello World\n';

const CONTENDERS = [
  { name: 'raw node:http', script: new URL('./servers/hello-raw.mjs', import.meta.url) },
  { name: 'tsgi native (serve)', script: new URL('./servers/hello-tsgi.mjs', import.meta.url) },
  { name: 'fastify', script: new URL('./servers/hello-fastify.mjs', import.meta.url) },
  { name: 'tsgi bytes (serve)', script: new URL('./servers/hello-bytes.mjs', import.meta.url) },
  { name: 'tsgi legacy (serve)', script: new URL('./servers/hello-legacy.mjs', import.meta.url) },
];

/**
 * @typedef {object} LoadGenerator
 * @property {string} describe
 * @property {(url: string, seconds: number) => Promise<{ rps: number, requests: number, note?: string }>} run
 */

/**
 * wrk when installed (and not overridden), else autocannon's CLI in a child process.
 * @param {number} connections
 * @returns {LoadGenerator}
 */
function loadGenerator(connections) {
  const forced = process.env.BENCH_LOAD === 'autocannon';
  const wrk = !forced && spawnSync('wrk', ['--version']).error === undefined;
  if (wrk) {
    return {
      describe: `wrk -t1 -c${connections}`,
      async run(url, seconds) {
        const { code, stdout, stderr } = await runLoad('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, `${url}/`]);
        const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
        if (code !== 0 || rps === undefined) throw new Error(`wrk failed (exit ${code}):\n${stdout}${stderr}`);
        const requests = /(\d+) requests in /.exec(stdout)?.[1];
        if (requests === undefined) throw new Error(`wrk printed no request count:\n${stdout}`);
        const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1];
        if (non2xx !== undefined) throw new Error(`${url}: ${non2xx} answers were not 2xx under load:\n${stdout}`);
        const socketErrors = /Socket errors: (.*)/.exec(stdout)?.[1];
        return { rps: Number(rps), requests: Number(requests), ...(socketErrors === undefined ? {} : { note: `wrk socket errors: ${socketErrors}` }) };
      },
    };
  }
  const cli = createRequire(import.meta.url).resolve('autocannon');
  return {
    describe: `autocannon -c ${connections} (CLI, one worker; ${forced ? 'BENCH_LOAD=autocannon' : 'wrk not found'})`,
    async run(url, seconds) {
      const { code, stdout, stderr } = await runLoad(process.execPath, [cli, '-c', String(connections), '-d', String(seconds), '-j', '-n', `${url}/`]);
      if (code !== 0) throw new Error(`autocannon failed (exit ${code}):\n${stderr}`);
      /** @type {{ requests: { total: number }, duration: number, non2xx: number, errors: number, timeouts: number }} */
      const result = JSON.parse(stdout);
      if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx under load`);
      const note = result.errors > 0 || result.timeouts > 0 ? `autocannon errors ${result.errors}, timeouts ${result.timeouts}` : undefined;
      return { rps: result.requests.total / result.duration, requests: result.requests.total, ...(note === undefined ? {} : { note }) };
    },
  };
}

/**
 * One GET from this process before any load: the answer must be right, or the figure is void.
 * @param {string} name
 * @param {string} url
 */
async function checkAnswer(name, url, say = true) {
  const { status, headers, body } = await fetchOnce(`${url}/`);
  const text = body.toString('latin1');
  const type = headers['content-type'] ?? '';
  if (status !== 200 || text !== HELLO || !/^text\/plain\b/.test(type)) {
    throw new Error(
      `${name} answered wrongly: status ${status}, Content-Type ${JSON.stringify(type)}, body ${JSON.stringify(text)} ` +
        `(expected 200, text/plain, ${JSON.stringify(HELLO)})`,
    );
  }
  const framing = headers['content-length'] !== undefined ? `Content-Length ${headers['content-length']}` : `Transfer-Encoding ${headers['transfer-encoding'] ?? '(none)'}`;
  if (say) progress(`${name}: answers 200, ${JSON.stringify(HELLO)}, Content-Type ${type}, ${framing}`);
}

export async function runHttpHello() {
  const seconds = envNumber('BENCH_SECONDS', '3');
  const rounds = envNumber('BENCH_ROUNDS', '10');
  const warmup = envNumber('BENCH_WARMUP', '3');
  const connections = envNumber('BENCH_CONNECTIONS', '64');
  const load = loadGenerator(connections);
  console.log(`\nhttp hello: load generator ${load.describe}; ${placement()}`);
  progress(`http hello: ${CONTENDERS.length} servers, ${rounds} interleaved rounds; in each, every server is a fresh process, warmed up ${warmup} s, then measured ${seconds} s`);

  /** @type {Awaited<ReturnType<typeof startServer>> | undefined} */
  let server;
  try {
    /** @type {number[][]} */
    const rps = CONTENDERS.map(() => []);
    /** @type {number[][]} server CPU time per request, in µs */
    const cpuPerRequest = CONTENDERS.map(() => []);
    /** @type {number[][]} server CPU time over wall time of the round */
    const busy = CONTENDERS.map(() => []);
    /** @type {Set<string>} */
    const notes = new Set();
    for (let round = 1; round <= rounds; round++) {
      /** @type {string[]} */
      const line = [];
      // Each round starts one server later (raw, native, … then native, fastify, …, raw): a
      // fixed order would tie a server's place in the round to the machine's slow patches.
      for (let k = 0; k < CONTENDERS.length; k++) {
        const i = (round - 1 + k) % CONTENDERS.length;
        const { name, script } = /** @type {(typeof CONTENDERS)[number]} */ (CONTENDERS[i]);
        // A fresh process for every round: two processes of the same server differed by up to
        // 12% here for their whole lives, and one left idle while the others ran came back
        // slower; a median over ten processes, each measured warm, is neither's luck.
        server = await startServer(name, script);
        await checkAnswer(server.name, server.url, round === 1);
        await load.run(server.url, warmup);
        const before = await server.stats();
        const result = await load.run(server.url, seconds);
        const after = await server.stats();
        // Answers must still be right after the load.
        await checkAnswer(server.name, server.url, round === 1);
        await server.stop();
        server = undefined;
        const cpu = after.cpuMicros - before.cpuMicros;
        rps[i]?.push(result.rps);
        cpuPerRequest[i]?.push(cpu / result.requests);
        busy[i]?.push(cpu / 1e6 / (result.requests / result.rps));
        if (result.note !== undefined && !/connect 0, read 0, write 0, timeout 0/.test(result.note)) notes.add(`${name}: ${result.note}`);
        line[i] = `${name} ${result.rps.toFixed(0)}`;
      }
      progress(`round ${round}/${rounds}: ${line.join(', ')} req/s`);
    }

    const [raw, tsgi, fastify, bytes, legacy] = rps.map(summarize);
    if (raw === undefined || tsgi === undefined || fastify === undefined || bytes === undefined || legacy === undefined) throw new Error('unreachable');
    printFigure(
      `http hello: requests/s, GET / keep-alive (median of ${rounds} interleaved rounds of ${seconds} s, ${load.describe})`,
      'req/s',
      CONTENDERS.map(({ name }, i) => {
        const cpu = summarize(cpuPerRequest[i] ?? []);
        const load = summarize(busy[i] ?? []);
        return {
          name,
          summary: summarize(rps[i] ?? []),
          note: `server CPU ${cpu.median.toFixed(1)} µs/req (min ${cpu.min.toFixed(1)}, max ${cpu.max.toFixed(1)}), server busy ${(100 * load.median).toFixed(0)}%`,
        };
      }),
      0,
    );
    // The same ratios per round (each round runs the contenders back to back), as a noise check.
    for (const [index, label] of [[1, 'tsgi'], [3, 'bytes'], [4, 'legacy']]) {
      const paired = summarize((rps[Number(index)] ?? []).map((value, i) => value / (rps[0]?.[i] ?? NaN)));
      console.log(`  ${label}/raw per round: median ${paired.median.toFixed(3)} (min ${paired.min.toFixed(3)}, max ${paired.max.toFixed(3)})`);
    }
    const cpuRatio = summarize(cpuPerRequest[1] ?? []).median / summarize(cpuPerRequest[0] ?? []).median;
    console.log(`  server CPU per request, tsgi/raw: ${cpuRatio.toFixed(3)} (a server busy well under 100% means the load generator's core set the pace)`);
    for (const note of notes) console.log(`  note: ${note}`);
    const ratio = tsgi.median / raw.median;
    printBudget(`tsgi native ≥ 0.95 × raw node:http: tsgi/raw = ${ratio.toFixed(3)}`, ratio >= 0.95);
    printBudget(`tsgi native > fastify: tsgi/fastify = ${(tsgi.median / fastify.median).toFixed(3)}`, tsgi.median > fastify.median);
    console.log(`  (fastify/raw = ${(fastify.median / raw.median).toFixed(3)})`);
    const bytesRatio = bytes.median / raw.median;
    printBudget(`tsgi bytes ≥ 0.90 × raw node:http: bytes/raw = ${bytesRatio.toFixed(3)}`, bytesRatio >= 0.9);
    const legacyRatio = legacy.median / raw.median;
    printBudget(`tsgi legacy ≥ 0.85 × raw node:http: legacy/raw = ${legacyRatio.toFixed(3)}`, legacyRatio >= 0.85);
    return { raw, tsgi, fastify, bytes, legacy };
  } finally {
    await server?.stop();
    if (PROFILE_DIR !== undefined) console.log(`  cpu profiles of the servers: ${PROFILE_DIR}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`tsgi bench (http hello only) — node ${process.version}, ${new Date().toISOString()}`);
  await runHttpHello();
}
