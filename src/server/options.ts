/**
 * Every limit and default of the gateways, in one place (STYLE.md "Knobs in one documented
 * place"; DESIGN.md "Reliability rules"). Each has a CLI flag of the same name in kebab-case
 * (`maxBodySize` is `--max-body-size`, also `--max-body`).
 *
 * @module
 */

export interface Limits {
  /**
   * Largest request body accepted, in bytes. A larger declared Content-Length gets 413 before
   * the app runs; a chunked upload that grows past it fails the app's read with a 413
   * RequestError. Default 1 GiB.
   */
  maxBodySize: number;
  /** Largest request head (request line and headers), in bytes; larger gets 431. Default 16 KiB (Node's). */
  maxHeaderSize: number;
  /** Most request header fields; more gets 431. Default 100. */
  maxHeaderCount: number;
  /** Time to receive the whole request head, in ms; slower clients get 408. Default 20 s. */
  headerTimeout: number;
  /** Time to receive the whole request (head and body), in ms; 0 disables. Default 5 min. */
  requestTimeout: number;
  /**
   * How long an idle keep-alive connection stays open, in ms. Default 5 s. Node (20) closes it
   * about a second later than this, and announces `Keep-Alive: timeout=` in whole seconds
   * rounded down: below 2 s that says 0 or 1, and Node's own http.Agent then never reuses it.
   */
  keepAliveTimeout: number;
  /**
   * Most unread request-body bytes read and discarded after a response so the connection can
   * be reused; a larger remainder closes the connection instead. Default 256 KiB.
   */
  drainLimit: number;
  /** How long a graceful close waits for requests in flight before cutting them, in ms. Default 30 s. */
  shutdownTimeout: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBodySize: 1024 ** 3,
  maxHeaderSize: 16 * 1024,
  maxHeaderCount: 100,
  headerTimeout: 20_000,
  requestTimeout: 300_000,
  keepAliveTimeout: 5_000,
  drainLimit: 256 * 1024,
  shutdownTimeout: 30_000,
});

/** Which limits are sizes (bytes) and which are durations (ms), for parsing CLI values. */
export const LIMIT_KIND: Readonly<Record<keyof Limits, 'size' | 'duration' | 'count'>> = Object.freeze({
  maxBodySize: 'size',
  maxHeaderSize: 'size',
  maxHeaderCount: 'count',
  headerTimeout: 'duration',
  requestTimeout: 'duration',
  keepAliveTimeout: 'duration',
  drainLimit: 'size',
  shutdownTimeout: 'duration',
});

/** Options every gateway shares besides the limits. */
export interface GatewayOptions extends Partial<Limits> {
  /** The mount point: requests outside it get 404; the prefix becomes SCRIPT_NAME. Default ''. */
  scriptName?: string;
  /**
   * Keep request headers whose names contain `_`. Default false: they are dropped, because
   * `X-Auth_User` and `X-Auth-User` both become HTTP_X_AUTH_USER and a client could spoof a
   * header a proxy sets (D-N14, C-21).
   */
  allowUnderscoreHeaders?: boolean;
  /** Extra environ keys the deployer injects into every request (N-29). */
  environ?: Record<string, unknown>;
  /** Body of the 500 sent when an app fails before sending anything (D-N24). */
  errorBody?: string;
  /** Where wsgi.errors and the gateway's own log lines go. Default: process.stderr. */
  errorLog?: NodeJS.WritableStream | ((text: string) => void);
  /** Log each request in Combined Log Format to this stream (or stdout when true). */
  accessLog?: boolean | NodeJS.WritableStream;
  /**
   * One request at a time per app, for apps that are not safe to interleave (N-137);
   * wsgi.multithread is then false.
   */
  serialize?: boolean;
}

/** Parses `10m`, `1g`, `512k`, `100` (bytes) as used by the CLI. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(text.trim());
  if (match === null) throw new RangeError(`not a size: ${JSON.stringify(text)} (use e.g. 512k, 10m, 1g)`);
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(match[1]) * factor);
}

/** Parses `500ms`, `20s`, `5m`, `100` (ms) as used by the CLI. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim());
  if (match === null) throw new RangeError(`not a duration: ${JSON.stringify(text)} (use e.g. 500ms, 20s, 5m)`);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = unit === 's' ? 1000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 1;
  return Math.round(Number(match[1]) * factor);
}

/** The limits with defaults filled in, checked. */
export function resolveLimits(options: Partial<Limits>): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`${key} must be a finite number >= 0, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}
