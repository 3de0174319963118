/**
 * The small plain-text responses a gateway sends on its own: the 500 when an app fails before
 * sending anything (D-N24), and the 4xx for a request refused before the app runs. One
 * function, so every gateway says it the same way.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { REASONS } from './errors';
import type { ResponseSink } from './sink';

/**
 * Sends `code` with its reason phrase as a text/plain body (or `body` instead), through any
 * sink. HEAD gets the headers only (N-103).
 */
export function sendStatusResponse(sink: ResponseSink, code: number, isHead: boolean, body?: string): void {
  const reason = REASONS[code] ?? 'Error';
  const text = Buffer.from(body ?? `${reason}\n`, 'utf8');
  sink.sendHead({
    status: `${code} ${reason}`,
    code,
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(text.byteLength)],
    ],
    framing: isHead ? 'none' : 'length',
  });
  if (!isHead) sink.write(text);
  sink.end();
}
