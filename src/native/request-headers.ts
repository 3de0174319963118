/**
 * Request headers into the environ (NATIVE §6, D-N14, CODECS C-20, C-21). Shared by every
 * gateway and the test client so they agree on names, joining and what is dropped.
 *
 * @module
 */

import type { Environ } from './types';

/** Keys of recently seen header names: the same few names arrive on every request. */
const keyCache = new Map<string, string>();
const KEY_CACHE_SIZE = 512;

/**
 * The environ key for a request header: `HTTP_` + the name upper-cased (ASCII only, C-40) with
 * `-` as `_`; Content-Type and Content-Length lose the prefix (N-31). Returns undefined for names
 * the gateway drops: names with `_`, which would collide with their `-` twin and let a client
 * spoof a header a proxy sets (`X-Auth_User` vs `X-Auth-User`, C-21), unless `allowUnderscore`.
 */
export function environKeyOf(name: string, allowUnderscore = false): string | undefined {
  if (!allowUnderscore && name.includes('_')) return undefined;
  let key = keyCache.get(name);
  if (key === undefined) {
    // Header names are tokens, so ASCII-only upper-casing is exact here.
    const upper = name.toUpperCase().replace(/-/g, '_');
    key = upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH' ? upper : `HTTP_${upper}`;
    // A client can send any names: keep the cache bounded rather than let it grow.
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.clear();
    keyCache.set(name, key);
  }
  return key;
}

/**
 * Adds one header to the environ, joining a repeat to the earlier value (D-N14): with `,` as
 * RFC 9110 §5.3 allows, except Cookie, whose pieces join with `; ` (RFC 6265 §5.4, RFC 9113
 * §8.2.3) because a comma is not a cookie separator.
 */
export function addRequestHeader(environ: Environ, key: string, value: string): void {
  const previous = environ[key];
  if (typeof previous !== 'string') {
    environ[key] = value;
  } else {
    environ[key] = previous + (key === 'HTTP_COOKIE' ? '; ' : ',') + value;
  }
}
