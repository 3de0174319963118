/**
 * The HTTP gateway on node:http (or node:https with `cert` and `key`). It only translates:
 * the request arrives as {@link buildHttpEnviron} builds it, the response leaves through an
 * {@link HttpSink}, and the one lifecycle in between does everything else.
 *
 * Use `serve(app, { protocol: 'http' })` from `tsgi/server`; this module is the part that
 * knows node:http.
 *
 * @module
 */

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { hostname } from 'node:os';
import { encodeTargetText, percentDecodeNative } from '../codecs/percent';
import { ErrorStream } from '../native/error-stream';
import { sendStatusResponse } from '../native/error-response';
import { RequestError } from '../native/errors';
import { type LifecycleOptions, runApplication } from '../native/lifecycle';
import type { NativeApp } from '../native/types';
import { formatCombinedLog } from './access-log';
import { logWriter } from './log';
import { createClientErrorHandler } from './client-errors';
import { buildHttpEnviron, type HttpEnvironContext, NOT_MOUNTED } from './http-environ';
import { HttpSink, type HttpSinkContext } from './http-sink';
import { type Limits, resolveLimits } from './options';
import type { ServeOptions } from './types';
import { VERSION } from './version';

export interface HttpGateway {
  server: http.Server | https.Server;
  /** Makes every later response end its connection (graceful close). */
  beginClosing(): void;
  /** SERVER_PORT, once listening tells which port it is (port 0 picks one). */
  setServerPort(port: string): void;
  limits: Limits;
}

/** The mount point, given as text like a path ('/app'), as the native string SCRIPT_NAME holds. */
export function nativeScriptName(scriptName: string | undefined): string {
  if (scriptName === undefined || scriptName === '' || scriptName === '/') return '';
  const native = percentDecodeNative(encodeTargetText(scriptName));
  if (!native.startsWith('/') || native.endsWith('/')) {
    throw new RangeError(`scriptName ${JSON.stringify(scriptName)} must start with "/" and not end with one`);
  }
  return native;
}

/** Creates the node:http server for `app`; it does not listen yet. */
export function createHttpGateway(app: NativeApp, options: ServeOptions): HttpGateway {
  const limits = resolveLimits(options);
  const log = logWriter(options.errorLog);
  const errors = new ErrorStream(log);
  const tls = options.cert !== undefined && options.key !== undefined;
  const serialize = options.serialize === true;
  const host = options.host ?? '127.0.0.1';
  const context: HttpEnvironContext = {
    scriptName: nativeScriptName(options.scriptName),
    serverName: options.serverName ?? (options.path !== undefined || host === '0.0.0.0' || host === '::' ? hostname() : host),
    // On a Unix socket there is no port: the scheme's default, so that URLs rebuilt from
    // SERVER_NAME and SERVER_PORT (NATIVE §20, when a client sends no Host) carry none.
    serverPort: options.path !== undefined ? (tls ? '443' : '80') : String(options.port ?? 8000),
    scheme: tls ? 'https' : 'http',
    errors,
    // D-N13: requests overlap on one event loop unless serialized (N-137).
    multithread: !serialize,
    multiprocess: (options.workers ?? 1) > 1,
    allowUnderscoreHeaders: options.allowUnderscoreHeaders === true,
    maxHeaderCount: limits.maxHeaderCount,
    maxBodySize: limits.maxBodySize,
    serverSoftware: `tsgi/${VERSION}`,
    extra: options.environ,
  };
  const sinkContext: HttpSinkContext = { drainLimit: limits.drainLimit, closing: false };
  const lifecycleOptions: LifecycleOptions | undefined = options.errorBody === undefined ? undefined : { errorBody: options.errorBody };
  const accessLog = options.accessLog === true ? process.stdout : options.accessLog === false ? undefined : options.accessLog;

  function handle(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> | undefined {
    const sink = new HttpSink(req, res, sinkContext);
    if (accessLog !== undefined) res.once('close', () => accessLog.write(logLine(req, sink)));
    let onFirstRead: (() => void) | undefined;
    if (expectContinue) {
      // D-N23: 100 Continue only when the app first reads the body.
      sink.awaitingContinue = true;
      onFirstRead = () => {
        sink.awaitingContinue = false;
        if (!res.headersSent) res.writeContinue();
      };
    }
    let environ;
    try {
      environ = buildHttpEnviron(req, context, onFirstRead, sink);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      log(`tsgi: ${error.status} for ${req.method ?? ''} ${req.url ?? ''} from ${req.socket.remoteAddress ?? 'a client'}: ${error.message}\n`);
      sink.closeConnection();
      sendStatusResponse(sink, error.status, req.method === 'HEAD');
      return undefined;
    }
    if (environ === NOT_MOUNTED) {
      sink.closeConnection();
      sendStatusResponse(sink, 404, req.method === 'HEAD');
      return undefined;
    }
    return runApplication(app, environ, sink, lifecycleOptions);
  }

  // N-137: one request at a time, in arrival order.
  let queue: Promise<void> = Promise.resolve();
  function onRequest(req: IncomingMessage, res: ServerResponse, expectContinue = false): void {
    if (!serialize) {
      handle(req, res, expectContinue);
      return;
    }
    queue = queue.then(() => handle(req, res, expectContinue)).catch((error: unknown) => log(`tsgi: ${String(error)}\n`));
  }

  const nodeOptions: http.ServerOptions = {
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeout: limits.requestTimeout,
    headersTimeout: limits.requestTimeout === 0 ? limits.headerTimeout : Math.min(limits.headerTimeout, limits.requestTimeout),
    keepAliveTimeout: limits.keepAliveTimeout,
    // Node checks these timeouts every 30 s by default, which would stretch a 20 s limit to 50;
    // a quarter of the shorter limit (at most 1 s) keeps each within a quarter of its value.
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(1_000, limits.headerTimeout / 4, limits.requestTimeout === 0 ? Infinity : limits.requestTimeout / 4),
    ),
    // N-107: hand every block to the network at once.
    noDelay: true,
  };
  const server = tls
    ? https.createServer({ ...nodeOptions, cert: options.cert, key: options.key }, (req, res) => onRequest(req, res))
    : http.createServer(nodeOptions, (req, res) => onRequest(req, res));
  // One above the limit, so buildHttpEnviron can tell "too many" from "exactly the limit".
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, true));
  server.on('clientError', createClientErrorHandler(log));
  return {
    server,
    limits,
    beginClosing() {
      sinkContext.closing = true;
    },
    setServerPort(port) {
      context.serverPort = port;
    },
  };
}

function logLine(req: IncomingMessage, sink: HttpSink): string {
  const referer = req.headers.referer;
  return formatCombinedLog({
    remoteAddr: req.socket.remoteAddress,
    time: new Date(),
    method: req.method ?? '',
    target: req.url ?? '',
    httpVersion: req.httpVersion,
    status: sink.code,
    bytes: sink.bytes,
    referer: Array.isArray(referer) ? referer[0] : referer,
    userAgent: req.headers['user-agent'],
  });
}
