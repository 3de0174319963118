// @ts-check
/**
 * Codec figure: the latin-1 tunnel (native string ⇄ bytes) next to Buffer's own latin1
 * conversions, for a header-sized value and a 64 KiB one, in the same run. tsgi's encode must
 * check every code unit (Buffer would silently keep the low byte of a wider one, C-4); the
 * budget says what that check may cost.
 */
import { pathToFileURL } from 'node:url';
import { bytesToNative, nativeToBytes } from 'tsgi/codecs';
import { measureSync, printTable } from './measure.mjs';
import { printBudget } from './report.mjs';

/** @param {number} length */
function nativeString(length) {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(0x20 + ((i * 37) % 0xdf));
  return out;
}

export async function runCodecs() {
  // [label, length, iterations per round, encode budget]. A header-sized encode is ~75 ns in
  // Buffer; the N-2 scan (one regex test, ~10-20 ns) is the price of refusing '€' instead of
  // sending 0xAC (C-4), so that budget is lower. Decoding checks nothing and must keep up.
  const sizes = [
    ['header-sized (40 B)', 40, 2_000_000, 0.75],
    ['64 KiB', 64 * 1024, 2_000, 0.9],
  ];
  /** @type {Array<[string, number, number]>} */
  const ratios = [];
  for (const [label, length, iterations, encodeBudget] of sizes) {
    const text = nativeString(Number(length));
    const bytes = Buffer.from(text, 'latin1');
    const plain = new Uint8Array(bytes); // not a Buffer: what a bytes app may hand over
    let sink = 0;
    const options = { iterations: Number(iterations), rounds: 15 };
    const encodeBuffer = measureSync(() => (sink += Buffer.from(text, 'latin1').length), options);
    const encodeTsgi = measureSync(() => (sink += nativeToBytes(text).length), options);
    const decodeBuffer = measureSync(() => (sink += bytes.toString('latin1').length), options);
    const decodeTsgi = measureSync(() => (sink += bytesToNative(bytes).length), options);
    const decodePlain = measureSync(() => (sink += bytesToNative(plain).length), options);
    printTable(`codecs: latin-1, ${label} (median of 15 rounds; ratios to Buffer, lower is faster)`, [
      ['encode: Buffer.from(s, "latin1")', encodeBuffer],
      ['encode: nativeToBytes (checked)', encodeTsgi],
    ]);
    printTable(`codecs: latin-1 decode, ${label}`, [
      ['decode: buffer.toString("latin1")', decodeBuffer],
      ['decode: bytesToNative(Buffer)', decodeTsgi],
      ['decode: bytesToNative(Uint8Array)', decodePlain],
    ]);
    if (sink < 0) console.log(sink);
    ratios.push([`encode ${label}`, encodeBuffer.median / encodeTsgi.median, Number(encodeBudget)]);
    ratios.push([`decode ${label}`, decodeBuffer.median / decodeTsgi.median, 0.9]);
  }
  for (const [label, ratio, budget] of ratios) {
    printBudget(`latin-1 ${label} ≥ ${budget} × Buffer: ${ratio.toFixed(3)}`, ratio >= budget);
  }
  return ratios;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`tsgi bench (codecs only) — node ${process.version}, ${new Date().toISOString()}`);
  await runCodecs();
}
