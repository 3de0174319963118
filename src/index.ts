/**
 * tsgi: the Web Server Gateway Interface for TypeScript. This entry re-exports every part;
 * import a subpath (`tsgi/native`, ...) to load only what you use.
 *
 * @module
 */

export * from './native/index';
export * from './bytes/index';
export * from './codecs/index';
