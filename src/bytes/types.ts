/**
 * The bytes flavour's contract (PEP 444, "Web3") on one screen: every environ value, the
 * status, every header name and value, and the body are bytes. The app returns its response
 * instead of calling `startResponse`.
 *
 * The response order is `[status, headers, body]` (BYTES.md B-1: the PEP's prose says so, its
 * examples say `body, status, headers`; the validator names that mistake, V-94).
 *
 * @module
 */

import type { Body, ErrorStreamLike, InputStreamLike } from '../native/types';

/** `Uint8Array` of e.g. `200 OK` (B-24). */
export type BytesStatus = Uint8Array;

/** One header: name and value, both bytes (B-25). */
export type BytesHeader = [name: Uint8Array, value: Uint8Array];

/** A genuine Array of `[name, value]` pairs (B-25, D-B6). */
export type BytesHeaderList = BytesHeader[];

/** A body: as in the native flavour, an iterable of `Uint8Array` chunks, sync or async (B-26). */
export type BytesBody = Body;

/** What a bytes app returns: a genuine Array of three (B-23, D-B2). */
export type BytesResponse = [status: BytesStatus, headers: BytesHeaderList, body: BytesBody];

/**
 * The PEP's asynchronous form (B-62): a function the server calls until it returns the
 * response instead of `null`/`undefined`. A Promise is the JavaScript way and always works.
 */
export type BytesPoller = () => BytesResponse | null | undefined;

/** The environ: CGI values are `Uint8Array`, keys are strings (B-3). */
export interface BytesEnviron {
  REQUEST_METHOD: Uint8Array;
  /** Always present, empty when the app is mounted at the root (B-11). */
  SCRIPT_NAME: Uint8Array;
  /** Always present, percent-decoded (B-11, B-40). */
  PATH_INFO: Uint8Array;
  /** Always present, raw (B-11). */
  QUERY_STRING: Uint8Array;
  CONTENT_TYPE?: Uint8Array;
  CONTENT_LENGTH?: Uint8Array;
  SERVER_NAME: Uint8Array;
  SERVER_PORT: Uint8Array;
  SERVER_PROTOCOL: Uint8Array;
  'web3.version': readonly [1, 0];
  'web3.url_scheme': Uint8Array;
  /** The request body, read() bounded by CONTENT_LENGTH (B-8). */
  'web3.input': InputStreamLike;
  'web3.errors': ErrorStreamLike;
  'web3.multithread': boolean;
  'web3.multiprocess': boolean;
  'web3.run_once': boolean;
  /** Our servers always accept a Promise or a poller (B-61, D-B3). */
  'web3.async': boolean;
  /** SCRIPT_NAME as the client sent it, still percent-encoded; absent when not exact (B-41, B-42). */
  'web3.script_name'?: Uint8Array;
  /** PATH_INFO as the client sent it, still percent-encoded; absent when not exact (B-41, B-42). */
  'web3.path_info'?: Uint8Array;
  [key: string]: unknown;
}

/** A bytes app: called with the environ only (B-16), returns the response (B-23). */
export type BytesApp = (environ: BytesEnviron) => BytesResponse | Promise<BytesResponse> | BytesPoller;
