// @ts-check
/**
 * Medians and tables for the HTTP figures, in the layout of measure.mjs's printTable (name,
 * median, min and max, ratio to the first row), with a unit of their own.
 */

/**
 * @typedef {{ median: number, min: number, max: number }} Summary
 */

/**
 * @param {number[]} values
 * @returns {Summary}
 */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 === 1 ? /** @type {number} */ (sorted[(n - 1) / 2]) : (/** @type {number} */ (sorted[n / 2 - 1]) + /** @type {number} */ (sorted[n / 2])) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN };
}

/**
 * Prints one table: each row's median with min and max, its ratio to the first row, and an
 * optional note.
 * @param {string} title
 * @param {string} unit
 * @param {Array<{ name: string, summary: Summary, note?: string }>} rows
 * @param {number} [digits]
 */
export function printFigure(title, unit, rows, digits = 1) {
  const base = rows[0]?.summary.median ?? NaN;
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((row) => row.name.length));
  const valueWidth = Math.max(9, ...rows.map((row) => row.summary.median.toFixed(digits).length));
  for (const { name, summary, note } of rows) {
    const { median, min, max } = summary;
    const ratio = median / base;
    console.log(
      `  ${name.padEnd(width)}  ${median.toFixed(digits).padStart(valueWidth)} ${unit}  (min ${min.toFixed(digits)}, max ${max.toFixed(digits)})  ${ratio.toFixed(2)}x${note === undefined ? '' : `  ${note}`}`,
    );
  }
}

/**
 * One budget line: what was measured against what is allowed, and PASS or FAIL.
 * @param {string} text
 * @param {boolean} pass
 */
export function printBudget(text, pass) {
  console.log(`  budget: ${text}  ${pass ? 'PASS' : 'FAIL'}`);
  return pass;
}
