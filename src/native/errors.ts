/**
 * Errors the server side raises at the app. Each names the rule it enforces, so a log line
 * says what was wrong and where the rule is written down.
 *
 * @module
 */

/**
 * The app broke a rule of the gateway interface (a bad status, a bad header, a second
 * `startResponse`, a string where bytes belong). `rule` is the spec id, e.g. `'N-54'`.
 */
export class ProtocolError extends TypeError {
  override name = 'ProtocolError';
  readonly rule: string;

  constructor(rule: string, message: string) {
    super(`${message} (${rule})`);
    this.rule = rule;
  }
}

/** Reason phrases for the statuses a gateway sends on its own. */
export const REASONS: Readonly<Record<number, string>> = Object.freeze({
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
});

/**
 * An error that says which status the client should get when it reaches the gateway before
 * anything was sent (instead of the 500 every other error gives).
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * The request, not the app, is at fault: a body shorter than its Content-Length, an upload
 * past the size limit. Raised from `wsgi.input` reads; when it reaches the gateway before
 * anything was sent, the client gets `status` (a 4xx) instead of a 500.
 */
export class RequestError extends HttpError {
  override name = 'RequestError';

  constructor(status: 400 | 408 | 413 | 431, message: string) {
    super(status, message);
  }
}
