/**
 * What the HTTP gateway keeps per connection: the peer's address as environ strings, and the
 * responses in flight on it (several when requests are pipelined), told when it closes.
 *
 * Kept in a WeakMap rather than in properties added to Node's socket: adding properties to an
 * object V8 has a stable shape for can turn it into a slow dictionary, and then every access
 * Node itself makes to the socket pays for it (a profile showed it).
 *
 * @module
 */

import type { Socket } from 'node:net';

/** Told when the connection closes while its response is in flight. */
export interface ConnectionListener {
  connectionClosed(): void;
}

export interface Connection {
  /** REMOTE_ADDR and REMOTE_PORT. */
  readonly remoteAddress: string;
  readonly remotePort: string;
  /** Responses in flight on this connection, oldest first (several when pipelined). */
  readonly inFlight: ConnectionListener[];
}

/** Forgets a response that ended: usually the newest, so this is a pop. */
export function settle(connection: Connection, listener: ConnectionListener): void {
  const inFlight = connection.inFlight;
  const last = inFlight.length - 1;
  if (inFlight[last] === listener) {
    inFlight.pop();
    return;
  }
  const at = inFlight.indexOf(listener);
  if (at !== -1) inFlight.splice(at, 1);
}

const connections = new WeakMap<Socket, Connection>();

/** The state of `socket`, made (with its one 'close' listener) on the first request. */
export function connectionOf(socket: Socket): Connection {
  let connection = connections.get(socket);
  if (connection === undefined) {
    const port = socket.remotePort;
    const inFlight: ConnectionListener[] = [];
    connection = { remoteAddress: socket.remoteAddress ?? '', remotePort: port === undefined ? '' : String(port), inFlight };
    connections.set(socket, connection);
    socket.once('close', () => {
      for (const listener of inFlight.splice(0)) listener.connectionClosed();
    });
  }
  return connection;
}
