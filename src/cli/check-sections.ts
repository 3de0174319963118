/**
 * Where `tsgi check` sends the reader for each problem it reports: the rule id → the section of
 * MIGRATION.md that explains the mistake and its fix. The anchors are GitHub's slugs of that
 * guide's headings (lower-case, spaces → `-`, punctuation other than `-` and `_` dropped); a
 * test reads MIGRATION.md and checks that every anchor used here is one of its headings.
 *
 * Most rules have one section. A few rows cover several mistakes (V-96 is every bytes header
 * problem, V-98 both a bad chunk and a server that iterates badly): {@link REFINEMENTS} picks
 * the section from the message for those. Anything not listed falls back to the checklist.
 *
 * @module
 */

/** The guide the anchors point into, relative to the package root. */
export const MIGRATION_FILE = 'MIGRATION.md';

/** The section for rules this module does not list. */
export const FALLBACK_ANCHOR = 'checklist';

/** Anchor (without `#`) → the rules whose mistakes that section fixes. */
const SECTIONS: Readonly<Record<string, readonly string[]>> = {
  // Strings where bytes belong: chunks, write(), the body itself (N-9, N-123, C-36).
  'body-chunks-are-bytes': ['N-9', 'N-123', 'V-35', 'V-43', 'V-45', 'V-68', 'V-70', 'V-97', 'V-98', 'B-26'],
  // Status and header text outside latin-1, controls in values (N-3, N-59, C-35).
  'headers-are-latin-1': ['N-3', 'N-59', 'V-20', 'V-26', 'V-48', 'V-54', 'V-55', 'V-56', 'V-95', 'V-96', 'B-46'],
  // PATH_INFO holds the path's bytes as latin-1, not text (C-33, C-41).
  'the-path_info-tunnel': ['C-33', 'V-13', 'V-14', 'V-16', 'V-17'],
  // string.length is not a byte count (C-37).
  'content-length-counts-bytes': ['N-93', 'N-94', 'N-83', 'V-60', 'V-73', 'V-74', 'V-99'],
  // A text type without a charset, or no Content-Type at all (C-38).
  'charsets-say-which-one': ['V-33', 'V-102'],
  'write-is-legacy': ['N-68', 'N-82', 'V-65', 'V-66', 'V-67'],
  'excinfo-changing-your-mind': ['N-67', 'N-71', 'V-34', 'V-61', 'V-62', 'V-63'],
  'hop-by-hop-headers-belong-to-the-server': ['N-62', 'V-59', 'B-49'],
  // PEP 444's examples return the body first (B-1); the tuple must be a genuine Array (B-23).
  'the-response-order-in-web3': ['B-1', 'V-94', 'B-23', 'V-92'],
  'reading-the-body': ['V-36', 'V-37', 'V-38', 'V-77', 'V-100'],
  'status-lines': ['N-54', 'D-N18', 'V-21', 'V-22', 'V-23', 'V-50', 'V-51', 'V-52', 'B-45'],
};

/** Rule → anchor, built once from {@link SECTIONS}. */
export const SECTION_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(SECTIONS).flatMap(([anchor, rules]) => rules.map((rule) => [rule, anchor] as const)),
);

/**
 * Rows that cover more than one mistake: when the message matches, this anchor wins over the
 * rule's own. Checked in order, before {@link SECTION_OF}.
 */
export const REFINEMENTS: ReadonlyArray<{ rule: string; when: RegExp; anchor: string }> = [
  // V-96 is every bytes header problem; only the value problems are about latin-1.
  { rule: 'V-96', when: /hop-by-hop/i, anchor: 'hop-by-hop-headers-belong-to-the-server' },
  { rule: 'V-96', when: /Content-Length/, anchor: 'content-length-counts-bytes' },
  // V-98's other half is the server iterating or closing badly (server bugs, not migration).
  { rule: 'V-98', when: /server bug|garbage-collected/, anchor: FALLBACK_ANCHOR },
];

/** Every anchor this module can return, for the test that holds them against MIGRATION.md. */
export function allAnchors(): string[] {
  return [...new Set([...Object.keys(SECTIONS), ...REFINEMENTS.map((r) => r.anchor), FALLBACK_ANCHOR])];
}

/** The section for a problem: `MIGRATION.md#anchor`. */
export function sectionFor(rule: string, message = ''): string {
  const refined = REFINEMENTS.find((r) => r.rule === rule && r.when.test(message));
  const anchor = refined?.anchor ?? SECTION_OF.get(rule) ?? FALLBACK_ANCHOR;
  return `${MIGRATION_FILE}#${anchor}`;
}

/**
 * GitHub's anchor for a Markdown heading: lower-case, spaces → `-`, every character other than
 * letters, digits, `-` and `_` dropped (so `write() is legacy` → `write-is-legacy`).
 */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
