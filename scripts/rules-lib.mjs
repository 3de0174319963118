// @ts-check
/** Shared by scripts/rules.mjs (writes test/RULES.md) and test/rules.test.ts (checks it). */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A rule id, not part of a longer one: `N-18` but not the `N-18` inside `D-N18`. */
const RULE_ID = /(?<![\w-])(D-N\d+|D-B\d+|[NVBC]-\d+)(?!\d)/g;

/**
 * @param {string} text
 * @returns {string[]}
 */
export function ruleIdsIn(text) {
  return [...text.matchAll(RULE_ID)].map((m) => /** @type {string} */ (m[1]));
}

/**
 * Which tests name which rule. Only a test's own title counts (the part after the last ` > `),
 * not the describe blocks around it.
 * @param {Array<{ name: string, file: string }>} listed  the output of `vitest list --json`
 * @returns {Map<string, Array<{ name: string, file: string }>>}
 */
export function testNamesByRule(listed) {
  /** @type {Map<string, Array<{ name: string, file: string }>>} */
  const byRule = new Map();
  for (const { name, file } of listed) {
    const leaf = name.split(' > ').pop() ?? '';
    for (const id of new Set(ruleIdsIn(leaf))) {
      const entry = { name, file: relative(root, file).replace(/^test\//, '') };
      byRule.set(id, [...(byRule.get(id) ?? []), entry]);
    }
  }
  return byRule;
}

/**
 * Reads test/RULES.md back: for each rule, the files it claims and its note.
 * @param {string} text
 */
export function parseRulesFile(text) {
  /** @type {Map<string, string[]>} */
  const files = new Map();
  /** @type {Map<string, string>} */
  const notes = new Map();
  for (const line of text.split('\n')) {
    // | id | summary (may hold escaped pipes) | files | note |
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells.length < 6 || !/^(D-N\d+|D-B\d+|[NVBC]-\d+)$/.test(cells[1] ?? '')) continue;
    const id = /** @type {string} */ (cells[1]);
    files.set(id, (cells[3] ?? '').split(',').map((f) => f.trim()).filter(Boolean));
    if (cells[4]) notes.set(id, cells[4]);
  }
  return { files, notes };
}
