// @ts-check
/**
 * Child processes for the HTTP figures: every server and every load generator runs in its own
 * process, pinned to its own core when `taskset` is there (servers on core 0, load on core 1),
 * and every child is killed when the bench ends, also on an error or Ctrl-C.
 *
 * Knobs (environment): BENCH_PIN=0 turns pinning off; BENCH_PROF=1 runs each server under
 * `node --cpu-prof` and says where the profiles went.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}
process.on('exit', killAll);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Whether servers and load generators are pinned to separate cores (taskset, ≥ 2 cores). */
export const PINNED =
  process.env.BENCH_PIN !== '0' &&
  availableParallelism() >= 2 &&
  spawnSync('taskset', ['-c', String(LOAD_CORE), 'true']).status === 0;

/** One line for the output: where the processes run. */
export function placement() {
  return PINNED
    ? `servers pinned to core ${SERVER_CORE}, load generator to core ${LOAD_CORE} (taskset)`
    : 'not pinned (no taskset, fewer than 2 cores, or BENCH_PIN=0)';
}

/**
 * The command line that runs `command` on `core` when pinning is on.
 * @param {number} core
 * @param {string} command
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function onCore(core, command, args) {
  return PINNED ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/** Where `--cpu-prof` writes, when BENCH_PROF=1: one numbered profile per server process. */
export const PROFILE_DIR =
  process.env.BENCH_PROF === '1' ? join(tmpdir(), `tsgi-bench-prof-${process.pid}`) : undefined;
let profiles = 0;

/**
 * @typedef {{ rss: number, maxRSS: number, cpuMicros: number, heapUsed: number, bytes: number, minorFaults: number }} ServerStats
 *   rss and maxRSS in bytes (maxRSS from process.resourceUsage(), converted from KiB);
 *   cpuMicros: user + system CPU time of the server process so far; heapUsed in bytes (after a
 *   full GC when asked with `gc` and the server runs with exposeGc); bytes: body bytes the
 *   streams servers moved so far; minorFaults: minor page faults so far.
 */

/**
 * @typedef {object} ServerChild
 * @property {string} name
 * @property {number} pid
 * @property {number} port
 * @property {string} url  `http://127.0.0.1:<port>`
 * @property {(options?: { gc?: boolean }) => Promise<ServerStats>} stats  asks the server process about itself (IPC)
 * @property {() => Promise<void>} stop  asks it to exit (so --cpu-prof can write), then kills it
 */

/**
 * Starts one server program (bench/servers/*.mjs) in its own process and waits until it listens.
 * The program reports its port over IPC (see servers/ipc.mjs).
 * @param {string} name  for messages
 * @param {URL} script
 * @param {Record<string, string>} [env]  extra environment for the server
 * @param {{ exposeGc?: boolean }} [options]  exposeGc: run with `--expose-gc` (memory probe only)
 * @returns {Promise<ServerChild>}
 */
export async function startServer(name, script, env = {}, { exposeGc = false } = {}) {
  /** @type {string[]} */
  const nodeArgs = exposeGc ? ['--expose-gc'] : [];
  if (PROFILE_DIR !== undefined) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    profiles++;
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${String(profiles).padStart(2, '0')}-${name.replace(/\W+/g, '-')}.cpuprofile`);
  }
  const [command, args] = onCore(SERVER_CORE, process.execPath, [...nodeArgs, fileURLToPath(script)]);
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));

  let nextId = 1;
  let stopping = false;
  /** @type {Map<number, { resolve: (stats: ServerStats) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  /** @type {(value: number) => void} */
  let onReady = () => {};
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    const timer = setTimeout(() => reject(new Error(`${name}: the server did not report ready within 15 s`)), 15_000);
    timer.unref();
    child.once('exit', (code, signal) =>
      reject(new Error(`${name}: the server process exited (${signal ?? `code ${code}`}) before it was ready`)),
    );
    child.once('error', reject);
  });
  child.on('message', (/** @type {any} */ message) => {
    if (message?.type === 'ready') onReady(message.port);
    else if (message?.type === 'stats') {
      pending.get(message.id)?.resolve(message);
      pending.delete(message.id);
    }
  });
  const port = /** @type {number} */ (await ready);
  child.on('exit', (code, signal) => {
    const why = `${name}: the server process exited (${signal ?? `code ${code}`})`;
    for (const [, { reject }] of pending) reject(new Error(why));
    pending.clear();
    if (!stopping) console.error(`  ! ${why} unexpectedly`);
  });

  return {
    name,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    stats({ gc = false } = {}) {
      return new Promise((resolve, reject) => {
        if (!child.connected) {
          reject(new Error(`${name}: the server process is gone`));
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ type: 'stats', id, gc });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.send({ type: 'stop' });
      else child.kill('SIGKILL');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs a command to its end, pinned to the load core, and returns its output.
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export function runLoad(command, args) {
  const [cmd, cmdArgs] = onCore(LOAD_CORE, command, args);
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      children.delete(child);
      reject(error);
    });
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * One plain GET from this process (not the load generator), to check an answer.
 * @param {string} url
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer }>}
 */
export function fetchOnce(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      /** @type {Buffer[]} */
      const parts = [];
      res.on('data', (chunk) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url}: no answer within 10 s`)));
    req.on('error', reject);
  });
}

/**
 * @param {string} name
 * @param {string} fallback
 */
export function envNumber(name, fallback) {
  const text = process.env[name] ?? fallback;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a number > 0, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Progress for a human watching: one line, to stderr so the tables on stdout stay quotable.
 * @param {string} text
 */
export function progress(text) {
  process.stderr.write(`  … ${text}\n`);
}
