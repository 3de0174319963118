// @ts-check
/** HTTP hello through tsgi: a legacy text app (its body is a string) served with `flavour: 'legacy'`. */
import { serve } from 'tsgi/server';
import { portOf, ready } from './ipc.mjs';

/**
 * @param {Record<string, unknown>} _environ
 * @param {(status: string, headers: [string, string][]) => unknown} startResponse
 */
function app(_environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['Hello World\n'];
}

const server = await serve(/** @type {never} */ (app), { flavour: 'legacy', port: 0, host: '127.0.0.1' });
ready(portOf(server.address));
