/**
 * iconv-lite, loaded on first use: the codec library behind UTF-7, CESU-8 and every legacy table
 * charset (`unicode-codecs.ts`, `table-codecs.ts`).
 *
 * Loading iconv-lite costs ~7 ms (Node 20), and UTF-8 and latin-1, the charsets nearly every
 * request uses, never need it; a CGI script starts one process per request and must not pay that
 * on every one. So nothing here runs at import time: the first codec call that needs iconv-lite
 * loads it. The load is synchronous because `encodeText`/`decodeText` are, which rules out
 * `import()`. `require` comes from `createRequire`, given `__filename` in the CJS build and
 * `import.meta.url` in the ESM build (tsup's `shims` option, tsup.config.ts, lets the CJS build
 * contain `import.meta.url` at all). Node keeps a single iconv-lite in its CJS module cache, so an
 * application that imports iconv-lite itself shares it with us.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import type iconvLite from 'iconv-lite';
import type { Codec as IconvCodec, Encoding as IconvEncoding } from 'iconv-lite';

export type { IconvCodec };

let iconv: typeof iconvLite | undefined;

/** iconv-lite itself, required on the first call (test/codecs/lazy-iconv.test.ts checks that). */
function loadIconv(): typeof iconvLite {
  // In CommonJS, __filename is this file's exact path. tsup's import.meta.url shim is built from
  // it as `file:${__filename}` without escaping, so a '#' in the path would cut the URL short and
  // iconv-lite would be looked for in the wrong directory.
  if (iconv === undefined) {
    const here = typeof __filename === 'string' ? __filename : import.meta.url;
    iconv = createRequire(here)('iconv-lite') as typeof iconvLite;
  }
  return iconv;
}

// iconv-lite, called through its Codec objects: iconv.encode/decode would canonicalise the name
// with a regex on every call, and its decode() strips a BOM (C-32: we keep it).
const iconvCodecs = new Map<string, IconvCodec>();

export function iconvCodec(name: string): IconvCodec {
  let codec = iconvCodecs.get(name);
  if (codec === undefined) {
    codec = loadIconv().getCodec(name as IconvEncoding); // loads the tables on first use
    iconvCodecs.set(name, codec);
  }
  return codec;
}

export function iconvEncode(codec: IconvCodec, text: string): Buffer {
  const encoder = new codec.encoder(undefined, codec);
  const head = encoder.write(text);
  const tail = encoder.end();
  return tail === undefined || tail.length === 0 ? head : Buffer.concat([head, tail]);
}

export function iconvDecode(codec: IconvCodec, bytes: Buffer): string {
  const decoder = new codec.decoder(undefined, codec);
  const head = decoder.write(bytes);
  const tail = decoder.end();
  return tail ? head + tail : head;
}
