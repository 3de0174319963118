/**
 * The CGI test script as a real executable, and running it the way a web server does.
 *
 * Node 20 cannot run the TypeScript sources in a child process, so {@link buildCGIScript}
 * bundles ./cgi-entry.ts (runCGI plus the apps of ./cgi-apps.ts) with tsup into one ESM file
 * with a `#!/usr/bin/env node` line, executable. {@link runCGIScript} runs it with an
 * environment and stdin and returns what it wrote; {@link observeCGIScript} does that for a
 * fixture and returns an `Observed` to compare with its expectation.
 *
 * @example
 * const script = await buildCGIScript(dir);
 * const observed = await observeCGIScript(script, fixture);
 * expect(differences(observed, fixture.expect)).toEqual([]);
 */
import { spawn } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import type { Fixture, Observed } from '../../fixtures';
import { cgiRequestOf } from './requests';

const ENTRY = fileURLToPath(new URL('./cgi-entry.ts', import.meta.url));

/** Bundles the CGI test script into `outDir` and returns its path (executable). */
export async function buildCGIScript(outDir: string): Promise<string> {
  await build({
    entry: { 'tsgi-test.cgi': ENTRY },
    outDir,
    format: ['esm'],
    // .mjs: the temp dir has no package.json saying "type": "module".
    outExtension: () => ({ js: '.mjs' }),
    platform: 'node',
    target: 'node20',
    bundle: true,
    splitting: false,
    sourcemap: false,
    dts: false,
    clean: false,
    silent: true,
    // Ignore the repository's tsup.config.ts: this is a different build.
    config: false,
    // Everything in one file, so it runs from a directory without node_modules; `require` for
    // any CommonJS dependency that ends up in the bundle.
    noExternal: [/.*/],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __tsgiCreateRequire } from 'node:module';\nconst require = __tsgiCreateRequire(import.meta.url);",
    },
  });
  const script = join(outDir, 'tsgi-test.cgi.mjs');
  await chmod(script, 0o755);
  return script;
}

export interface CGIRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** The whole environment of the script (PATH is added when absent, for `env node`). */
  env: Record<string, string>;
  /** Bytes for stdin, then EOF. Default: EOF at once. */
  stdin?: Uint8Array;
  /** Kill the script after this long (ms). Default 10 s. */
  timeout?: number;
}

/** Runs the script as a web server would: variables in the environment, body on stdin. */
export function runCGIScript(script: string, options: RunOptions): Promise<CGIRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, [], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // The script may exit without reading its body: that is allowed (RFC 3875 §4.2).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? Buffer.alloc(0));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export interface CGIResponse {
  /** From the `Status:` field; 200 when there is none (RFC 3875 §6.3.3). */
  code: number;
  status: string;
  /** The header fields other than Status, values as latin-1 native strings. */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Parses a CGI response (RFC 3875 §6): header fields, a blank line, the body. */
export function parseCGIResponse(stdout: Buffer): CGIResponse {
  const crlf = stdout.indexOf('\r\n\r\n');
  const lf = stdout.indexOf('\n\n');
  if (crlf < 0 && lf < 0) throw new Error(`no end of the CGI header in ${JSON.stringify(stdout.toString('latin1').slice(0, 200))}`);
  const [end, gap] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
  const lines = stdout.subarray(0, end).toString('latin1').split(/\r?\n/);
  let status = '200 OK';
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a CGI header field: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (name.toLowerCase() === 'status') status = value;
    else headers.push([name, value]);
  }
  return { code: Number(status.slice(0, 3)), status, headers, body: stdout.subarray(end + gap) };
}

/**
 * What a web server can tell from a CGI response, as an `Observed`. A CGI response has no
 * framing of its own: `framing` is `none` for HEAD, 204 and 304, `length` when it declares
 * Content-Length, and left out otherwise (the web server chooses); `complete` is false only
 * when the body is shorter than its Content-Length, the one truncation a web server can see.
 */
export function observedFromCGIOutput(stdout: Buffer, method = 'GET'): Observed {
  const response = parseCGIResponse(stdout);
  const lengthField = response.headers.find(([name]) => name.toLowerCase() === 'content-length');
  const length = lengthField === undefined ? undefined : Number(lengthField[1]);
  const framing =
    method === 'HEAD' || response.code === 204 || response.code === 304 ? 'none' : length !== undefined ? 'length' : undefined;
  return {
    code: response.code,
    headers: response.headers,
    body: response.body,
    complete: framing === 'none' || length === undefined || response.body.byteLength >= length,
    ...(framing === undefined ? {} : { framing }),
  };
}

/**
 * Runs the script for a fixture as a web server would (its request as CGI variables and
 * stdin, TSGI_FIXTURE naming the app) and returns what the web server would get, as an
 * `Observed` (see {@link observedFromCGIOutput}), with the script's stderr and exit code.
 */
export async function observeCGIScript(
  script: string,
  fixture: Pick<Fixture, 'name' | 'request'>,
  extraEnv: Record<string, string> = {},
): Promise<Observed & { stderr: string; exitCode: number | null }> {
  const { env, stdin } = await cgiRequestOf(fixture.request);
  const run = await runCGIScript(script, { env: { ...env, TSGI_FIXTURE: fixture.name, ...extraEnv }, stdin });
  return { ...observedFromCGIOutput(run.stdout, fixture.request?.method ?? 'GET'), stderr: run.stderr, exitCode: run.exitCode };
}
