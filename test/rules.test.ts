/**
 * test/RULES.md must agree with the tests: a rule it says is tested has a test naming it in
 * those files, a rule with no test says why, and every rule a test names is listed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRulesFile, testNamesByRule } from '../scripts/rules-lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { files: claimed, notes } = parseRulesFile(readFileSync(new URL('./RULES.md', import.meta.url), 'utf8'));

function listTests(): Array<{ name: string; file: string }> {
  const out = execFileSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'list', '--json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Array<{ name: string; file: string }>;
}

describe('test/RULES.md', () => {
  it('lists each rule with its tests or a note saying why it has none', () => {
    expect(claimed.size).toBeGreaterThan(300);
    const bare = [...claimed].filter(([id, files]) => files.length === 0 && !notes.has(id)).map(([id]) => id);
    expect(bare).toEqual([]);
  });

  it('matches the test names exactly (regenerate with `node scripts/rules.mjs`)', { timeout: 120_000 }, () => {
    const actual = testNamesByRule(listTests());
    const wrong: string[] = [];
    for (const [id, files] of claimed) {
      const real = [...new Set((actual.get(id) ?? []).map((t) => t.file))].sort();
      if (real.join(', ') !== [...files].sort().join(', ')) wrong.push(`${id}: RULES.md says [${files.join(', ')}], tests are in [${real.join(', ')}]`);
    }
    for (const id of actual.keys()) if (!claimed.has(id)) wrong.push(`${id}: named by a test but not a rule in RULES.md`);
    expect(wrong).toEqual([]);
  });
});
