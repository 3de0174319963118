// @ts-check
/**
 * Timing for `npm run bench`: many rounds of many calls, median of the rounds. Machines here
 * are noisy, so only medians and ratios taken in the same run are quoted (never single runs).
 */

/**
 * @param {() => unknown} fn  one operation (sync)
 * @param {{ rounds?: number, iterations?: number }} [options]
 * @returns {{ median: number, min: number, max: number }} nanoseconds per operation
 */
export function measureSync(fn, { rounds = 21, iterations = 200_000 } = {}) {
  for (let i = 0; i < iterations; i++) fn(); // warm-up: let the JIT settle
  /** @type {number[]} */
  const perOp = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    perOp.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return summarize(perOp);
}

/**
 * @param {() => Promise<unknown>} fn  one operation (async)
 * @param {{ rounds?: number, iterations?: number }} [options]
 */
export async function measureAsync(fn, { rounds = 21, iterations = 50_000 } = {}) {
  for (let i = 0; i < iterations; i++) await fn();
  /** @type {number[]} */
  const perOp = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn();
    perOp.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return summarize(perOp);
}

/**
 * Several operations timed round by round, interleaved (A B C, B C A, C A B, …), so that a slow
 * patch of this noisy machine falls on all of them alike; each round's ratio to the first
 * operation is kept, and its median is the figure to quote.
 * @param {Array<[string, () => unknown]>} contenders  the first is the baseline
 * @param {{ rounds?: number, iterations?: number }} [options]
 * @returns {Array<{ name: string, summary: { median: number, min: number, max: number }, ratio: { median: number, min: number, max: number } }>}
 *   ns per operation, and the per-round ratio of the baseline's time to this one's (above 1: faster)
 */
export function compareSync(contenders, { rounds = 21, iterations = 200_000 } = {}) {
  for (const [, fn] of contenders) for (let i = 0; i < iterations; i++) fn(); // warm-up
  /** @type {number[][]} */
  const perOp = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (r + k) % contenders.length;
      const fn = /** @type {[string, () => unknown]} */ (contenders[index])[1];
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn();
      /** @type {number[]} */ (perOp[index]).push(Number(process.hrtime.bigint() - start) / iterations);
    }
  }
  const base = /** @type {number[]} */ (perOp[0]);
  return contenders.map(([name], index) => {
    const times = /** @type {number[]} */ (perOp[index]);
    return { name, summary: summarize(times), ratio: summarize(times.map((t, r) => /** @type {number} */ (base[r]) / t)) };
  });
}

/** @param {number[]} values */
function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * Prints one table: each row's median, and its ratio to the first row.
 * @param {string} title
 * @param {Array<[string, { median: number, min: number, max: number }]>} rows
 */
export function printTable(title, rows) {
  const base = rows[0]?.[1].median ?? NaN;
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, { median, min, max }] of rows) {
    const ratio = median / base;
    console.log(
      `  ${name.padEnd(width)}  ${median.toFixed(1).padStart(9)} ns/op  (min ${min.toFixed(1)}, max ${max.toFixed(1)})  ${ratio.toFixed(2)}x`,
    );
  }
}
