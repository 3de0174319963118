// @ts-check
/** HTTP hello on fastify: the same route and body, no logger. */
import Fastify from 'fastify';
import { portOf, ready } from './ipc.mjs';

const HELLO = Buffer.from('Hello World\n');

const app = Fastify({ logger: false });
app.get('/', (_request, reply) => {
  reply.header('Content-Type', 'text/plain').send(HELLO);
});
await app.listen({ port: 0, host: '127.0.0.1' });
ready(portOf(app.server.address()));
