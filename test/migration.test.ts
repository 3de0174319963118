/**
 * MIGRATION.md cannot rot: every ts block in it runs here exactly as printed, and its assert
 * lines must hold. Blocks import the package by name; vitest maps the names to src/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(join(root, 'MIGRATION.md'), 'utf8');
const scratch = join(root, 'test', '.tmp', 'migration');

interface Block {
  lang: string;
  code: string;
  heading: string;
  line: number;
}

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  let heading = '(top)';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence === null) continue;
    const start = i;
    const code: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) code.push(lines[i] as string);
    blocks.push({ lang: fence[1] ?? '', code: code.join('\n'), heading, line: start + 1 });
  }
  return blocks;
}

const blocks = blocksOf(guide);
const runnable = blocks.filter((b) => b.lang === 'ts');

describe('MIGRATION.md', () => {
  it('has only runnable code blocks (ts), plus text shown as output', () => {
    expect(blocks.filter((b) => b.lang !== 'ts' && b.lang !== 'text').map((b) => `line ${b.line}: \`\`\`${b.lang}`)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(10);
  });

  runnable.forEach((block, index) => {
    it(`block ${index + 1} under "${block.heading}" (line ${block.line}) runs and its asserts hold`, async () => {
      mkdirSync(scratch, { recursive: true });
      const file = join(scratch, `block-${index + 1}.ts`);
      writeFileSync(file, `${block.code}\nexport {};\n`);
      await import(pathToFileURL(file).href);
    });
  });
});
