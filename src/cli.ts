/**
 * The `tsgi` command.
 *
 *   tsgi serve MODULE[:EXPORT] [options]   serve an app over HTTP until SIGTERM or SIGINT
 *   tsgi cgi MODULE[:EXPORT]               answer one request as a CGI script
 *   tsgi check MODULE[:EXPORT] [--json]    run the app over test requests, report problems
 *
 * Exit codes: 0 done (a graceful stop included; for check: no errors, warnings allowed), 1
 * failed while running (e.g. the port is in use) or check found an error, 2 usage error, 3 the
 * app could not be loaded.
 *
 * @module
 */

import { parseArgs } from 'node:util';
import { LoadError, loadApp } from './cli/load-app';
import type { HeaderPolicy } from './codecs/headers';
import type { LegacyOptions } from './codecs/legacy';
import type { PathErrors } from './codecs/path';
import type { NativeApp } from './native/types';
import { runCGI } from './server/cgi';
import { type Limits, parseDuration, parseSize } from './server/options';
import { nativeAppOf, serve, UnsupportedError } from './server/serve';
import type { BytesApp } from './bytes/types';
import type { Flavour, Protocol, ServeOptions } from './server/types';
import { VERSION } from './server/version';
import { isWorkerProcess } from './server/workers';

const EXIT_RUNTIME = 1;
const EXIT_USAGE = 2;
const EXIT_LOAD = 3;

const HELP = `tsgi ${VERSION}: the Web Server Gateway Interface for TypeScript

Usage:
  tsgi serve MODULE[:EXPORT] [options]   serve an app over HTTP
  tsgi cgi MODULE[:EXPORT] [--flavour F] answer one request as a CGI script (RFC 3875)
  tsgi check MODULE[:EXPORT] [--flavour F] [--json]
                                         run the app over a set of test requests under the
                                         validator; list each problem with its rule and the
                                         MIGRATION.md section that fixes it. Exits 1 on errors
  tsgi --help | --version

MODULE is a .js or .mjs file (.ts with a TypeScript loader); EXPORT defaults to the default
export, then \`app\`, then \`application\`.

Options for serve:
  --flavour auto|native|bytes|legacy   default auto: 2 parameters = native, 1 = bytes;
                                       legacy is never guessed
  --protocol http|fastcgi|scgi|uwsgi   default http
  --host HOST                          default 127.0.0.1
  --port PORT                          default 8000
  --socket PATH                        listen on a Unix socket instead
  --workers N                          pre-fork N processes (node:cluster); default 1
  --script-name PATH                   mount point; requests outside it get 404
  --cert FILE --key FILE               serve HTTPS
  --access-log                         Combined Log Format on stdout
  --serialize                          one request at a time (wsgi.multithread false)
  --allow-underscore-headers           keep request headers whose names hold "_"
For --flavour legacy (text apps; never chosen by auto):
  --charset NAME                       body text without a declared charset (default utf-8)
  --url-charset NAME                   what the request path's bytes are (default utf-8)
  --header-policy P                    auto|strict|rfc2047|rfc8187|percent (default auto)
  --path-errors E                      strict (400)|replace|repercent|latin1-fallback
For check:
  --json                               the report as JSON on stdout
  --flavour and the legacy options above apply as for serve
Limits (sizes like 512k, 10m, 1g; durations like 500ms, 20s, 5m):
  --max-body SIZE                      request body (default 1g)
  --max-header-size SIZE               request head (default 16k)
  --max-headers N                      request header fields (default 100)
  --header-timeout DURATION            to receive the head (default 20s)
  --request-timeout DURATION           to receive the whole request (default 5m)
  --keep-alive-timeout DURATION        idle keep-alive connection (default 5s)
  --drain-limit SIZE                   unread body read to keep a connection (default 256k)
  --shutdown-timeout DURATION          graceful stop before cutting requests (default 30s)
`;

class UsageError extends Error {}

