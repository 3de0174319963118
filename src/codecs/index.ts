/**
 * `tsgi/codecs`: crossing between text and bytes, and between the flavours. The latin-1 tunnel
 * (native strings ⇄ bytes), environ conversions, the app adapters toBytesApp/toNativeApp, and
 * the raw request path.
 *
 * @module
 */

export { NativeStringError, assertNativeString, bytesToNative, indexOfNonNative, isNativeString, nativeToBytes } from './latin1';
export { encodeTargetText, percentDecodeNative } from './percent';
export {
  bytesToNativeEnviron,
  INPUT_TERMINATED,
  nativeToBytesEnviron,
  RAW_PATH_INFO,
  RAW_SCRIPT_NAME,
  type ToBytesEnvironOptions,
} from './environ';
export { rawPathOf, splitRawPath } from './raw-path';
export { toBytesApp } from './to-bytes-app';
export { respondWithBytesApp, toNativeApp, type ToNativeAppOptions } from './to-native-app';
export {
  CharsetDecodeError,
  CharsetEncodeError,
  CharsetError,
  charsetOf,
  decodeText,
  type DecodeErrors,
  encodeText,
  type EncodeErrors,
  isCharsetSupported,
  normalizeCharset,
  UnknownCharsetError,
} from './text';
export {
  decodePath,
  decodeQueryValue,
  encodePath,
  encodePathToUrl,
  PathDecodeError,
  PathEncodeError,
  type DecodePathOptions,
  type DecodeQueryOptions,
  type EncodePathOptions,
  type PathErrors,
} from './path';
export { defaultHeaderPolicy, encodeHeaderValue, HeaderEncodingError, type HeaderPolicy } from './headers';
export {
  fromLegacyApp,
  type LegacyApp,
  type LegacyBody,
  type LegacyChunk,
  type LegacyEnviron,
  type LegacyInput,
  type LegacyOptions,
  type LegacyStartResponse,
  type LegacyWrite,
} from './legacy';
