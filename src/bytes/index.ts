/**
 * `tsgi/bytes`: the PEP 444 ("Web3") flavour. Everything is bytes and the app returns
 * `[status, headers, body]`. Serve a bytes app with `serve(app, { flavour: 'bytes' })`, test it
 * with buildBytesEnviron and callBytesApplication, check it with bytesValidator.
 *
 * @module
 */

export type {
  BytesApp,
  BytesBody,
  BytesEnviron,
  BytesHeader,
  BytesHeaderList,
  BytesPoller,
  BytesResponse,
  BytesStatus,
} from './types';
export { bytesValidator } from './validate';
export { buildBytesEnviron, callBytesApplication, type BytesTestResponse } from './testing';
export { checkBytesResponse, settleBytesResult, type PollOptions } from './response';
