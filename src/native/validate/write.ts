/**
 * The `write` the app gets from `startResponse` (VALIDATOR.md V-35, V-65…V-67, V-73). It
 * checks the call and hands the chunk, unchanged, to the server's `write`.
 *
 * @module
 */

import { show } from '../checks';
import type { Write } from '../types';
import type { Invocation } from './invocation';
import { isThenable } from '../thenable';

export function createWrite(inv: Invocation, serverWrite: Write): Write {
  const { report } = inv;

  function writeSettled(): void {
    inv.pendingWrites--;
  }

  return function validatedWrite(...args: unknown[]): Promise<void> {
    const chunk = args[0];
    // V-65 (N-68). `write` only exists once startResponse returned, so through this validator
    // it cannot fire; it guards the wrapper's own invariant.
    if (!inv.started) {
      report.fail('V-65', 'write() was called before startResponse; call startResponse(status, headers) first');
    }
    // V-66 (N-82, D-N8): write() belongs to the app call; bodies yield their chunks instead.
    if (inv.appSettled) {
      report.fail(
        'V-66',
        'write() was called after the app returned (or its Promise settled), e.g. from the body iterator or a timer; ' +
          'yield the chunk from the body instead',
      );
    }
    // V-35 (N-78, N-123): a bytestring.
    if (!(chunk instanceof Uint8Array)) {
      report.fail('V-35', `write() takes a Uint8Array, got ${show(chunk)}; encode text first, e.g. Buffer.from(text, "utf8")`);
    }
    // V-67 (D-N7): the Promise resolves when the server can take more.
    if (inv.pendingWrites > 0) {
      report.fail('V-67', 'write() was called while the previous write() was still pending; await each write() (back-pressure)');
    }
    if (chunk instanceof Uint8Array) inv.addBytes(chunk.byteLength, 'write()');
    // N-64 (b): any write() call, even an empty one, counts as sending the headers.
    inv.headersSent = true;
    const result: unknown = Reflect.apply(serverWrite, undefined, args);
    if (isThenable(result)) {
      inv.pendingWrites++;
      result.then(writeSettled, writeSettled);
    }
    return result as Promise<void>;
  };
}
