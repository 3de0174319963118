/**
 * The `startResponse` the app sees (VALIDATOR.md V-18, V-61…V-64; the argument checks are in
 * response-head.ts). It checks the call, forwards it unchanged to the server's
 * `startResponse`, watches how the server answers and returns a checking `write`.
 *
 * @module
 */

import type { StartResponse, Write } from '../types';
import type { Invocation } from './invocation';
import { checkResponseHead } from './response-head';
import { createWrite } from './write';

export function createStartResponse(inv: Invocation, serverStartResponse: StartResponse): StartResponse {
  const { report } = inv;
  return function validatedStartResponse(...args: unknown[]): Write {
    // Counted before any check: a call that throws still counts as a call (N-67).
    inv.startResponseCalls++;
    // V-18 (N-52): status, headers and an optional excInfo, positionally.
    if (args.length !== 2 && args.length !== 3) {
      report.fail('V-18', `startResponse takes 2 or 3 arguments (status, headers, excInfo?), got ${args.length}`);
    }
    const [status, headers, excInfo] = args;
    // D-N2: undefined means "not supplied"; any other value is a caught error.
    const excSupplied = args.length >= 3 && excInfo !== undefined;
    // V-64 (D-N9): only while the app runs or while the server iterates the body.
    if (!inv.inResponseWindow()) {
      report.fail(
        'V-64',
        'startResponse was called outside the app call and outside body iteration (e.g. from a timer after the app returned); ' +
          'call it before returning, or from the body iterator',
      );
    }
    // V-61 (N-67): a second call must carry excInfo, even when the first one threw.
    if (inv.startResponseCalls > 1 && !excSupplied) {
      report.fail(
        'V-61',
        'startResponse was called again without excInfo; call it once, or pass the caught error as the third argument ' +
          'to replace the response after an error',
      );
    }
    const head = checkResponseHead(report, status, headers, excInfo, excSupplied);

    const sentBefore = inv.headersSent;
    let serverWrite: Write;
    try {
      serverWrite = Reflect.apply(serverStartResponse, undefined, args) as Write;
    } catch (error) {
      // N-72: the app must let this error propagate; V-63 watches that it does.
      if (excSupplied) inv.trapped = true;
      throw error;
    }
    inv.head = head;
    // V-62 (N-71): after the headers went out, an excInfo call cannot change them; the server
    // must throw (ideally excInfo itself).
    if (excSupplied && sentBefore) {
      report.fail(
        'V-62',
        'the server accepted startResponse(status, headers, excInfo) after the headers were sent; ' +
          'a server must throw (re-throw excInfo) once headers are out (server bug)',
      );
    }
    return createWrite(inv, serverWrite);
  };
}
