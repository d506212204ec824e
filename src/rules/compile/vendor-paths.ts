/**
 * Lint advice: a field below a vendor's flattened object that the vendor's
 * data never reaches under that name. Below a `flattened` field every path
 * passes the catalog check (the keys are open), so a rule naming the key as
 * the vendor documents it (Workspace's `target_user`, Okta's `alternateId`)
 * compiles and silently never matches: the normalizer renamed or moved it.
 * Which keys those are is declared by each normalizer beside the code that
 * moves them (src/ingest/normalize/moved.ts): the rename tables Sift copies
 * Reports API parameters with (Elastic's ingest pipeline names) and Okta's
 * target object renames. A key no vendor document lists is not flagged: the
 * vendors add parameters faster than any list here would follow.
 */
import { movedVendorKeys } from '../../ingest/normalize/index.js';
import type { RuleSpec } from '../spec/index.js';
import { fieldType, refs } from './check.js';
import { toIssue } from './issues.js';
import type { Problem } from './lower.js';

/** Where the vendor key `field` lands instead, when a normalizer moves it. */
export function movedTo(field: string): string | undefined {
  for (const m of movedVendorKeys()) {
    if (m.path.endsWith('*')) {
      const prefix = m.path.slice(0, -1);
      if (field.startsWith(prefix) && field.length > prefix.length) return m.to.replace('*', field.slice(prefix.length));
    } else if (field === m.to || field.startsWith(`${m.to}.`)) {
      // Already where the key lands (`scope` → `scope.value`: the destination sits below the old name).
      continue;
    } else if (field === m.path || field.startsWith(`${m.path}.`)) {
      return `${m.to}${field.slice(m.path.length)}`;
    }
  }
  return undefined;
}

export function vendorPathProblems(spec: RuleSpec): Problem[] {
  const out: Problem[] = [];
  for (const ref of refs(spec)) {
    if (!spec.datasets.some((ds) => fieldType(ref.field, ds) === 'flattened')) continue;
    const to = movedTo(ref.field);
    if (to === undefined) continue;
    out.push({ path: ref.path, message: `no event carries "${ref.field}": Sift moves that vendor key to "${to}" (did you mean "${to}"?)` });
  }
  return out;
}

/** The same problems as `warning: line:col path: message` lines for `sift rules lint`. */
export function vendorPathAdvice(spec: RuleSpec): string[] {
  return vendorPathProblems(spec).map((p) => {
    const at = toIssue(spec, p);
    return `warning: ${at.line === undefined ? '' : `${at.line}:${at.col ?? 0} `}${p.path}: ${p.message}`;
  });
}
