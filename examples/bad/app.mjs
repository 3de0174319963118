// @ts-check
/**
 * A native (PEP 3333) app with the mistakes of a migration from text to bytes planted in it,
 * one per route, so that `tsgi check` has something to find:
 *
 *   npx tsgi check examples/bad/app.mjs
 *
 * Each route is reached by one of check's requests (src/cli/check.ts, CHECK_REQUESTS), and
 * each mistake says which rule catches it and where MIGRATION.md explains the fix:
 *
 *   GET / and HEAD /       1. yields strings                      N-9 / V-70   #body-chunks-are-bytes
 *   GET / with X-Name      2. a header value outside latin-1      N-3 / V-54   #headers-are-latin-1
 *   GET /search            3. Content-Length in characters        N-93 / V-73  #content-length-counts-bytes
 *   POST /form             4. a Connection header                 N-62 / V-59  #hop-by-hop-headers-belong-to-the-server
 *   GET /<missing>         5. startResponse twice, no excInfo     N-67 / V-61  #excinfo-changing-your-mind
 *   GET /café              6. PATH_INFO echoed as text            C-33         #the-path_info-tunnel
 *   POST /upload           7. write() after returning             N-82 / V-66  #write-is-legacy
 *
 * Everything else is right (Content-Type with a charset on every response, the body read with
 * its length known), so each route shows its one mistake. Do not copy it.
 */

/** @typedef {import('tsgi/native').Environ} Environ */
/** @typedef {import('tsgi/native').StartResponse} StartResponse */
/** @typedef {import('tsgi/native').Body} Body */

/** @type {[string, string]} */
const TEXT = ['Content-Type', 'text/plain; charset=utf-8'];

/**
 * The header values a server puts in environ are bytes viewed as latin-1: decode them first.
 * @param {string} native
 */
const text = (native) => Buffer.from(native, 'latin1').toString('utf8');

/** @type {Record<string, (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>>} */
const routes = {
  '/': (environ, startResponse) => {
    const name = environ.HTTP_X_NAME;
    if (typeof name === 'string') {
      // Mistake 2 (N-3, V-54): '–' (U+2013) is not latin-1, so it is no byte of a header.
      // startResponse throws; the client gets a 500. Encode such text (RFC 8187, percent).
      startResponse('200 OK', [TEXT, ['X-Greeting', `Hello – ${text(name)}`]]);
      return [Buffer.from(`Hello, ${text(name)}\n`)];
    }
    startResponse('200 OK', [TEXT]);
    // Mistake 1 (N-9, V-70): a body chunk must be a Uint8Array, not a string. TypeScript
    // refuses this line too; the cast silences it, as plain JavaScript would.
    return /** @type {any} */ (['Hello World\n']);
  },

  '/café': (environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    // Mistake 6 (C-33): PATH_INFO is '/cafÃ©', the path's UTF-8 bytes as latin-1. Encoded as
    // UTF-8 again it shows as mojibake; decodePath(environ.PATH_INFO) gives '/café'.
    return [Buffer.from(`You are at ${environ.PATH_INFO}\n`, 'utf8')];
  },

  '/search': (environ, startResponse) => {
    const q = new URLSearchParams(String(environ.QUERY_STRING ?? '')).get('q') ?? '';
    const body = `Results for ${q}\n`;
    // Mistake 3 (N-93, V-73): body.length counts UTF-16 code units; 'é' is two bytes in
    // UTF-8. Count Buffer.byteLength(body), or leave Content-Length to the server.
    startResponse('200 OK', [TEXT, ['Content-Length', String(body.length)]]);
    return [Buffer.from(body, 'utf8')];
  },

  '/form': async (environ, startResponse) => {
    const form = new URLSearchParams(Buffer.from(await environ['wsgi.input'].read()).toString('utf8'));
    // Mistake 4 (N-62, V-59): Connection is hop-by-hop; the server alone decides about the
    // connection. Leave it out.
    startResponse('200 OK', [TEXT, ['Connection', 'close']]);
    return [Buffer.from(`Thanks, ${form.get('name')}\n`)];
  },

  '/upload': (environ, startResponse) => {
    const write = startResponse('200 OK', [TEXT]);
    // Mistake 7 (N-82, V-66): write() belongs to the app call, and the app has returned by
    // the time the server iterates this body. Yield the chunk instead.
    return (async function* body() {
      let size = 0;
      for await (const line of environ['wsgi.input']) size += line.byteLength;
      await write(Buffer.from(`Received ${size} bytes\n`));
    })();
  },
};

/** @type {import('tsgi/native').NativeApp} */
export default function app(environ, startResponse) {
  const route = routes[text(environ.PATH_INFO ?? '/')];
  if (route !== undefined) return route(environ, startResponse);
  // Mistake 5 (N-67, V-61): the page is first assumed to exist, then the error path calls
  // startResponse again without excInfo. Decide the status once, or pass the caught error.
  startResponse('200 OK', [TEXT]);
  startResponse('404 Not Found', [TEXT]);
  return [Buffer.from('Not found\n')];
}
