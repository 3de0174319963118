/**
 * The timeouts of src/server/options.ts over real sockets: requestTimeout, keepAliveTimeout and
 * shutdownTimeout (headerTimeout is in http.test.ts). Each runs with a small value and asserts
 * the outcome and the order of events, with upper bounds far below the defaults (5 s, 5 min,
 * 30 s) so a limit that was ignored fails, yet loose enough for a slow, busy machine.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { NativeApp } from '../../src/native/types';
import { parseResponses, request, start } from './support/clients';

const ok: [string, string][] = [['Content-Type', 'text/plain']];
const bytes = (s: string) => Buffer.from(s, 'latin1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw connection that records what arrives and when the server ends it. */
function connection(port: number): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now())));
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed }));
  });
}

/** Resolves with `value` after `ms`, for races against an outcome that should come sooner. */
const after = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms).unref());

/** Waits until `received()` holds `text` (or gives up after `ms`). */
async function until(received: () => Buffer, text: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!received().toString('latin1').includes(text) && Date.now() < deadline) await sleep(10);
}

describe('requestTimeout: the whole request (head and body) must arrive in time', () => {
  /** Reads the whole body, then answers with its length. */
  const readAll: NativeApp = async (environ, startResponse) => {
    const body = await environ['wsgi.input'].read();
    startResponse('200 OK', ok);
    return [bytes(`read ${body.byteLength}`)];
  };

  it('a body that trickles past requestTimeout gets 408 with Connection: close, and the cause is logged', async () => {
    const { port, log } = await start(readAll, { requestTimeout: 400 });
    const { socket, received, closed } = await connection(port);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n');
    // One byte every 100 ms: 100 bytes would take 10 s; the limit is 0.4 s.
    const trickle = setInterval(() => socket.writable && socket.write('x'), 100);
    const started = Date.now();
    const end = await Promise.race([closed, after(8_000, 0)]);
    clearInterval(trickle);
    expect(end, 'the server ended the connection').toBeGreaterThan(0);
    expect(end - started).toBeLessThan(5_000);
    const [response] = parseResponses(received());
    expect(response!.status).toBe(408);
    expect(response!.headers).toContainEqual(['Connection', 'close']);
    expect(log.join('')).toContain('requestTimeout');
    expect(log.join('')).toContain('ERR_HTTP_REQUEST_TIMEOUT');
  });

  it('a short requestTimeout is enforced within about a quarter of itself, not at the next 1 s check', async () => {
    // Node checks its timeouts every connectionsCheckingInterval; derived from headerTimeout
    // alone (20 s here), that was 1 s, so a 300 ms limit fired after 1 s or more.
    const { port } = await start(readAll, { requestTimeout: 300 });
    const { socket, closed } = await connection(port);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('x'), 50);
    const started = Date.now();
    const end = await Promise.race([closed, after(8_000, 0)]);
    clearInterval(trickle);
    expect(end, 'the server ended the connection').toBeGreaterThan(0);
    expect(end - started).toBeLessThan(900);
  });

  it('a slow body that arrives within requestTimeout is read whole and answered', async () => {
    const { port } = await start(readAll, { requestTimeout: 10_000 });
    async function* slowly() {
      for (let i = 0; i < 5; i++) {
        await sleep(50);
        yield bytes('xx');
      }
    }
    const response = await request(port, { method: 'POST', headers: { 'Content-Length': '10' }, body: slowly() });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('read 10');
  });

  it('requestTimeout 0 disables it: a body slower than headerTimeout still gets through', async () => {
    // With requestTimeout 0 only headerTimeout (here 300 ms) applies, and only to the head.
    const { port } = await start(readAll, { requestTimeout: 0, headerTimeout: 300 });
    async function* slowly() {
      yield bytes('ab');
      await sleep(900);
      yield bytes('cd');
    }
    const response = await request(port, { method: 'POST', headers: { 'Content-Length': '4' }, body: slowly() });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('read 4');
  });

  it('N-88, N-93, N-94: once a response has begun, a request timeout cuts the connection; no 408 is written into the body', async () => {
    // The app answers at once, with a Content-Length, then reads the body before the rest of
    // its own. The request times out in between: the client must see a response cut short,
    // never a "whole" one whose body bytes are a 408 status line.
    let closes = 0;
    const app: NativeApp = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '20']]);
      return {
        async *[Symbol.asyncIterator]() {
          yield bytes('first half|');
          await environ['wsgi.input'].read();
          yield bytes('second ha');
        },
        close() {
          closes++;
        },
      } as AsyncIterable<Uint8Array> & { close(): void };
    };
    const { port, log } = await start(app, { requestTimeout: 400 });
    const { socket, received, closed } = await connection(port);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n');
    await until(received, 'first half|');
    const trickle = setInterval(() => socket.writable && socket.write('x'), 100);
    const end = await Promise.race([closed, after(8_000, 0)]);
    clearInterval(trickle);
    expect(end, 'the server ended the connection').toBeGreaterThan(0);
    const text = received().toString('latin1');
    expect(text).not.toContain('408');
    const [response] = parseResponses(received());
    expect(response!.status).toBe(200);
    expect(response!.body.toString('latin1')).toBe('first half|');
    expect(response!.complete).toBe(false);
    expect(log.join('')).toContain('requestTimeout');
    expect(log.join('')).toContain('the response in progress is cut');
    for (let i = 0; i < 100 && closes === 0; i++) await sleep(10);
    expect(closes).toBe(1);
  });
});

