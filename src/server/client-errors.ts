/**
 * Requests Node's HTTP parser refuses before any app sees them: a malformed request line,
 * obs-fold, Content-Length with Transfer-Encoding, a head too large, a client too slow. Each
 * gets a 4xx with `Connection: close` (the connection can no longer be trusted to be in sync),
 * and a log line that names the cause and the rule.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { REASONS } from '../native/errors';

/** Parser error codes → status and the rule or limit behind it. */
const CAUSES: Readonly<Record<string, { status: number; why: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, why: 'the request head is larger than maxHeaderSize' },
  HPE_INVALID_TRANSFER_ENCODING: {
    status: 400,
    why: 'Transfer-Encoding together with Content-Length, or an invalid Transfer-Encoding (RFC 9112 §6.1)',
  },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, why: 'more than one Content-Length, or one that is not a number (RFC 9112 §6.3)' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, why: 'a Content-Length that is not a number (RFC 9112 §6.3)' },
  HPE_INVALID_HEADER_TOKEN: { status: 400, why: 'an invalid header line, e.g. obs-fold or a space before the colon (RFC 9112 §5.1, §5.2)' },
  HPE_INVALID_METHOD: { status: 400, why: 'the request line has no valid method (RFC 9112 §3)' },
  HPE_INVALID_URL: { status: 400, why: 'the request target holds a character that is not allowed, e.g. raw non-ASCII (RFC 9112 §3.2, CODECS C-7)' },
  HPE_INVALID_VERSION: { status: 400, why: 'the request line has no valid HTTP version (RFC 9112 §2.3)' },
  HPE_INVALID_CHUNK_SIZE: { status: 400, why: 'a malformed chunk size in a chunked body (RFC 9112 §7.1)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, why: 'the client did not send the request in time (headerTimeout / requestTimeout)' },
};

const NO_RESPONSE = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * The server's 'clientError' listener: answers and closes, and logs the cause. Never throws.
 */
export function createClientErrorHandler(log: (line: string) => void) {
  return function onClientError(error: Error & { code?: string; reason?: string }, socket: Socket): void {
    const code = error.code ?? '';
    if (NO_RESPONSE.has(code) || !socket.writable) {
      socket.destroy();
      return;
    }
    const cause = CAUSES[code] ?? { status: 400, why: 'the request could not be parsed' };
    const reason = REASONS[cause.status] ?? 'Bad Request';
    const detail = error.reason ?? error.message;
    const what = `tsgi: ${cause.status} ${reason} for ${socket.remoteAddress ?? 'a client'}: ${cause.why} [${code}: ${detail}]`;
    if (responseBegun(socket)) {
      // The app already answered this request (e.g. its body trickles past requestTimeout
      // while the response streams): a status line written now would land inside that
      // response's body. End the connection after what was written instead (N-76, N-94).
      log(`${what}; the response in progress is cut\n`);
      socket.end();
    } else {
      log(`${what}\n`);
      const body = `${reason}\n`;
      socket.end(
        `HTTP/1.1 ${cause.status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        'latin1',
      );
    }
    // A client that never reads its answer must not keep the socket forever.
    setTimeout(() => socket.destroy(), 2_000).unref();
  };
}

/**
 * Whether the response now attached to `socket` has its head written: then nothing else may be
 * written on the socket. Node's own default clientError handling makes the same check on the
 * same field (`socket._httpMessage`, the ServerResponse using the socket; null between requests).
 */
function responseBegun(socket: Socket): boolean {
  const message = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  return message?.headersSent === true;
}
