/**
 * What the validator remembers about one call of the app: the response head the server
 * accepted, whether headers count as sent, where we are in the call, and how many body bytes
 * went out. The startResponse, write and body wrappers share it.
 *
 * @module
 */

import type { Reporter } from './report';

/** The status and headers of a `startResponse` call the server accepted. */
export interface ResponseHead {
  /** The status code, or -1 when the status could not be read. */
  readonly code: number;
  /** `[name, value]` string pairs, copied before the server could touch the list (N-57). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The declared Content-Length, or -1 when there is none (or none readable). */
  readonly contentLength: number;
}

export class Invocation {
  readonly report: Reporter;
  /** REQUEST_METHOD as the server passed it; apps may change environ afterwards (N-18). */
  readonly method: unknown;
  /** The head of the last `startResponse` call the server accepted. */
  head: ResponseHead | undefined;
  /** Every `startResponse` call, including ones that threw (N-67). */
  startResponseCalls = 0;
  /** N-64: the first non-empty chunk was handed to the server, or `write()` was called. */
  headersSent = false;
  /** The app was called and its result (or Promise) has not settled yet. */
  inApp = false;
  /** The app returned, or its Promise settled (N-11). */
  appSettled = false;
  /** Body `next()` calls in progress. */
  pendingNext = 0;
  /** `write()` Promises not settled yet (D-N7). */
  pendingWrites = 0;
  /**
   * The server threw from a `startResponse` call carrying `excInfo` and the error has not yet
   * come back out of the app (N-72, V-63).
   */
  trapped = false;
  /** Body bytes from `write()` and the body so far. */
  bytesOut = 0;
  private overrunReported = false;

  constructor(report: Reporter, environ: Record<string, unknown> | undefined) {
    this.report = report;
    this.method = environ?.['REQUEST_METHOD'];
  }

  /** A `startResponse` call succeeded (N-66, N-68). */
  get started(): boolean {
    return this.head !== undefined;
  }

  /** D-N9: `startResponse` belongs to the app call or to body iteration. */
  inResponseWindow(): boolean {
    return this.inApp || this.pendingNext > 0;
  }

  /** Counts body bytes; V-73 (N-93) when they pass the declared Content-Length. */
  addBytes(count: number, source: string): void {
    this.bytesOut += count;
    const declared = this.head?.contentLength ?? -1;
    if (declared >= 0 && this.bytesOut > declared && !this.overrunReported) {
      this.overrunReported = true;
      this.report.fail(
        'V-73',
        `${source} brings the response body to ${this.bytesOut} bytes, past the declared Content-Length ${declared}; ` +
          'send exactly Content-Length bytes or leave the header out',
      );
    }
  }

  /**
   * V-63 (N-72): the app (or its body) carried on normally although the server threw from a
   * `startResponse` carrying `excInfo`. Called when the app or a `next()` returns normally.
   */
  checkNotTrapped(where: string): void {
    if (!this.trapped) return;
    this.trapped = false;
    this.report.fail(
      'V-63',
      `${where} went on normally after startResponse(status, headers, excInfo) threw; ` +
        'do not catch errors from a startResponse call that carries excInfo, let them propagate to the server',
    );
  }

  /** The error left the app or its body, as N-72 wants. */
  propagated(): void {
    this.trapped = false;
  }
}
