// @ts-check
/** HTTP hello, the baseline: raw node:http, nothing in between. */
import http from 'node:http';
import { portOf, ready } from './ipc.mjs';

const HELLO = Buffer.from('Hello World\n');

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '12' });
  res.end(HELLO);
});
server.listen(0, '127.0.0.1', () => ready(portOf(server.address())));