const LIMIT_FLAGS: ReadonlyArray<[flag: keyof Values, key: keyof Limits, parse: (text: string) => number]> = [
  ['max-body', 'maxBodySize', parseSize],
  ['max-body-size', 'maxBodySize', parseSize],
  ['max-header-size', 'maxHeaderSize', parseSize],
  ['max-headers', 'maxHeaderCount', parseCount],
  ['header-timeout', 'headerTimeout', parseDuration],
  ['request-timeout', 'requestTimeout', parseDuration],
  ['keep-alive-timeout', 'keepAliveTimeout', parseDuration],
  ['drain-limit', 'drainLimit', parseSize],
  ['shutdown-timeout', 'shutdownTimeout', parseDuration],
];

function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new RangeError(`not a whole number: ${JSON.stringify(text)}`);
  return Number(text);
}

const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      flavour: text,
      protocol: text,
      host: text,
      port: text,
      socket: text,
      workers: text,
      'script-name': text,
      cert: text,
      key: text,
      'max-body': text,
      'max-body-size': text,
      'max-header-size': text,
      'max-headers': text,
      'header-timeout': text,
      'request-timeout': text,
      'keep-alive-timeout': text,
      'drain-limit': text,
      'shutdown-timeout': text,
      charset: text,
      'url-charset': text,
      'header-policy': text,
      'path-errors': text,
      'access-log': flag,
      serialize: flag,
      json: flag,
      'allow-underscore-headers': flag,
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

