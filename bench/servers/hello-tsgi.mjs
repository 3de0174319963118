// @ts-check
/** HTTP hello through tsgi: a native app served by `serve()` from the built package (no access log). */
import { serve } from 'tsgi/server';
import { portOf, ready } from './ipc.mjs';

const HELLO = Buffer.from('Hello World\n');

/** @type {import('tsgi/native').NativeApp} */
const app = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [HELLO];
};

const server = await serve(app, { port: 0, host: '127.0.0.1' });
ready(portOf(server.address));
