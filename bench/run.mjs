// @ts-check
/**
 * `npm run bench`: every figure side by side in one run, with its budget (see bench/README.md).
 * It builds first, so it always measures the working tree.
 *
 * A budget miss is reported (FAIL), never an exit code; a server that answers wrongly ends the
 * run with one. The HTTP figures start child processes; all of them are killed at the end.
 */
import { runCodecs } from './codecs.mjs';
import { runHttpHello } from './http-hello.mjs';
import { runInProcess } from './in-process.mjs';
import { runStreams } from './streams.mjs';

console.log(`tsgi bench — node ${process.version}, ${new Date().toISOString()}`);
await runInProcess();
await runCodecs();
await runHttpHello();
await runStreams();
