/**
 * Running the `tsgi` command in-process for tests: main() with stdout and stderr captured, and
 * app modules written to a temporary directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';

/** Runs main(args) and returns its exit code with what it wrote to stdout and stderr. */
export async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** Writes `source` to a new temporary directory as `name` and returns its path. */
export function appFile(source: string, name = 'app.mjs'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tsgi-cli-')), name);
  writeFileSync(file, source);
  return file;
}
