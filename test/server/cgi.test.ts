/**
 * runCGI: first in-process with injected streams (exact bytes, input bounds, limits,
 * backpressure, a stdout that fails), then as a real script in a child process, with its
 * environment, stdin and stdout pipes (RFC 3875 as a web server runs it).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Body, Environ, NativeApp } from '../../src/native/types';
import { runCGI, type CGIOptions } from '../../src/server/cgi';
import { correct, differences, faulty, fixtures } from '../fixtures';
import { cgiExceptions } from '../integration/support/cgi-exceptions';
import { buildCGIScript, observeCGIScript, observedFromCGIOutput, parseCGIResponse, runCGIScript } from '../integration/support/cgi-script';
import { cgiRequestOf } from '../integration/support/requests';

const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];
const fixture = (name: string) => {
  const found = fixtures.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no fixture ${name}`);
  return found;
};

/** A stdout that keeps every byte; `delay` makes each write take that long (a slow reader). */
class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  written = 0;
  constructor(options: { highWaterMark?: number; delay?: number; failAt?: number } = {}) {
    super({
      highWaterMark: options.highWaterMark ?? 16 * 1024,
      write: (chunk: Buffer, _encoding, callback) => {
        if (options.failAt !== undefined && this.chunks.length + 1 >= options.failAt) {
          callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
          return;
        }
        const done = () => {
          this.chunks.push(chunk);
          this.written += chunk.byteLength;
          callback();
        };
        if (options.delay === undefined) done();
        else setTimeout(done, options.delay);
      },
    });
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface Run {
  raw: Buffer;
  text: string;
  log: string;
  stdout: Collector;
}

async function run(app: NativeApp, env: Record<string, string> = {}, options: CGIOptions & { stdout?: Collector } = {}): Promise<Run> {
  const stdout = options.stdout ?? new Collector();
  let log = '';
  await runCGI(app, { stdin: Readable.from([]), stderr: (text) => (log += text), ...options, env, stdout });
  return { raw: stdout.bytes, text: stdout.bytes.toString('latin1'), log, stdout };
}

/** A body that records how the gateway used it. */
function tracked(chunks: number, size = 4096) {
  const calls = { produced: 0, close: 0, finished: false };
  const body: Body = {
    *[Symbol.iterator]() {
      for (; calls.produced < chunks; calls.produced++) yield Buffer.alloc(size, 0x61);
      calls.finished = true;
    },
    close() {
      calls.close++;
    },
  };
  return { body, calls };
}

/** Runs a fixture in-process, its request turned into CGI variables and stdin. */
async function runFixture(name: string): Promise<Run & { observed: ReturnType<typeof observedFromCGIOutput> }> {
  const f = fixture(name);
  const { env, stdin } = await cgiRequestOf(f.request);
  const result = await run(f.app, env, { stdin: Readable.from([stdin]) });
  return { ...result, observed: observedFromCGIOutput(result.raw, f.request?.method ?? 'GET') };
}

describe('runCGI: the response on stdout', () => {
  it('RFC 3875 §6: Status, the headers, a blank line, the body; N-96: the computed Content-Length', async () => {
    const { text } = await runFixture('hello');
    expect(text).toBe('Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n\r\nHello World\n');
  });

  it('RFC 3875 §6.4: a body of unknown length goes out as it is, no chunk sizes (the web server frames it)', async () => {
    const { text } = await runFixture('generator');
    expect(text).toBe('Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nline 1\nline 2\nline 3\n');
  });

  it('N-103: HEAD gets the headers of a GET and no body', async () => {
    const { text } = await runFixture('head');
    expect(text).toBe('Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n');
  });

  it('N-100: 204 carries no body and no Content-Length', async () => {
    const noContent: NativeApp = (_e, start) => {
      start('204 No Content', [['Content-Length', '4']]);
      return [Buffer.from('body')];
    };
    const { text } = await run(noContent);
    expect(text).toBe('Status: 204 No Content\r\n\r\n');
  });

  it('D-N24: an app that throws gets a 500 with no details, and the error goes to stderr', async () => {
    const { text, log } = await runFixture('throws-before-start');
    expect(text).toBe(
      'Status: 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 22\r\n\r\nInternal Server Error\n',
    );
    expect(log).toContain('application error: Error: database unavailable');
  });

  it('D-N24: errorBody replaces the text of the 500', async () => {
    const { text } = await run(fixture('throws-before-start').app, {}, { errorBody: 'Oops.\n' });
    expect(text).toMatch(/^Status: 500 Internal Server Error\r\n[\s\S]*Content-Length: 6\r\n\r\nOops\.\n$/);
  });

  it('N-3: header values go out as latin-1, one byte per code unit', async () => {
    const { raw } = await runFixture('latin1-header');
    expect(raw.includes(Buffer.from('X-Label: caf\xe9\r\n', 'latin1'))).toBe(true);
    expect(raw.includes(Buffer.from('café', 'utf8'))).toBe(false);
  });

  it('every fixture answers in-process as the test client does (CGI exceptions listed)', async () => {
    const exceptions = cgiExceptions('cgi');
    for (const f of fixtures) {
      const { observed } = await runFixture(f.name);
      expect([f.name, differences(observed, exceptions[f.name]?.expect ?? f.expect)]).toEqual([f.name, []]);
    }
  });

  it('N-94: a body shorter than its Content-Length is cut, and the log says the web server cuts the client', async () => {
    const { raw, log, observed } = await runFixture('underrun');
    expect(observed.complete).toBe(false);
    expect(raw.toString('latin1')).toMatch(/Content-Length: 100\r\n\r\ntoo short$/);
    expect(log).toContain('(N-94)');
    expect(log).toContain("it declared a Content-Length, so the web server sees the body end early and cuts the client's connection");
  });

  it('N-76: a failure mid-body without Content-Length: the log says the client cannot tell', async () => {
    const { text, log } = await runFixture('throws-mid-body');
    expect(text).toMatch(/\r\n\r\npartial $/);
    expect(log).toContain('application error');
    expect(log).toContain('it declared no Content-Length, so the client cannot tell the body is incomplete');
  });

  it('N-51: wsgi.errors writes to stderr, a function or a stream', async () => {
    const logging: NativeApp = (environ, start) => {
      environ['wsgi.errors'].write('from the app\n');
      start('200 OK', [TEXT]);
      return [];
    };
    expect((await run(logging)).log).toBe('from the app\n');
    const stderr = new Collector();
    await runCGI(logging, { env: {}, stdin: Readable.from([]), stdout: new Collector(), stderr });
    expect(stderr.bytes.toString()).toBe('from the app\n');
  });

  it('N-29: the deployer environ comes last', async () => {
    let seen: Environ | undefined;
    const app: NativeApp = (environ, start) => {
      seen = environ;
      start('200 OK', [TEXT]);
      return [];
    };
    await run(app, { MODE: 'env' }, { environ: { MODE: 'extra', 'app.config': 42 } });
    expect(seen?.MODE).toBe('extra');
    expect(seen?.['app.config']).toBe(42);
  });
});

describe('runCGI: the request body on stdin', () => {
  const echo: NativeApp = async (environ, start) => {
    const body = await environ['wsgi.input'].read();
    start('200 OK', [TEXT]);
    return [Buffer.from(`${body.byteLength}:${Buffer.from(body).toString()}:${String(environ['wsgi.input_terminated'])}`)];
  };
  const bodyOf = (r: Run) => parseCGIResponse(r.raw).body.toString();

  it('N-37: wsgi.input stops at CONTENT_LENGTH even when stdin holds more (RFC 3875 §4.2)', async () => {
    const r = await run(echo, { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '5' }, { stdin: Readable.from([Buffer.from('hello, and more')]) });
    expect(bodyOf(r)).toBe('5:hello:true');
  });

  it('D-N11: without CONTENT_LENGTH (or with an empty one) wsgi.input reads stdin to its end', async () => {
    const chunks = () => Readable.from([Buffer.from('de-'), Buffer.from('chunked')]);
    expect(bodyOf(await run(echo, { REQUEST_METHOD: 'POST' }, { stdin: chunks() }))).toBe('10:de-chunked:true');
    expect(bodyOf(await run(echo, { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '' }, { stdin: chunks() }))).toBe('10:de-chunked:true');
  });

  it('stdin is not touched when the app does not read (nothing is opened for a GET)', async () => {
    let opened = 0;
    const stdin = Object.assign(Readable.from([]), {
      [Symbol.asyncIterator]() {
        opened++;
        return Readable.prototype[Symbol.asyncIterator].call(this);
      },
    });
    await run(fixture('hello').app, {}, { stdin });
    expect(opened).toBe(0);
    // The same stream is opened once an app reads it.
    await run(echo, { REQUEST_METHOD: 'POST' }, { stdin });
    expect(opened).toBe(1);
  });

  it('a CONTENT_LENGTH over maxBodySize is answered 413 without running the app', async () => {
    let called = false;
    const app: NativeApp = (e, s) => {
      called = true;
      return echo(e, s);
    };
    const r = await run(app, { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '11' }, { maxBodySize: 10, stdin: Readable.from([Buffer.from('01234567890')]) });
    expect(called).toBe(false);
    expect(r.text).toBe('Status: 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 18\r\n\r\nContent Too Large\n');
    expect(r.log).toContain('CONTENT_LENGTH 11 is over maxBodySize 10');
  });

  it('a body of unknown length growing past maxBodySize fails the read, answered 413', async () => {
    const r = await run(echo, { REQUEST_METHOD: 'POST' }, { maxBodySize: 10, stdin: Readable.from([Buffer.from('0123456789'), Buffer.from('x')]) });
    expect(parseCGIResponse(r.raw).code).toBe(413);
  });

  it('RFC 3875 §4.1.2: a CONTENT_LENGTH that is not a number of bytes is answered 400, HEAD without a body', async () => {
    for (const value of ['-1', '1e3', ' 12', '0x10', '99999999999999999999']) {
      const r = await run(echo, { REQUEST_METHOD: 'POST', CONTENT_LENGTH: value });
      expect(r.text).toBe('Status: 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n\r\nBad Request\n');
    }
    const head = await run(echo, { REQUEST_METHOD: 'HEAD', CONTENT_LENGTH: 'x' });
    expect(head.text).toBe('Status: 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n\r\n');
  });

  it('stdin ending before CONTENT_LENGTH fails the read, answered 400', async () => {
    const r = await run(echo, { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '100' }, { stdin: Readable.from([Buffer.from('short')]) });
    expect(parseCGIResponse(r.raw).code).toBe(400);
  });

  it('drains an unread body up to drainLimit, so fcgiwrap can finish writing it (then releases stdin)', async () => {
    const make = () => {
      const state = { sent: 0 };
      const stdin = Readable.from(
        (function* () {
          for (let i = 0; i < 10; i++) {
            state.sent += 10_000;
            yield Buffer.alloc(10_000);
          }
        })(),
      );
      return { stdin, state };
    };
    const app = fixture('hello').app;
    const drained = make();
    await run(app, { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '100000' }, { stdin: drained.stdin });
    expect(drained.state.sent).toBe(100_000);
    expect(drained.stdin.destroyed).toBe(true);
    // Over the limit: not worth reading; the web server deals with it (docs/deploy.md).
    const left = make();
    await run(app, { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '100000' }, { stdin: left.stdin, drainLimit: 50_000 });
    expect(left.state.sent).toBe(0);
  });
});

describe('runCGI: backpressure and a failing stdout', () => {
  it('N-85: waits for drain on a slow stdout, and resolves only once everything was flushed', async () => {
    const stdout = new Collector({ highWaterMark: 1024, delay: 1 });
    let inFlight = 0;
    const app: NativeApp = (_e, start) => {
      start('200 OK', [TEXT, ['Content-Length', String(40 * 4096)]]);
      return (function* () {
        for (let i = 0; i < 40; i++) {
          inFlight = Math.max(inFlight, i * 4096 - stdout.written);
          yield Buffer.alloc(4096, 0x62);
        }
      })();
    };
    await run(app, {}, { stdout });
    // Never more than the chunk being written (plus the head) ahead of the reader.
    expect(inFlight).toBeLessThanOrEqual(4096 + 200);
    expect(stdout.written).toBe(stdout.bytes.byteLength);
    expect(parseCGIResponse(stdout.bytes).body.byteLength).toBe(40 * 4096);
  });

  it('N-88: stdout failing mid-body (EPIPE: the web server went away) stops and closes the body; runCGI resolves', async () => {
    const { body, calls } = tracked(1000);
    const app: NativeApp = (_e, start) => {
      start('200 OK', [TEXT]);
      return body;
    };
    const stdout = new Collector({ highWaterMark: 1024, failAt: 3 });
    const r = await run(app, {}, { stdout });
    expect(calls.close).toBe(1);
    expect(calls.finished).toBe(false);
    expect(calls.produced).toBeLessThan(10);
    expect(r.log).toContain('stdout failed, the web server went away: write EPIPE');
  });

  it('N-88: a stdout already closed before the response does not throw, and the body is closed', async () => {
    const { body, calls } = tracked(5);
    const app: NativeApp = (_e, start) => {
      start('200 OK', [TEXT]);
      return body;
    };
    const stdout = new Collector();
    stdout.destroy();
    const r = await run(app, {}, { stdout });
    expect(calls.close).toBe(1);
    expect(r.log).toContain('stdout failed');
  });
});

describe('the CGI script in a child process', () => {
  let dir: string;
  let script: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsgi-cgi-'));
    script = await buildCGIScript(dir);
  }, 60_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('every fixture, run as a script with its request in env and stdin (CGI exceptions listed)', async () => {
    const exceptions = cgiExceptions('cgi');
    const queue = [...correct, ...faulty];
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
          const observed = await observeCGIScript(script, f);
          const diff = differences(observed, exceptions[f.name]?.expect ?? f.expect);
          if (observed.exitCode !== 0) diff.push(`exit code ${observed.exitCode}: ${observed.stderr}`);
          if (diff.length > 0) failures.push(`${f.name}: ${diff.join('; ')}`);
        }
      }),
    );
    expect(failures).toEqual([]);
  }, 60_000);

  it('N-27: environment text arrives as the bytes it was (UTF-8 in the environment, native in the environ)', async () => {
    const { stdout } = await runCGIScript(script, { env: { TSGI_FIXTURE: 'environ', PATH_INFO: '/café', X_NOTE: 'ü' } });
    const environ = JSON.parse(parseCGIResponse(stdout).body.toString('latin1')) as Record<string, unknown>;
    expect(environ.PATH_INFO).toBe('/caf\u00c3\u00a9');
    expect(environ.X_NOTE).toBe('\u00c3\u00bc');
    expect(environ).toMatchObject({ 'wsgi.run_once': true, 'wsgi.multiprocess': true, 'wsgi.multithread': false, 'wsgi.input_terminated': true });
  });

  it('N-27: environment bytes that are not UTF-8 were replaced by Node, and arrive as EF BF BD', async () => {
    // Node cannot put such bytes in a child's environment; the shell can.
    const child = spawn('/bin/sh', ['-c', 'PATH_INFO=$(printf "/caf\\351") exec "$0"', script], {
      env: { PATH: process.env.PATH, TSGI_FIXTURE: 'environ' },
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    await new Promise((resolve) => child.on('close', resolve));
    const environ = JSON.parse(parseCGIResponse(Buffer.concat(out)).body.toString('latin1')) as Record<string, unknown>;
    expect(environ.PATH_INFO).toBe('/caf\u00ef\u00bf\u00bd');
  });

  it('RFC 3875 §4.2: exits once the response is out, though the web server keeps stdin open past CONTENT_LENGTH', async () => {
    const child = spawn(script, [], {
      env: { PATH: process.env.PATH, TSGI_FIXTURE: 'read-some', REQUEST_METHOD: 'POST', CONTENT_LENGTH: '5' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    // Five bytes and more, and stdin stays open: the script must not wait for its end.
    child.stdin.write('12345 and more');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running after 5 s'), 5000))]);
    child.stdin.destroy();
    if (code !== 0) child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(parseCGIResponse(Buffer.concat(out)).body.toString()).toBe('12345');
  });

  it('N-88: the web server going away (EPIPE on stdout) ends the body, runs close() and exits normally', async () => {
    const child = spawn(script, [], {
      env: { PATH: process.env.PATH, TSGI_FIXTURE: 'stream', TSGI_TEST_DIR: dir, QUERY_STRING: 'n=2000&id=7' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first bytes, then close our end of the pipe as fcgiwrap does when nginx gives up.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    expect([code, signal]).toEqual([0, null]);
    expect(stderr).toContain('stdout failed, the web server went away');
    expect(stderr).not.toMatch(/Unhandled|node:internal|ERR_/);
    const closed = JSON.parse(readFileSync(join(dir, 'closed-7'), 'utf8')) as { produced: number; of: number };
    expect(closed.produced).toBeLessThan(closed.of);
    expect(existsSync(join(dir, 'exit-7'))).toBe(true);
    expect(readFileSync(join(dir, 'exit-7'), 'utf8')).toBe('0');
  });
});
