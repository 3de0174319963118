/**
 * The apps the CGI test script serves, by name: every fixture of test/fixtures, plus a few
 * apps that only make sense as a real process (they look at their environ, stream until the
 * client leaves, ignore a large body). The script picks one with the TSGI_FIXTURE variable
 * (an nginx `fastcgi_param`, or the env of a child process).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CGIOptions } from '../../../src/server/cgi';
import type { NativeApp } from '../../../src/native/types';
import { toNativeApp } from '../../../src/codecs/to-native-app';
import { fixtures } from '../../fixtures';
import { bytesVersionOf } from '../../fixtures/bytes-versions';

export interface CGIApp {
  app: NativeApp;
  /** runCGI options for this app (limits). */
  options?: CGIOptions;
}

const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** Reads a number from the query string (`n=5`), or the fallback. */
function queryNumber(environ: Record<string, unknown>, name: string, fallback: number): number {
  const match = new RegExp(`(?:^|&)${name}=([0-9]+)`).exec(String(environ.QUERY_STRING ?? ''));
  return match === null ? fallback : Number(match[1]);
}

/** Every string-valued key of the environ and the wsgi.* flags, as JSON (native strings as they are). */
const environApp: NativeApp = (environ, start) => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(environ)) {
    if (typeof value === 'string' || typeof value === 'boolean') out[key] = value;
  }
  out['wsgi.version'] = environ['wsgi.version'];
  out['wsgi.input'] = typeof environ['wsgi.input']?.read;
  out['wsgi.errors'] = typeof environ['wsgi.errors']?.write;
  out['wsgi.file_wrapper'] = typeof environ['wsgi.file_wrapper'];
  start('200 OK', [['Content-Type', 'application/json']]);
  // Native strings hold one byte per code unit: send those bytes, so the test sees exactly them.
  return [Buffer.from(JSON.stringify(out), 'latin1')];
};

/**
 * Streams `n` chunks of 64 KiB (query `n`, default 2000, `length=1` to declare Content-Length),
 * then records in $TSGI_TEST_DIR/closed-<id> how many it produced (proof that close() ran when
 * the client left, N-88) and in exit-<id> the process's exit code.
 */
const streamApp: NativeApp = (environ, start) => {
  const count = queryNumber(environ, 'n', 2000);
  const id = queryNumber(environ, 'id', 0);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const headers: [string, string][] = [TEXT];
  if (queryNumber(environ, 'length', 0) === 1) headers.push(['Content-Length', String(count * chunk.byteLength)]);
  start('200 OK', headers);
  const dir = process.env.TSGI_TEST_DIR;
  // The process ending is what lets fcgiwrap finish the request: record that it did, and how.
  if (dir !== undefined) process.once('exit', (code) => writeFileSync(join(dir, `exit-${id}`), String(code)));
  let produced = 0;
  return {
    async *[Symbol.asyncIterator]() {
      for (; produced < count; produced++) {
        await new Promise((r) => setTimeout(r, 2));
        yield chunk;
      }
    },
    close() {
      if (dir !== undefined) writeFileSync(join(dir, `closed-${id}`), JSON.stringify({ produced, of: count }));
    },
  };
};

/** Answers without reading the body (whatever its size). */
const ignoreBodyApp: NativeApp = (environ, start) => {
  start('200 OK', [TEXT]);
  return [Buffer.from(`ignored a body of ${String(environ.CONTENT_LENGTH)} bytes`)];
};

/** Reads the whole body and answers its length. */
const countBodyApp: NativeApp = async (environ, start) => {
  let total = 0;
  for (;;) {
    const chunk = await environ['wsgi.input'].read(65536);
    if (chunk.byteLength === 0) break;
    total += chunk.byteLength;
  }
  start('200 OK', [TEXT]);
  return [Buffer.from(`${total} bytes`)];
};

/** Reads the first 5 bytes of the body only. */
const readSomeApp: NativeApp = async (environ, start) => {
  const first = await environ['wsgi.input'].read(5);
  start('200 OK', [TEXT]);
  return [first];
};

/** A redirect to a local path: with a Status line, nginx must pass it on, not follow it. */
const redirectApp: NativeApp = (_environ, start) => {
  start('302 Found', [['Location', '/cgi/hello/'], TEXT]);
  return [Buffer.from('moved')];
};

export const cgiApps: Record<string, CGIApp> = {
  ...Object.fromEntries(fixtures.map((fixture) => [fixture.name, { app: fixture.app }])),
  // The bytes version of each fixture, served through its adapter as `tsgi cgi --flavour bytes` does.
  ...Object.fromEntries(fixtures.map((fixture) => [`bytes-${fixture.name}`, { app: toNativeApp(bytesVersionOf(fixture.name).app) }])),
  environ: { app: environApp },
  stream: { app: streamApp },
  'ignore-body': { app: ignoreBodyApp },
  'count-body': { app: countBodyApp },
  'count-body-1k': { app: countBodyApp, options: { maxBodySize: 1024 } },
  'read-some': { app: readSomeApp },
  redirect: { app: redirectApp },
};
