/**
 * `tsgi/server`: serving apps. `serve()` for HTTP (and, later, FastCGI, SCGI and uwsgi),
 * `runCGI()` for one request as a CGI script, and every limit with its default. Importing it
 * does not load node:http: `serve()` loads its transport when called, so a CGI script stays
 * light.
 *
 * @module
 */

export { serve, UnsupportedError } from './serve';
export { runCGI, type CGIOptions } from './cgi';
export type { Flavour, GatewayServer, Protocol, ServeOptions } from './types';
export { DEFAULT_LIMITS, parseDuration, parseSize, type GatewayOptions, type Limits } from './options';
export { formatCombinedLog, type AccessLogEntry } from './access-log';
