// @ts-check
/** HTTP hello through tsgi: a bytes (Web3) app served by `serve(app, { flavour: 'bytes' })`. */
import { serve } from 'tsgi/server';
import { portOf, ready } from './ipc.mjs';

const HELLO = Buffer.from('Hello World\n');
const STATUS = Buffer.from('200 OK');
/**
 * A Web3 app sets its own Content-Length (B-14: the server never computes it).
 * @type {import('tsgi/bytes').BytesHeaderList}
 */
const HEADERS = [
  [Buffer.from('Content-Type'), Buffer.from('text/plain')],
  [Buffer.from('Content-Length'), Buffer.from(String(HELLO.byteLength))],
];

/** @type {import('tsgi/bytes').BytesApp} */
const app = () => [STATUS, HEADERS.slice(), [HELLO]];

const server = await serve(app, { flavour: 'bytes', port: 0, host: '127.0.0.1' });
ready(portOf(server.address));
