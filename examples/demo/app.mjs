// @ts-check
/**
 * The demo `npm start` serves at http://127.0.0.1:8000: an index page, the seed's Hello World in
 * each flavour, a legacy text app, and an environ viewer where you can watch PATH_INFO carry the
 * UTF-8 bytes of /café as the latin-1 string '/cafÃ©' (the "native string" tunnel of PEP 3333).
 *
 * It is one native app. The others are mounted through their adapters from tsgi/codecs:
 *
 *   /hello        examples/hello/native.mjs, a native (PEP 3333) app as it is
 *   /hello-bytes  examples/hello/bytes.mjs, a bytes (PEP 444) app, through toNativeApp
 *   /greetings/   examples/legacy/greetings.mjs, a legacy text app, through fromLegacyApp
 *
 * It dispatches with shiftPathInfo, the way wsgiref apps do, so each sub-app sees its own
 * SCRIPT_NAME and PATH_INFO.
 */
import { fromLegacyApp, toNativeApp } from 'tsgi/codecs';
import { requestUri, shiftPathInfo } from 'tsgi/native';
import bytesHello from '../hello/bytes.mjs';
import hello from '../hello/native.mjs';
import greetings from '../legacy/greetings.mjs';

/** @param {string} text */
const utf8 = (text) => Buffer.from(text, 'utf8');

/** @param {unknown} value */
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A native string holds bytes; this is the text they spell if they are UTF-8. */
/** @param {string} native */
function asUtf8Text(native) {
  return Buffer.from(native, 'latin1').toString('utf8');
}

/** @type {import('tsgi/native').NativeApp} */
function index(environ, startResponse) {
  const page = `<!doctype html>
<meta charset="utf-8">
<title>tsgi demo</title>
<h1>tsgi demo</h1>
<p>Served by <code>tsgi serve</code> through the native (PEP 3333) lifecycle.</p>
<ul>
  <li><a href="hello">hello</a>: the seed's Hello World in the native flavour (PEP 3333): it calls
    <code>startResponse</code> with native strings and returns bytes</li>
  <li><a href="hello-bytes">hello-bytes</a>: the same in the bytes flavour (PEP 444, "Web3"): it returns
    <code>[status, headers, body]</code>, all bytes, and is served through <code>toNativeApp</code>;
    a GET gets the very bytes <a href="hello">hello</a> sends</li>
  <li><a href="greetings/">greetings</a> (also <a href="greetings/ja">greetings/ja</a>,
    <a href="greetings/caf%C3%A9">greetings/café</a>): a legacy text app, run unchanged through
    <code>fromLegacyApp</code>: its text body is encoded in the charset it names (UTF-8, Shift_JIS for
    <code>/ja</code>), its Content-Length counted in characters becomes bytes, and its Unicode filename
    is carried by RFC 8187</li>
  <li><a href="environ">environ</a>: the environ of your request</li>
  <li><a href="environ/caf%C3%A9?q=%C3%A9t%C3%A9">environ/café?q=été</a>: PATH_INFO is
    <code>/cafÃ©</code>, the UTF-8 bytes of <code>é</code> viewed as latin-1; the query string stays percent-encoded</li>
</ul>
<p>Try it with curl: <code>curl -i ${escapeHtml(requestUri(environ, false))}hello</code></p>
`;
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return [utf8(page)];
}

/**
 * How the viewer shows a value that is not a string: flags and versions as they are, objects
 * by their class (wsgi.input is an InputStream), functions by name.
 * @param {unknown} value
 */
function describeValue(value) {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value !== null && typeof value === 'object') return `${value.constructor?.name ?? 'Object'} object`;
  return String(value);
}

/** @type {import('tsgi/native').NativeApp} */
function environViewer(environ, startResponse) {
  const rows = Object.keys(environ)
    .sort()
    .map((key) => {
      const value = environ[key];
      const shown = typeof value === 'string' ? value : describeValue(value);
      const decoded =
        typeof value === 'string' && /[\x80-\xFF]/.test(value) ? ` <em>(as UTF-8: ${escapeHtml(asUtf8Text(value))})</em>` : '';
      return `<tr><th>${escapeHtml(key)}</th><td><code>${escapeHtml(shown)}</code>${decoded}</td></tr>`;
    })
    .join('\n');
  const page = `<!doctype html>
<meta charset="utf-8">
<title>environ</title>
<style>th { text-align: left; padding-right: 1em; } td code { white-space: pre-wrap; overflow-wrap: anywhere; }</style>
<h1>environ</h1>
<p><a href="${escapeHtml(environ.SCRIPT_NAME ?? '')}/../">back</a></p>
<table>
${rows}
</table>
`;
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return [utf8(page)];
}

/** @type {import('tsgi/native').NativeApp} */
function notFound(environ, startResponse) {
  startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [utf8(`Not Found: ${asUtf8Text((environ.SCRIPT_NAME ?? '') + (environ.PATH_INFO ?? ''))}\n`)];
}

/** @type {Record<string, import('tsgi/native').NativeApp>} */
const routes = {
  '': index,
  hello,
  'hello-bytes': toNativeApp(bytesHello),
  greetings: fromLegacyApp(greetings),
  environ: environViewer,
};

/** @type {import('tsgi/native').NativeApp} */
export default function demo(environ, startResponse) {
  // A bare request for the root ('' PATH_INFO) is the index too.
  const segment = environ.PATH_INFO === '' ? '' : shiftPathInfo(environ);
  const app = segment === undefined ? index : routes[segment] ?? notFound;
  return app(environ, startResponse);
}
