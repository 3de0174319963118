// @ts-check
/**
 * Instructions per request: every hello server of the HTTP figure run under valgrind's
 * callgrind, which counts the instructions the server process executes whatever else the
 * machine is doing. On these machines requests/s swing by a fifth from one few-second window to
 * the next; instruction counts repeat within a few percent, so they tell whether a change made
 * a server cheaper where the timed figure cannot. V8 runs single-threaded here, so that its
 * compilations and collections fall at the same points in every run.
 *
 * Each server answers N1 requests in one run and N2 in another (autocannon, 8 connections,
 * keep-alive); the difference of the two totals over N2 - N1 leaves out start-up and the JIT's
 * compilations. N1 must be past them: at 3,000 the legacy server still compiled its hot
 * functions in the counted stretch in some runs and not in others (81k against 67k
 * instructions per request for the same build). What callgrind cannot see: time in the kernel (the same for every server:
 * the same bytes cross the same sockets) and cache misses. So this is what tsgi adds in code
 * executed, not a prediction of requests/s.
 *
 *   npm run bench:instructions             (about 6 minutes on 2 cores)
 *   BENCH_INSTRUCTIONS_REQUESTS=10000,30000 (N1,N2; default)
 *   BENCH_INSTRUCTIONS_SERVERS=native,legacy (only these, and raw; default: all five)
 *
 * Needs valgrind (Debian's package); without it, says so and exits 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ALL_CONTENDERS = [
  { id: 'raw', name: 'raw node:http', script: './servers/hello-raw.mjs' },
  { id: 'native', name: 'tsgi native (serve)', script: './servers/hello-tsgi.mjs' },
  { id: 'fastify', name: 'fastify', script: './servers/hello-fastify.mjs' },
  { id: 'bytes', name: 'tsgi bytes (serve)', script: './servers/hello-bytes.mjs' },
  { id: 'legacy', name: 'tsgi legacy (serve)', script: './servers/hello-legacy.mjs' },
];
// Raw node:http is always counted: every figure is read against it.
const chosen = (process.env.BENCH_INSTRUCTIONS_SERVERS ?? '').split(',').filter((id) => id !== '');
const unknown = chosen.filter((id) => !ALL_CONTENDERS.some((c) => c.id === id));
if (unknown.length > 0) throw new RangeError(`BENCH_INSTRUCTIONS_SERVERS: unknown ${unknown.join(', ')}; choose from ${ALL_CONTENDERS.map((c) => c.id).join(', ')}`);
const CONTENDERS = chosen.length === 0 ? ALL_CONTENDERS : ALL_CONTENDERS.filter((c) => c.id === 'raw' || chosen.includes(c.id));

const [N1 = NaN, N2 = NaN] = (process.env.BENCH_INSTRUCTIONS_REQUESTS ?? '10000,30000').split(',').map(Number);
if (!Number.isInteger(N1) || !Number.isInteger(N2) || !(N1 > 0 && N2 > N1)) {
  throw new RangeError('BENCH_INSTRUCTIONS_REQUESTS must be N1,N2 with 0 < N1 < N2');
}
const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * Total instructions of one server process answering `requests` requests.
 * @param {string} script
 * @param {number} requests
 * @returns {Promise<number>}
 */
function countInstructions(script, requests) {
  return new Promise((resolve, reject) => {
    // --single-threaded: V8 compiles and collects on the main thread, at the same points in
    // every run, rather than on helper threads whose timing (serialized by valgrind) varied
    // the counts by a third between runs.
    const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', fileURLToPath(new URL(script, import.meta.url))];
    const server = spawn('valgrind', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let loading = false;
    server.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
      const url = /listening on (http:\/\/[^\s]+)/.exec(stdout)?.[1];
      if (url === undefined || loading) return;
      loading = true;
      const load = spawn(process.execPath, [autocannon, '-a', String(requests), '-c', '8', '-j', `${url}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let report = '';
      load.stdout.setEncoding('utf8').on('data', (chunk) => (report += chunk));
      load.on('exit', () => {
        try {
          /** @type {{ requests: { total: number }, non2xx: number, errors: number }} */
          const result = JSON.parse(report);
          if (result.non2xx > 0 || result.errors > 0) throw new Error(`${script}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        } catch (error) {
          server.kill('SIGKILL');
          reject(error);
          return;
        }
        server.kill('SIGINT'); // ready() exits 0 on SIGINT, so callgrind prints its totals
      });
    });
    server.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    server.on('error', reject);
    server.on('exit', () => {
      const collected = /Collected : (\d+)/.exec(stderr)?.[1];
      if (collected === undefined) reject(new Error(`${script}: callgrind printed no total:\n${stderr.slice(-2000)}`));
      else resolve(Number(collected));
    });
  });
}

/**
 * Runs `tasks` with at most `limit` at a time.
 * @template T
 * @param {Array<() => Promise<T>>} tasks
 * @param {number} limit
 * @returns {Promise<T[]>}
 */
async function inParallel(tasks, limit) {
  /** @type {T[]} */
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await /** @type {() => Promise<T>} */ (tasks[index])();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export async function runInstructions() {
  if (spawnSync('valgrind', ['--version']).error !== undefined) {
    console.log('\ninstructions per request: skipped, valgrind is not installed (apt-get install valgrind)');
    return undefined;
  }
  const limit = Math.max(1, availableParallelism());
  process.stderr.write(`… callgrind: ${CONTENDERS.length} servers × ${N1} and ${N2} requests, ${limit} at a time\n`);
  const totals = await inParallel(
    CONTENDERS.flatMap(({ script }) => [() => countInstructions(script, N1), () => countInstructions(script, N2)]),
    limit,
  );
  const perRequest = CONTENDERS.map((_, i) => (/** @type {number} */ (totals[2 * i + 1]) - /** @type {number} */ (totals[2 * i])) / (N2 - N1));
  const raw = /** @type {number} */ (perRequest[0]);
  console.log(`\ninstructions per request under callgrind (server process; ${N2} minus ${N1} requests, autocannon -c 8)`);
  const width = Math.max(...CONTENDERS.map((c) => c.name.length));
  CONTENDERS.forEach(({ name }, i) => {
    const count = /** @type {number} */ (perRequest[i]);
    console.log(`  ${name.padEnd(width)}  ${Math.round(count).toLocaleString('en').padStart(8)} instructions  ${(count / raw).toFixed(2)}x raw  (+${Math.round(count - raw).toLocaleString('en')})`);
  });
  console.log('  (user-space instructions only: kernel time and cache misses are not counted; repeat runs agreed within about 5%)');
  return perRequest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(`tsgi bench (instructions per request) — node ${process.version}, ${new Date().toISOString()}`);
  await runInstructions();
}
