// @ts-check
/**
 * The seed's Hello World in the native flavour (PEP 3333): status and headers are native
 * strings, the body is bytes.
 *
 * Serve it:  npx tsgi serve examples/hello/native.mjs
 */

/** @type {import('tsgi/native').NativeApp} */
const hello = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from('Hello World\n')];
};

export default hello;
