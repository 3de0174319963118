/**
 * `serve(app, options)`: the one entry point to every gateway. It picks the transport and the
 * flavour's adapter, pre-forks when asked, listens, and returns a handle to close gracefully.
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
import type { NativeApp } from '../native/types';

/** Thrown for a flavour or protocol tsgi does not offer (yet): a usage error, not a crash. */
export class UnsupportedError extends Error {
  override name = 'UnsupportedError';
}

export async function serve(app: NativeApp, options: ServeOptions = {}): Promise<GatewayServer> {
  const flavour = options.flavour ?? 'native';
  if (flavour !== 'native') {
    throw new UnsupportedError(`the ${flavour} flavour cannot be served yet; serve a native app (environ, startResponse)`);
  }
  const protocol = options.protocol ?? 'http';
  if (protocol !== 'http') {
    throw new UnsupportedError(`the ${protocol} protocol is not available yet; use protocol 'http' (behind nginx: proxy_pass)`);
  }
  if (typeof app !== 'function') throw new TypeError(`serve() needs an app function, got ${typeof app}`);
  const limits = resolveLimits(options);
  const scheme = options.cert !== undefined && options.key !== undefined ? 'https' : 'http';
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number >= 1, got ${workers}`);
  if (workers > 1 && !isWorkerProcess()) {
    return startWorkers(workers, scheme, limits.shutdownTimeout, logWriter(options.errorLog));
  }

  // Loaded on demand: a CGI script imports tsgi/server for runCGI and must not load node:http.
  const { createHttpGateway } = await import('./http');
  const gateway = createHttpGateway(app, options);
  const address = await listen(gateway.server, options);
  if (typeof address !== 'string') gateway.setServerPort(String(address.port));
  const server = gatewayServer(gateway.server, address, scheme, {
    shutdownTimeout: limits.shutdownTimeout,
    beginClosing: gateway.beginClosing,
  });
  if (isWorkerProcess()) closeOnPrimaryRequest(() => server.close());
  return server;
}
