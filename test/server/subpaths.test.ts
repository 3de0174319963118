/**
 * DESIGN.md "Layout": a CGI user does not load node:http. Checked in a fresh process running
 * the built package, since a test runner has long since loaded http itself.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs ESM source in a fresh Node inside the package, so `tsgi/...` resolves to dist/. */
function loadedHttpModules(source: string): string[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `${source}\nconsole.log(JSON.stringify(process.moduleLoadList.filter((m) => /http/i.test(m))));`], {
    cwd: root,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[];
}

describe('subpath imports', () => {
  it('importing tsgi/server and answering a request with runCGI loads no HTTP module', () => {
    const loaded = loadedHttpModules(`
      const { runCGI } = await import('tsgi/server');
      const { Writable } = await import('node:stream');
      await runCGI((e, s) => { s('200 OK', []); return []; }, {
        env: { REQUEST_METHOD: 'GET' },
        stdout: new Writable({ write(c, e, cb) { cb(); } }),
      });`);
    expect(loaded).toEqual([]);
  });

  it('importing tsgi/native loads no HTTP module', () => {
    expect(loadedHttpModules(`await import('tsgi/native');`)).toEqual([]);
  });

  it('serve() does load it, so the check above can fail', () => {
    const loaded = loadedHttpModules(`
      const { serve } = await import('tsgi/server');
      const server = await serve((e, s) => (s('200 OK', []), []), { port: 0 });
      await server.close();`);
    expect(loaded.some((m) => m.includes('_http_server'))).toBe(true);
  });
});
