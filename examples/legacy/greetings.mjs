// @ts-check
/**
 * A legacy text app: written as apps were before text and bytes were told apart. PATH_INFO is
 * text ('/café'), the body is text, Content-Length counts characters, and a header holds
 * Unicode. It runs unchanged with the legacy adapter:
 *
 *   npx tsgi serve examples/legacy/greetings.mjs --flavour legacy
 *   curl -s localhost:8000/ja | iconv -f SHIFT_JIS      # こんにちは、世界
 *
 * As a native app it would be refused (strings are not bytes, N-9). MIGRATION.md walks it
 * from here to the native and then the bytes flavour.
 */

/** @type {Record<string, [greeting: string, charset: string]>} */
const GREETINGS = {
  '/': ['Hello, world', 'utf-8'],
  '/ja': ['こんにちは、世界', 'Shift_JIS'],
  '/café': ['Bonjour du café', 'utf-8'],
};

/**
 * @param {Record<string, any>} environ
 * @param {(status: string, headers: [string, string][]) => unknown} startResponse
 */
export default function greetings(environ, startResponse) {
  const path = environ.PATH_INFO || '/';
  const found = GREETINGS[path];
  if (found === undefined) {
    startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
    return [`No greeting at ${path}\n`];
  }
  const [greeting, charset] = found;
  const body = `${greeting}\n`;
  startResponse('200 OK', [
    ['Content-Type', `text/plain; charset=${charset}`],
    ['Content-Length', String(body.length)], // characters: the adapter counts bytes instead
    ['Content-Disposition', `inline; filename="${greeting}.txt"`], // Unicode in a header
  ]);
  return [body];
}
