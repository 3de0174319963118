// @ts-check
/**
 * `npm run bench`: every figure side by side in one run, with its budget (see bench/README.md).
 * It builds first, so it always measures the working tree.
 */
import { runInProcess } from './in-process.mjs';

console.log(`tsgi bench — node ${process.version}, ${new Date().toISOString()}`);
await runInProcess();
