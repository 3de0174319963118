/**
 * The CGI test script: bundled by ./cgi-script.ts into one executable ESM file, run by fcgiwrap
 * or directly as a child process. TSGI_FIXTURE names the app (see ./cgi-apps.ts).
 */
import { runCGI } from '../../../src/server/cgi';
import type { NativeApp } from '../../../src/native/types';
import { cgiApps } from './cgi-apps';

const notFound: NativeApp = (environ, start) => {
  start('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`no test app named ${JSON.stringify(environ.TSGI_FIXTURE ?? '')}\n`)];
};

const chosen = cgiApps[process.env.TSGI_FIXTURE ?? ''];
await runCGI(chosen?.app ?? notFound, chosen?.options);
