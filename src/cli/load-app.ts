/**
 * Loading the app a command names: `MODULE[:EXPORT]`, a file path relative to the working
 * directory. Without an export name: the default export, else `app`, else `application`.
 *
 * @module
 */

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The app could not be loaded; the message says why and what to do. */
export class LoadError extends Error {
  override name = 'LoadError';
}

export interface LoadedApp {
  app: (...args: never[]) => unknown;
  /** Where it came from, for messages: `examples/demo/app.mjs:default`. */
  label: string;
}

const FALLBACK_EXPORTS = ['default', 'app', 'application'];

/** Splits `path/to/mod.mjs:name`; a Windows drive letter (`C:\…`) is not an export name. */
export function parseAppSpec(spec: string): { path: string; exportName: string | undefined } {
  const colon = spec.lastIndexOf(':');
  if (colon > 1 && !/[\\/]/.test(spec.slice(colon + 1))) {
    return { path: spec.slice(0, colon), exportName: spec.slice(colon + 1) };
  }
  return { path: spec, exportName: undefined };
}

export async function loadApp(spec: string, cwd = process.cwd()): Promise<LoadedApp> {
  const { path, exportName } = parseAppSpec(spec);
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(file)) throw new LoadError(`no such file: ${file}`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(file)) {
      throw new LoadError(
        `${path} is TypeScript, and this Node (${process.version}) has no TypeScript loader. ` +
          'Compile it to .js, or run with a loader: `node --import tsx node_modules/.bin/tsgi ...`, ' +
          'or on Node 22.6+ `node --experimental-strip-types node_modules/.bin/tsgi ...`.',
      );
    }
    throw new LoadError(`cannot load ${path}: ${(error as Error).stack ?? String(error)}`);
  }
  const names = exportName === undefined ? FALLBACK_EXPORTS : [exportName];
  for (const name of names) {
    let candidate = module[name];
    // A CommonJS module imported from ESM puts module.exports under `default`.
    if (name === 'default' && candidate !== null && typeof candidate === 'object' && typeof (candidate as { default?: unknown }).default === 'function') {
      candidate = (candidate as { default: unknown }).default;
    }
    if (typeof candidate === 'function') return { app: candidate as LoadedApp['app'], label: `${path}:${name}` };
    if (exportName !== undefined && candidate !== undefined) {
      throw new LoadError(`${path}:${name} is ${typeof candidate}, not an app function`);
    }
  }
  const exported = Object.keys(module).join(', ') || 'nothing';
  throw new LoadError(
    exportName === undefined
      ? `${path} has no default export, \`app\` or \`application\` (it exports: ${exported}); name one as ${path}:NAME`
      : `${path} has no export named ${exportName} (it exports: ${exported})`,
  );
}
