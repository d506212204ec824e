/**
 * Reports API parameter names that never stay under their own name below
 * `google_workspace.<application>`, and where each lands instead: the rename
 * tables the mappers copy parameters with (Elastic's ingest pipeline names,
 * apps.ts and apps-admin.ts), Drive's parameters moved to ECS, and the login_
 * / saml_ prefixes Elastic strips. So a rule naming the vendor's parameter
 * (`google_workspace.drive.target_user`) can be told where it went.
 */
import type { MovedKey } from '../../moved.js';
import { RENAMES } from './apps-admin.js';
import { DRIVE_MOVED, PREFIXES, renameTables } from './apps.js';

export function movedParameters(): MovedKey[] {
  const out: MovedKey[] = [];
  const tables = { ...renameTables(), admin: RENAMES };
  for (const [app, table] of Object.entries(tables)) {
    for (const [name, to] of Object.entries(table)) {
      if (to !== name) out.push({ path: `google_workspace.${app}.${name}`, to: `google_workspace.${app}.${to}` });
    }
  }
  for (const [name, to] of Object.entries(DRIVE_MOVED)) out.push({ path: `google_workspace.drive.${name}`, to });
  for (const [app, prefix] of Object.entries(PREFIXES)) out.push({ path: `google_workspace.${app}.${prefix}*`, to: `google_workspace.${app}.*` });
  return out;
}
