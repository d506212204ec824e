/**
 * Issue 11 point 10: every "Getting the logs into Kafka" section says how to
 * key the records. The vendor id each page names is written by hand from the
 * vendor's documentation (the same id its "Document id" section hashes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DOCS = new URL('../../docs/', import.meta.url);

/** page → the vendor's event id field a producer may key by; null where the vendor gives none. */
const PAGES: Record<string, string | null> = {
  'sources/okta.md': '`uuid`',
  'sources/google-workspace.md': '`id.uniqueQualifier`',
  'sources/slack.md': '`id`',
  'sources/zoom.md': null,
  'sources/gitlab.md': '`id`',
  'sources/github.md': '`_document_id`',
  'sources/aws-cloudtrail.md': '`eventID`',
  'sources/gcp-audit.md': '`insertId`',
};

/** The "Getting the logs into Kafka" section: from its heading (## or bold) to the next heading of either kind. */
function gettingSection(text: string): string | undefined {
  const start = text.search(/^(## Getting the logs into Kafka|\*\*Getting the logs into Kafka\.\*\*)/m);
  if (start < 0) return undefined;
  const rest = text.slice(start + 1);
  const end = rest.search(/^(## |\*\*(?!Record keys)[A-Z][^*]*\.\*\*)/m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('sources docs: how to key records', () => {
  for (const [page, vendorId] of [...Object.entries(PAGES), ['sources.md', null] as const]) {
    it(`${page} says how records should be keyed`, () => {
      const section = gettingSection(readFileSync(new URL(page, DOCS), 'utf8'));
      expect(section, `${page} has a "Getting the logs into Kafka" section`).toBeDefined();
      const keys = /\*\*Record keys\.\*\*([\s\S]*?)(\n\n|$)/.exec(section ?? '')?.[1] ?? '';
      expect(keys, `${page}: a "**Record keys.**" paragraph in that section`).not.toBe('');
      const flat = keys.replace(/\s+/g, ' ');
      // keyed (the default): any keying works, Sift re-keys what stateful rules need.
      expect(flat).toContain('`rules.stateful: keyed`');
      expect(flat).toMatch(/any key(ing)? works/);
      expect(flat).toMatch(/null/);
      expect(flat).toContain('operations.md');
      // local: key by the entity the stateful rules group on, or use one partition.
      expect(flat).toContain('`rules.stateful: local`');
      expect(flat).toMatch(/one partition/);
      if (vendorId !== null) expect(flat, `${page} names the vendor's event id`).toContain(vendorId);
    });
  }
});
