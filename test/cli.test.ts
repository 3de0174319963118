/**
 * The `tsgi` command: usage errors in-process (main() returns the exit code), serving and
 * signals as a real process running dist/cli.js (rebuilt by the global setup).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseFlavour } from '../src/cli';
import { parseAppSpec } from '../src/cli/load-app';
import { request } from './server/support/clients';
import { appFile, runMain } from './support/cli-main';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');

/** Runs main() with stderr captured. */
const ENVIRON_APP = `
export default function app(environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from(JSON.stringify({ mp: environ['wsgi.multiprocess'], pid: process.pid }))];
}`;

describe('tsgi: usage (exit codes)', () => {
  it('--version prints the version and exits 0', async () => {
    expect((await runMain(['--version'])).code).toBe(0);
  });

  it('no command prints the usage and exits 2', async () => {
    expect((await runMain([])).code).toBe(2);
  });

  it('an unknown flag exits 2 and says which', async () => {
    const { code, stderr } = await runMain(['serve', 'x.mjs', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('--bogus');
  });

  it('a missing module exits 3 and names the file', async () => {
    const { code, stderr } = await runMain(['serve', 'no/such/app.mjs']);
    expect(code).toBe(3);
    expect(stderr).toContain('no such file');
  });

  it('a module without an app export exits 3 and lists what it exports', async () => {
    const { code, stderr } = await runMain(['serve', appFile('export const helper = 1;')]);
    expect(code).toBe(3);
    expect(stderr).toContain('it exports: helper');
  });

  it('bad limit values exit 2 and name the flag', async () => {
    const { code, stderr } = await runMain(['serve', appFile(ENVIRON_APP), '--max-body', 'lots']);
    expect(code).toBe(2);
    expect(stderr).toContain('--max-body');
  });

  it('an unknown flavour, or a protocol not available yet, exits 2 with a clear message', async () => {
    const file = appFile(ENVIRON_APP);
    const unknown = await runMain(['serve', file, '--flavour', 'text']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--flavour must be one of auto, native, bytes, legacy');
    const { code, stderr } = await runMain(['serve', file, '--protocol', 'fastcgi']);
    expect(code).toBe(2);
    expect(stderr).toContain('fastcgi');
  });

  it('--flavour auto reads the arity: 2 is native, 1 is bytes, others need the flag', () => {
    expect(chooseFlavour('auto', (_a: never, _b: never) => 0, 'x')).toBe('native');
    expect(chooseFlavour('auto', (_a: never) => 0, 'x')).toBe('bytes');
    expect(() => chooseFlavour('auto', (..._a: never[]) => 0, 'x')).toThrow(/--flavour/);
    expect(chooseFlavour('native', (..._a: never[]) => 0, 'x')).toBe('native');
  });

  it('MODULE:EXPORT picks a named export', () => {
    expect(parseAppSpec('app.mjs:site')).toEqual({ path: 'app.mjs', exportName: 'site' });
    expect(parseAppSpec('app.mjs')).toEqual({ path: 'app.mjs', exportName: undefined });
  });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts `tsgi serve ...` and resolves with the port once it says where it listens. */
function serveProcess(args: string[]): Promise<{ child: ChildProcess; port: number; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, [cli, 'serve', ...args, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (match) resolve({ child, port: Number(match[1]), stdout: () => stdout, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`tsgi exited with ${code}: ${stderr}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('tsgi serve (a real process)', () => {
  it('serves the hello example, and SIGTERM stops it gracefully with exit code 0', async () => {
    const { child, port, stderr } = await serveProcess(['examples/hello/native.mjs']);
    const response = await request(port);
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('Hello World\n');
    const exited = exitOf(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr()).toContain('SIGTERM');
  });

  it('--access-log writes Combined Log Format lines to stdout', async () => {
    const { child, port, stdout } = await serveProcess(['examples/hello/native.mjs', '--access-log']);
    await request(port, { path: '/x' });
    await new Promise((r) => setTimeout(r, 50));
    expect(stdout()).toMatch(/"GET \/x HTTP\/1\.1" 200 12 /);
    child.kill('SIGTERM');
    await exitOf(child);
  });

  it('--workers 2 pre-forks: two processes answer, with wsgi.multiprocess true, and SIGTERM stops them all', async () => {
    const { child, port } = await serveProcess([appFile(ENVIRON_APP), '--workers', '2']);
    const pids = new Set<number>();
    for (let i = 0; i < 40 && pids.size < 2; i++) {
      const seen = JSON.parse((await request(port)).body.toString()) as { mp: boolean; pid: number };
      expect(seen.mp).toBe(true);
      pids.add(seen.pid);
    }
    expect(pids.size).toBe(2);
    const exited = exitOf(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  // Node 23.6+ strips types itself; there the module loads and this case does not arise.
  const nativeTypeScript = (process.features as { typescript?: unknown }).typescript !== undefined;
  if (nativeTypeScript) console.warn('skipping the .ts-without-loader test: this Node loads TypeScript natively');
  it.skipIf(nativeTypeScript)('a .ts module on a Node without a TypeScript loader exits 3 and says what to do', async () => {
    // In a real process: inside vitest, vite would compile the .ts and hide the problem.
    const child = spawn(process.execPath, [cli, 'serve', appFile('export default (e: unknown, s: unknown) => [];', 'app.ts')], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exitOf(child)).toBe(3);
    expect(stderr).toMatch(/TypeScript loader/);
  });

  it('a port in use exits 1 with the reason', async () => {
    const first = await serveProcess(['examples/hello/native.mjs']);
    const second = spawn(process.execPath, [cli, 'serve', 'examples/hello/native.mjs', '--port', String(first.port)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(second);
    let stderr = '';
    second.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exitOf(second)).toBe(1);
    expect(stderr).toContain('already in use');
  });
});
