/**
 * Pre-forking with node:cluster (DESIGN.md "Scale"): one process per core, all accepting on one
 * listening socket. The primary only supervises: it forks the workers, replaces one that dies,
 * and on close asks each to close gracefully.
 *
 * Each worker re-runs the same program, so the same `serve(app, { workers })` call that made
 * the primary fork makes a worker listen.
 *
 * @module
 */

import cluster, { type Address, type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { urlOf } from './listen';
import type { GatewayServer } from './types';

const SHUTDOWN = 'tsgi:shutdown';
/** A worker that dies sooner than this after starting is restarted after a pause, not at once. */
const QUICK_DEATH_MS = 5_000;

export function isWorkerProcess(): boolean {
  return cluster.isWorker;
}

/** In a worker: close gracefully when the primary asks, then leave. */
export function closeOnPrimaryRequest(close: () => Promise<void>): void {
  process.on('message', (message: unknown) => {
    if (message !== SHUTDOWN) return;
    close().finally(() => process.exit(0));
  });
}

/**
 * In the primary: forks `count` workers and resolves once one listens, with a GatewayServer
 * whose close() shuts every worker down gracefully.
 */
export function startWorkers(count: number, scheme: string, shutdownTimeout: number, log: (line: string) => void): Promise<GatewayServer> {
  let shuttingDown = false;
  const started = new Map<Worker, number>();

  function fork(): void {
    const worker = cluster.fork();
    started.set(worker, Date.now());
  }

  cluster.on('exit', (worker, code, signal) => {
    const since = started.get(worker) ?? 0;
    started.delete(worker);
    if (shuttingDown) return;
    const quick = Date.now() - since < QUICK_DEATH_MS;
    log(`tsgi: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another${quick ? ' in 1 s' : ''}\n`);
    if (quick) setTimeout(fork, 1_000).unref();
    else fork();
  });

  return new Promise((resolve) => {
    cluster.once('listening', (_worker, address: Address) => {
      // addressType -1 is a Unix socket, whose address is the path.
      const where: AddressInfo | string =
        address.addressType === -1
          ? String(address.address)
          : { address: address.address ?? '127.0.0.1', port: address.port, family: address.addressType === 6 ? 'IPv6' : 'IPv4' };
      resolve({
        address: where,
        url: urlOf(where, scheme),
        close: () => stopWorkers(),
      });
    });
    for (let i = 0; i < count; i++) fork();
  });

  function stopWorkers(): Promise<void> {
    shuttingDown = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    return Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const kill = setTimeout(() => worker.kill('SIGKILL'), shutdownTimeout + 1_000);
            worker.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            worker.send(SHUTDOWN);
          }),
      ),
    ).then(() => undefined);
  }
}
