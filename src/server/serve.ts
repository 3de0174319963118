/**
 * `serve(app, options)`: the one entry point to every gateway. It picks the transport and the
 * flavour's adapter (a bytes app is served through toNativeApp), pre-forks when asked,
 * listens, and returns a handle to close gracefully.
 *
 * @example
 * import { serve } from 'tsgi/server';
 * const server = await serve(app, { port: 8000 });
 * console.log(`listening on ${server.url}`);
 * process.on('SIGTERM', () => server.close());
 *
 * @module
 */

import { gatewayServer, listen } from './listen';
import { logWriter } from './log';
import { resolveLimits } from './options';
import type { GatewayServer, ServeOptions } from './types';
import { closeOnPrimaryRequest, isWorkerProcess, startWorkers } from './workers';
import type { BytesApp } from '../bytes/types';
import type { LegacyApp } from '../codecs/legacy';
import { toNativeApp } from '../codecs/to-native-app';
import type { NativeApp } from '../native/types';

/** Thrown for a flavour or protocol tsgi does not offer (yet): a usage error, not a crash. */
export class UnsupportedError extends Error {
  override name = 'UnsupportedError';
}

/**
 * The app as the native app every gateway runs: bytes and legacy apps go through their
 * adapters. The legacy one (and its charset tables) loads only when asked for: a CGI script
 * pays per request for what it loads.
 */
export async function nativeAppOf(app: NativeApp | BytesApp, options: ServeOptions): Promise<NativeApp> {
  const flavour = options.flavour ?? 'native';
  if (typeof app !== 'function') throw new TypeError(`serve() needs an app function, got ${typeof app}`);
  if (flavour === 'native') return app as NativeApp;
  if (flavour === 'bytes') return toNativeApp(app as BytesApp, { ...options, maxBodySize: resolveLimits(options).maxBodySize });
  if (flavour === 'legacy') {
    const { fromLegacyApp } = await import('../codecs/legacy');
    return fromLegacyApp(app as unknown as LegacyApp, options.legacy);
  }
  throw new UnsupportedError(`unknown flavour ${JSON.stringify(flavour)}; use native, bytes or legacy`);
}

export async function serve(app: NativeApp | BytesApp, options: ServeOptions = {}): Promise<GatewayServer> {
  const native = await nativeAppOf(app, options);
  const protocol = options.protocol ?? 'http';
  if (protocol !== 'http') {
    throw new UnsupportedError(`the ${protocol} protocol is not available yet; use protocol 'http' (behind nginx: proxy_pass)`);
  }
  const limits = resolveLimits(options);
  const scheme = options.cert !== undefined && options.key !== undefined ? 'https' : 'http';
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number >= 1, got ${workers}`);
  if (workers > 1 && !isWorkerProcess()) {
    return startWorkers(workers, scheme, limits.shutdownTimeout, logWriter(options.errorLog));
  }

  // Loaded on demand: a CGI script imports tsgi/server for runCGI and must not load node:http.
  const { createHttpGateway } = await import('./http');
  const gateway = createHttpGateway(native, options);
  const address = await listen(gateway.server, options);
  if (typeof address !== 'string') gateway.setServerPort(String(address.port));
  const server = gatewayServer(gateway.server, address, scheme, {
    shutdownTimeout: limits.shutdownTimeout,
    beginClosing: gateway.beginClosing,
  });
  if (isWorkerProcess()) closeOnPrimaryRequest(() => server.close());
  return server;
}
