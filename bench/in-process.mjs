// @ts-check
/**
 * In-process figure: one sync hello request through the lifecycle, next to a bare call of the
 * same app, in the same run. No sockets: this is the cost tsgi adds on top of the app itself.
 */
import { buildEnviron, callApplication, runApplication } from 'tsgi/native';
import { measureAsync, measureSync, printTable } from './measure.mjs';

const HELLO = Buffer.from('Hello World\n');
/** @type {import('tsgi/native').NativeApp} */
const hello = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [HELLO];
};

const environ = buildEnviron();

// The bare call: what a hand-written server would do at least: call, take status and headers,
// walk the body.
let sink = 0;
function bareCall() {
  /** @type {unknown} */
  let status;
  const body = hello(environ, (s) => {
    status = s;
    return async () => {};
  });
  for (const chunk of /** @type {Uint8Array[]} */ (body)) sink += chunk.byteLength;
  if (status === undefined) throw new Error('unreachable');
}

/** A transport that accepts everything and keeps nothing. */
const nullSink = {
  canChunk: true,
  sendHead() {},
  /** @param {Uint8Array} chunk */
  write(chunk) {
    sink += chunk.byteLength;
    return true;
  },
  drained: () => Promise.resolve(),
  end() {},
  abort() {},
  onAbort() {},
};

function throughLifecycle() {
  const pending = runApplication(hello, environ, nullSink);
  if (pending !== undefined) throw new Error('the sync fast path took a Promise');
}

export async function runInProcess() {
  const bare = measureSync(bareCall);
  const lifecycle = measureSync(throughLifecycle);
  const withEnviron = measureSync(() => {
    const pending = runApplication(hello, buildEnviron(), nullSink);
    if (pending !== undefined) throw new Error('the sync fast path took a Promise');
  });
  const client = await measureAsync(() => callApplication(hello, buildEnviron()));
  printTable('in-process: one sync hello request (median of 21 rounds)', [
    ['bare function call', bare],
    ['lifecycle (runApplication)', lifecycle],
    ['lifecycle + buildEnviron', withEnviron],
    ['test client (callApplication)', client],
  ]);
  const overhead = lifecycle.median - bare.median;
  console.log(`  lifecycle overhead per request: ${overhead.toFixed(0)} ns (budget: 500 ns)`);
  if (sink < 0) console.log(sink);
  return { bare, lifecycle, overhead };
}