describe('keepAliveTimeout: how long an idle keep-alive connection stays open', () => {
  // Node 20.20 waits keepAliveTimeout plus a 1 s buffer (HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER)
  // before it closes an idle connection, so that clients, told `Keep-Alive: timeout=N`, never
  // race the close. The bounds below allow for it.
  const hello: NativeApp = (_e, startResponse) => (startResponse('200 OK', ok), [bytes('hello')]);
  const get = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

  it('the connection serves requests back to back, then the server closes it after keepAliveTimeout idle', async () => {
    const { port } = await start(hello, { keepAliveTimeout: 1_000 });
    const { socket, received, closed } = await connection(port);
    socket.write(get);
    await until(received, 'hello');
    socket.write(get);
    for (let i = 0; i < 500 && parseResponses(received()).length < 2; i++) await sleep(10);
    const idleFrom = Date.now();
    const responses = parseResponses(received());
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    // Node announces the limit in whole seconds.
    expect(responses[0]!.headers).toContainEqual(['Keep-Alive', 'timeout=1']);
    const end = await Promise.race([closed, after(4_500, 0)]);
    expect(end, 'closed by the server well before the 5 s default (+1 s)').toBeGreaterThan(0);
    // Not closed at once after the response (that would be Connection: close): it waited idle.
    expect(end - idleFrom).toBeGreaterThanOrEqual(800);
  });

  it('each request restarts the idle clock: idle gaps that add up past keepAliveTimeout keep one connection', async () => {
    // 500 ms, closed after about 1.5 s idle; six gaps of 300 ms are 1.8 s idle in all.
    const { port } = await start(hello, { keepAliveTimeout: 500 });
    const { socket, received, closed } = await connection(port);
    let ended = false;
    void closed.then(() => (ended = true));
    for (let i = 1; i <= 6; i++) {
      socket.write(get);
      for (let j = 0; j < 500 && parseResponses(received()).length < i; j++) await sleep(10);
      expect(ended, `connection open after request ${i}`).toBe(false);
      await sleep(300);
    }
    expect(parseResponses(received()).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(ended).toBe(false);
    socket.destroy();
  });
});

describe('shutdownTimeout: how long close() waits for requests in flight', () => {
  it('N-88: close() with a hanging response cuts it after shutdownTimeout, calls the body\'s close() once, and resolves', async () => {
    let closes = 0;
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', ok);
      return {
        async *[Symbol.asyncIterator]() {
          yield bytes('started|');
          await new Promise(() => undefined); // never ends
        },
        close() {
          closes++;
        },
      } as AsyncIterable<Uint8Array> & { close(): void };
    };
    const { port, server } = await start(app, { shutdownTimeout: 1_000 });
    const { socket, received, closed } = await connection(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(received, 'started|');
    const closing = Date.now();
    let resolvedAt = 0;
    const done = server.close().then(() => (resolvedAt = Date.now()));
    // Not cut at once: the request in flight gets its grace period.
    await sleep(200);
    expect(socket.destroyed).toBe(false);
    expect(resolvedAt).toBe(0);
    const outcome = await Promise.race([done.then(() => 'resolved'), after(5_000, 'still waiting (the 30 s default?)')]);
    expect(outcome).toBe('resolved');
    expect(resolvedAt - closing).toBeGreaterThanOrEqual(900);
    const end = await Promise.race([closed, after(2_000, 0)]);
    expect(end, 'the hanging connection was cut').toBeGreaterThan(0);
    const [response] = parseResponses(received());
    expect(response!.status).toBe(200);
    expect(response!.complete).toBe(false);
    for (let i = 0; i < 100 && closes === 0; i++) await sleep(10);
    expect(closes).toBe(1);
  });

  it('close() with an app that never answers ends after shutdownTimeout; the client sees the connection cut', async () => {
    let arrived: () => void = () => undefined;
    const called = new Promise<void>((r) => (arrived = r));
    const app: NativeApp = () => {
      arrived();
      return new Promise(() => undefined);
    };
    const { port, server } = await start(app, { shutdownTimeout: 300 });
    const pending = request(port).then(
      (r) => ({ complete: r.complete, status: r.status }),
      (e: NodeJS.ErrnoException) => ({ error: e.code ?? e.message }),
    );
    await called;
    const outcome = await Promise.race([server.close().then(() => 'resolved'), after(5_000, 'still waiting')]);
    expect(outcome).toBe('resolved');
    expect(await pending).toEqual({ error: 'ECONNRESET' });
  });

  it('a response that finishes within shutdownTimeout is sent whole, and close() does not wait the full timeout', async () => {
    const app: NativeApp = async (_e, startResponse) => {
      await sleep(200);
      startResponse('200 OK', ok);
      return [bytes('done')];
    };
    const { port, server } = await start(app, { shutdownTimeout: 10_000 });
    const pending = request(port);
    await sleep(50);
    const closing = Date.now();
    await server.close();
    expect(Date.now() - closing).toBeLessThan(5_000);
    const response = await pending;
    expect(response.complete).toBe(true);
    expect(response.body.toString()).toBe('done');
  });
});

describe('a client error while a response is on the wire', () => {
  it('N-94: a malformed pipelined request cuts the response in flight; no 400 is written into its body', async () => {
    // Written into the body, "HTTP/1.1 400…" would fill the 12 declared bytes: the client
    // would take "first|HTTP/1" as a whole response.
    const app: NativeApp = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '12']]);
      return (async function* () {
        yield bytes('first|');
        await sleep(300);
        yield bytes('second');
      })();
    };
    const { port, log } = await start(app);
    const { socket, received, closed } = await connection(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(received, 'first|');
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    expect(await Promise.race([closed, after(5_000, 0)])).toBeGreaterThan(0);
    expect(received().toString('latin1')).not.toContain('400 Bad Request');
    const responses = parseResponses(received());
    expect(responses).toHaveLength(1);
    expect(responses[0]!.body.toString('latin1')).toBe('first|');
    expect(responses[0]!.complete).toBe(false);
    expect(log.join('')).toMatch(/400 Bad Request .*HPE_INVALID_METHOD.*the response in progress is cut/);
  });
});
