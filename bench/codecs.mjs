// @ts-check
/**
 * Codec figure: the latin-1 tunnel (native string ⇄ bytes) next to Buffer's own latin1
 * conversions, for a header-sized value and a 64 KiB one, in the same run. tsgi's encode must
 * check every code unit (Buffer would silently keep the low byte of a wider one, C-4); the
 * budget says that check may cost at most a tenth. The contenders are timed interleaved, round
 * by round, and the budget reads the median of the per-round ratios.
 */
import { pathToFileURL } from 'node:url';
import { bytesToNative, nativeToBytes } from 'tsgi/codecs';
import { compareSync } from './measure.mjs';
import { printBudget } from './report.mjs';

/** @param {number} length */
function nativeString(length) {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(0x20 + ((i * 37) % 0xdf));
  return out;
}

/**
 * @param {string} title
 * @param {ReturnType<typeof compareSync>} rows
 */
function printComparison(title, rows) {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const { name, summary, ratio } of rows) {
    console.log(
      `  ${name.padEnd(width)}  ${summary.median.toFixed(1).padStart(9)} ns/op  (min ${summary.min.toFixed(1)}, max ${summary.max.toFixed(1)})  speed vs first, per round: ${ratio.median.toFixed(3)} (${ratio.min.toFixed(3)}…${ratio.max.toFixed(3)})`,
    );
  }
}

export async function runCodecs() {
  // [label, length, iterations per round]
  const sizes = /** @type {const} */ ([
    ['header-sized (40 B)', 40, 500_000],
    ['64 KiB', 64 * 1024, 1_000],
  ]);
  /** @type {Array<[string, number]>} */
  const ratios = [];
  for (const [label, length, iterations] of sizes) {
    const text = nativeString(length);
    const bytes = Buffer.from(text, 'latin1');
    const plain = new Uint8Array(bytes); // not a Buffer: what a bytes app may hand over
    let sink = 0;
    const options = { iterations, rounds: 21 };
    const encode = compareSync(
      [
        ['encode: Buffer.from(s, "latin1")', () => (sink += Buffer.from(text, 'latin1').length)],
        ['encode: nativeToBytes (checked)', () => (sink += nativeToBytes(text).length)],
      ],
      options,
    );
    const decode = compareSync(
      [
        ['decode: buffer.toString("latin1")', () => (sink += bytes.toString('latin1').length)],
        ['decode: bytesToNative(Buffer)', () => (sink += bytesToNative(bytes).length)],
        ['decode: bytesToNative(Uint8Array)', () => (sink += bytesToNative(plain).length)],
      ],
      options,
    );
    printComparison(`codecs: latin-1 encode, ${label} (21 interleaved rounds)`, encode);
    printComparison(`codecs: latin-1 decode, ${label} (21 interleaved rounds)`, decode);
    if (sink < 0) console.log(sink);
    ratios.push([`encode ${label}`, encode[1]?.ratio.median ?? NaN]);
    ratios.push([`decode ${label}`, decode[1]?.ratio.median ?? NaN]);
  }
  for (const [label, ratio] of ratios) {
    printBudget(`latin-1 ${label} ≥ 0.9 × Buffer: ${ratio.toFixed(3)}`, ratio >= 0.9);
  }
  return ratios;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`tsgi bench (codecs only) — node ${process.version}, ${new Date().toISOString()}`);
  await runCodecs();
}
