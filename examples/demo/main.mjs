// @ts-check
/**
 * `npm start`: calls the hello examples through tsgi's test client, which runs the same
 * lifecycle as the gateways, and prints what a client would receive.
 */
import { buildEnviron, callApplication } from 'tsgi/native';
import nativeHello from '../hello/native.mjs';
import legacyHello from '../hello/legacy.mjs';

/**
 * @param {string} title
 * @param {import('tsgi/native').NativeApp} app
 */
async function show(title, app) {
  const environ = buildEnviron({ path: '/' });
  const response = await callApplication(app, environ, { errors: 'respond' });
  console.log(`--- ${title}`);
  console.log(`HTTP/1.1 ${response.status}`);
  for (const [name, value] of response.headers) console.log(`${name}: ${value}`);
  console.log('');
  process.stdout.write(Buffer.from(response.body).toString('utf8'));
  if (response.errors) {
    console.log('\n(wsgi.errors said:)');
    console.log(response.errors.split('\n')[0]);
  }
  console.log('');
}

await show('examples/hello/native.mjs (bytes body: correct)', nativeHello);
// The seed's app yields a string; as a native app it is refused with the rule that it breaks.
await show('examples/hello/legacy.mjs (string body: refused, see MIGRATION.md)', /** @type {any} */ (legacyHello));
