/**
 * `tsgi/native`: the PEP 3333 flavour. Native-string status and headers, bytes bodies, the
 * server-side lifecycle every gateway runs, the validator and the test client.
 *
 * @module
 */

export type {
  Body,
  Closable,
  Environ,
  ErrorStreamLike,
  FileLike,
  FileWrapperFactory,
  Header,
  HeaderList,
  InputStreamLike,
  NativeApp,
  NativeString,
  StartResponse,
  Write,
} from './types';
export { Headers, type HeaderParams } from './headers';
export { applicationUri, guessScheme, quotePath, requestUri, shiftPathInfo } from './util';
export { InputStream, type InputSource, type InputStreamOptions } from './input';
export { ErrorStream } from './error-stream';
export { FileWrapper, fileWrapper } from './file-wrapper';
export { ProtocolError } from './errors';
export {
  validator,
  ValidationError,
  type ValidationFlavour,
  type ValidationMode,
  type ValidationProfile,
  type ValidationWarning,
  type ValidatorOptions,
} from './validate';
export { runApplication, type LifecycleOptions } from './lifecycle';
export type { Framing, ResponseHead, ResponseSink } from './sink';
export { chooseFraming, type FramingFacts } from './framing';
export { MemorySink, type SinkState } from './memory-sink';
export { addRequestHeader, environKeyOf } from './request-headers';
export { buildEnviron, callApplication, type CallOptions, type EnvironOptions, type TestResponse } from './testing';
