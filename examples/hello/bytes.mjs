// @ts-check
/**
 * The seed's Hello World in the bytes flavour (PEP 444, "Web3"): the app takes the environ
 * only and returns `[status, headers, body]` (B-1), every part bytes. There is no
 * startResponse, so no write() and no excInfo.
 *
 * A bytes server never computes Content-Length from the body (B-14): the app sets it itself,
 * or the response goes chunked.
 *
 * Serve it:  npx tsgi serve examples/hello/bytes.mjs
 * (--flavour auto picks bytes because the app takes one parameter; --flavour bytes says so.)
 */

const HELLO = Buffer.from('Hello World\n');

/** @type {import('tsgi/bytes').BytesApp} */
const hello = (environ) => [
  Buffer.from('200 OK'),
  [
    [Buffer.from('Content-Type'), Buffer.from('text/plain; charset=utf-8')],
    [Buffer.from('Content-Length'), Buffer.from(String(HELLO.byteLength))],
  ],
  [HELLO],
];

export default hello;
