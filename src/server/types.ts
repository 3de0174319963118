/**
 * The public shapes of `tsgi/server`: what `serve()` takes and what it returns.
 *
 * @module
 */

import type { AddressInfo } from 'node:net';
import type { LegacyOptions } from '../codecs/legacy';
import type { ToNativeAppOptions } from '../codecs/to-native-app';
import type { GatewayOptions } from './options';

/** Which interface the app speaks. `legacy` is never guessed (issue #5). */
export type Flavour = 'native' | 'bytes' | 'legacy';

/** How requests arrive. FastCGI, SCGI and uwsgi are planned (DESIGN.md). */
export type Protocol = 'http' | 'fastcgi' | 'scgi' | 'uwsgi';

/**
 * For bytes apps: how a chunked upload reaches the app (D-B4: buffered to a length, or streamed
 * with `tsgi.input_terminated`), the in-memory part of that buffer, and how a poller is
 * polled (B-62).
 */
export type BytesOptions = Pick<ToNativeAppOptions, 'chunkedBodies' | 'memoryLimit' | 'pollInterval' | 'pollTimeout'>;

export interface ServeOptions extends GatewayOptions, BytesOptions {
  /** For legacy text apps: charsets and the header policy (see fromLegacyApp). */
  legacy?: LegacyOptions;
  /** Default `native`. */
  flavour?: Flavour;
  /** Default `http`. */
  protocol?: Protocol;
  /** Default `127.0.0.1`: serving beyond loopback is a decision, not a default. */
  host?: string;
  /** Default 8000; 0 picks a free port (read it from `address`). */
  port?: number;
  /** A Unix socket path to listen on instead of host and port. */
  path?: string;
  /** Processes to pre-fork with node:cluster; wsgi.multiprocess is true when above 1. Default 1. */
  workers?: number;
  /** PEM certificate chain: with `key`, serve HTTPS. */
  cert?: string | Buffer;
  /** PEM private key for `cert`. */
  key?: string | Buffer;
  /** SERVER_NAME; default: the host, or the machine's host name when listening on all addresses. */
  serverName?: string;
}

export interface GatewayServer {
  /** Where it listens: host and port, or the Unix socket path. */
  readonly address: AddressInfo | string;
  /** A URL a client can use, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /**
   * Graceful: stop accepting, let requests in flight finish (up to `shutdownTimeout`, then
   * cut them), close idle keep-alive connections, then resolve.
   */
  close(): Promise<void>;
}
