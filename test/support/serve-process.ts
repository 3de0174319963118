/**
 * `tsgi serve …` as a real process running dist/cli.js (rebuilt by the global setup), as
 * test/cli.test.ts starts it: ready once stderr says where it listens. Processes still running
 * after a test are killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const cli = join(root, 'dist', 'cli.js');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface ServeProcess {
  child: ChildProcess;
  /** What it printed: `serving MODULE (flavour) on URL; …`. */
  url: string;
  /** The TCP port, or 0 on a Unix socket. */
  port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts `tsgi serve ARGS` and resolves once it listens. Give `--port 0` or `--socket PATH`
 * in `args`; nothing is added.
 */
export function serveProcess(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cli, 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = / on (https?(?:\+unix)?:\/\/[^;\s]+);/.exec(stderr);
      if (match === null) return;
      const url = match[1]!;
      const port = url.includes('+unix:') ? 0 : Number(new URL(url).port);
      resolve({ child, url, port, stdout: () => stdout, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`tsgi exited with ${code} before listening: ${stderr}`)));
  });
}

/** Waits until `text()` holds `needle`, or `ms` pass; returns whether it did. */
export async function waitFor(text: () => string, needle: string | RegExp, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  const found = () => (typeof needle === 'string' ? text().includes(needle) : needle.test(text()));
  while (!found() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return found();
}

/** One GET over a Unix socket. */
export function requestSocket(socketPath: string, path = '/'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