type Values = ReturnType<typeof parseCommandLine>['values'];

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${value}`);
  return value as T;
}

/** --flavour auto decides by the number of declared parameters: 2 is native, 1 is bytes. */
export function chooseFlavour(requested: string, app: (...args: never[]) => unknown, label: string): Flavour {
  if (requested !== 'auto') return requested as Flavour;
  if (app.length === 2) return 'native';
  if (app.length === 1) return 'bytes';
  throw new UsageError(
    `cannot tell the flavour of ${label}: it declares ${app.length} parameters (native apps take 2, bytes apps 1); ` +
      'pass --flavour native, bytes or legacy',
  );
}

async function readFileOption(path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** --charset, --url-charset, --header-policy, --path-errors: fromLegacyApp's options. */
function legacyOptions(values: Values): LegacyOptions {
  return {
    charset: values.charset,
    urlCharset: values['url-charset'],
    headerPolicy: oneOf<HeaderPolicy | 'auto'>('header-policy', values['header-policy'], ['auto', 'strict', 'rfc2047', 'rfc8187', 'percent'], 'auto'),
    errors: oneOf<PathErrors>('path-errors', values['path-errors'], ['strict', 'replace', 'repercent', 'latin1-fallback'], 'strict'),
  };
}

async function serveOptions(values: Values): Promise<ServeOptions> {
  const options: ServeOptions = {
    protocol: oneOf<Protocol>('protocol', values.protocol, ['http', 'fastcgi', 'scgi', 'uwsgi'], 'http'),
    host: values.host ?? '127.0.0.1',
    accessLog: values['access-log'] === true,
    serialize: values.serialize === true,
    allowUnderscoreHeaders: values['allow-underscore-headers'] === true,
  };
  if (values.port !== undefined) {
    const port = parseCount(values.port);
    if (port > 65535) throw new UsageError(`--port must be 0-65535, got ${values.port}`);
    options.port = port;
  }
  if (values.socket !== undefined) options.path = values.socket;
  if (values.workers !== undefined) {
    options.workers = parseCount(values.workers);
    if (options.workers < 1) throw new UsageError('--workers must be at least 1');
  }
  if (values['script-name'] !== undefined) options.scriptName = values['script-name'];
  options.legacy = legacyOptions(values);
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
  options.cert = await readFileOption(values.cert);
  options.key = await readFileOption(values.key);
  for (const [flag, key, parse] of LIMIT_FLAGS) {
    const given = values[flag];
    if (typeof given !== 'string') continue;
    try {
      options[key] = parse(given);
    } catch (error) {
      throw new UsageError(`--${flag}: ${(error as Error).message}`);
    }
  }
  return options;
}

function say(line: string): void {
  process.stderr.write(`tsgi: ${line}\n`);
}

async function commandServe(spec: string, values: Values): Promise<number> {
  const options = await serveOptions(values);
  const requested = oneOf('flavour', values.flavour, ['auto', 'native', 'bytes', 'legacy'], 'auto');
  const { app, label } = await loadApp(spec);
  options.flavour = chooseFlavour(requested, app, label);
  const server = await serve(app as unknown as NativeApp | BytesApp, options);
  if (isWorkerProcess()) return -1; // a worker lives until the primary tells it to stop
  const workers = options.workers ?? 1;
  say(`serving ${label} (${options.flavour}) on ${server.url}${workers > 1 ? ` with ${workers} workers` : ''}; Ctrl+C to stop`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        say(`${signal} again: stopping now`);
        process.exit(130);
      }
      stopping = true;
      say(`${signal}: finishing requests in flight, then stopping`);
      server.close().then(
        () => resolve(0),
        (error: unknown) => {
          say(`stopping failed: ${String(error)}`);
          resolve(EXIT_RUNTIME);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

async function commandCheck(spec: string, values: Values): Promise<number> {
  const requested = oneOf('flavour', values.flavour, ['auto', 'native', 'bytes', 'legacy'], 'auto');
  const legacy = legacyOptions(values);
  const json = values.json === true;
  const { label, report } = await stdoutToStderr(json, async () => {
    const { app, label } = await loadApp(spec);
    const flavour = chooseFlavour(requested, app, label);
    // Loaded on demand, as the legacy adapter is by serve: check brings the validators.
    const { checkApp } = await import('./cli/check');
    say(`checking ${label} as a ${flavour} app`);
    return { label, report: await checkApp(app, { flavour, legacy }) };
  });
  const { formatReport } = await import('./cli/check');
  process.stdout.write(json ? `${JSON.stringify({ app: label, ...report }, null, 2)}\n` : formatReport(report));
  return report.summary.errors > 0 ? EXIT_RUNTIME : 0;
}

/**
 * With --json, stdout carries the report and nothing else: what the app prints while it loads
 * and answers (console.log in a handler) goes to stderr meanwhile.
 */
async function stdoutToStderr<T>(enabled: boolean, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await run();
  } finally {
    process.stdout.write = write;
  }
}

async function commandCGI(spec: string, values: Values): Promise<number> {
  const requested = oneOf('flavour', values.flavour, ['auto', 'native', 'bytes', 'legacy'], 'auto');
  const { app, label } = await loadApp(spec);
  const options = await serveOptions(values);
  options.flavour = chooseFlavour(requested, app, label);
  const native = await nativeAppOf(app as unknown as NativeApp | BytesApp, options);
  await runCGI(native, { maxBodySize: options.maxBodySize, drainLimit: options.drainLimit });
  // The web server waits for the script to exit: a pool or timer the app left open must not
  // keep the client waiting. Exit once stderr has flushed (stdout already has).
  if (process.stderr.writableLength > 0) await new Promise((resolve) => process.stderr.once('drain', resolve));
  process.exit(0);
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    say(`${(error as Error).message}\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.version === true) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, spec, ...extra] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return values.help === true || command === 'help' ? 0 : EXIT_USAGE;
  }
  try {
    if (spec === undefined) throw new UsageError(`${command} needs a MODULE[:EXPORT]`);
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (command === 'serve') return await commandServe(spec, values);
    if (command === 'cgi') return await commandCGI(spec, values);
    if (command === 'check') return await commandCheck(spec, values);
    throw new UsageError(`unknown command ${JSON.stringify(command)}; try tsgi --help`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnsupportedError) {
      say(error.message);
      return EXIT_USAGE;
    }
    if (error instanceof LoadError) {
      say(error.message);
      return EXIT_LOAD;
    }
    say((error as Error).message ?? String(error));
    return EXIT_RUNTIME;
  }
}

// Run when executed (the bin), not when imported by tests.
const invoked = process.argv[1] ?? '';
if (/[\\/](cli\.(?:js|mjs|cjs|ts)|tsgi)$/.test(invoked)) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      say(`internal error: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = EXIT_RUNTIME;
    },
  );
}
