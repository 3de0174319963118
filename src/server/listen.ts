/**
 * Listening on a host and port or a Unix socket, and closing gracefully: what every
 * transport's server shares.
 *
 * @module
 */

import { existsSync, statSync, unlinkSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { connect } from 'node:net';
import type { GatewayServer } from './types';

export interface ListenTarget {
  host?: string;
  port?: number;
  path?: string;
}

/** Listens and resolves with the address, or rejects with a clear message (e.g. port in use). */
export async function listen(server: Server, target: ListenTarget): Promise<AddressInfo | string> {
  if (target.path !== undefined) await removeStaleSocket(target.path);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = target.path ?? `${target.host ?? '127.0.0.1'}:${target.port ?? 8000}`;
      const why =
        error.code === 'EADDRINUSE'
          ? 'the address is already in use'
          : error.code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges)'
            : error.message;
      reject(Object.assign(new Error(`cannot listen on ${where}: ${why}`), { code: error.code, cause: error }));
    };
    server.once('error', onError);
    const listening = () => {
      server.off('error', onError);
      resolve();
    };
    if (target.path !== undefined) server.listen(target.path, listening);
    else server.listen(target.port ?? 8000, target.host ?? '127.0.0.1', listening);
  });
  const address = server.address();
  if (address === null) throw new Error('the server is not listening');
  return address;
}

/** A socket file left by a process that is gone would make listen fail with EADDRINUSE. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path) || !statSync(path).isSocket()) return;
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!alive) unlinkSync(path);
}

export function urlOf(address: AddressInfo | string, scheme: string): string {
  if (typeof address === 'string') return `${scheme}+unix://${encodeURIComponent(address)}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

export interface Closable {
  /** Stop accepting; resolve once every connection ended. */
  close(callback: (error?: Error) => void): unknown;
  /** Node's http.Server: end connections that wait for a request. */
  closeIdleConnections?(): void;
  /** Node's http.Server: end every connection. */
  closeAllConnections?(): void;
}

/**
 * Wraps a listening server as a GatewayServer whose close() is graceful: new responses end
 * their connections, idle ones close now, requests in flight get `shutdownTimeout` ms.
 */
export function gatewayServer(
  server: Closable,
  address: AddressInfo | string,
  scheme: string,
  options: { shutdownTimeout: number; beginClosing(): void },
): GatewayServer {
  let closing: Promise<void> | undefined;
  return {
    address,
    url: urlOf(address, scheme),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        options.beginClosing();
        const force = setTimeout(() => server.closeAllConnections?.(), options.shutdownTimeout);
        force.unref();
        // A response that began before the close leaves its connection idle afterwards: sweep.
        const sweep = setInterval(() => server.closeIdleConnections?.(), 100);
        sweep.unref();
        server.close((error) => {
          clearTimeout(force);
          clearInterval(sweep);
          if (error !== undefined && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
          else resolve();
        });
        server.closeIdleConnections?.();
      });
      return closing;
    },
  };
}
