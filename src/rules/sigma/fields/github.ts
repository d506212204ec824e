/**
 * GitHub audit log entry keys (flat JSON, https://docs.github.com/en/enterprise-cloud@latest/admin/monitoring-activity-in-your-enterprise/reviewing-audit-logs-for-your-enterprise/audit-log-events-for-your-enterprise)
 * as Sigma rules write them → Sift's `github.audit` fields.
 *
 * Rows come from src/ingest/normalize/vendors/github/audit.ts and fields.ts
 * (Elastic's GitHub integration); docs/sources/github.md has the same table.
 * Keys not listed here follow the normalizer's rule (see `githubOther`):
 * a key with a declared `github.<key>` field lands there, every other key in
 * the `github.flattened` catch-all, as sent.
 */
import { RestCase, type FieldTable, type Mapping } from './types.js';

export const GITHUB_FIELDS: FieldTable = {
  exact: {
    action: 'event.action',
    actor: 'user.name',
    actor_id: 'github.actor_id',
    actor_ip: { field: 'github.actor_ip' },
    '@timestamp': '@timestamp',
    created_at: '@timestamp',
    _document_id: 'event.id',
    user: 'user.target.name',
    // audit.ts: user_id is kept as github.user_id whatever the entry.
    user_id: 'github.user_id',
    'actor_location.country_code': 'client.geo.country_iso_code',
    'actor_location.country_name': 'github.actor_location.country_name',
    'actor_location.ip': 'github.actor_location.ip',
    // audit.ts: team falls back to data.team, hook_id and events to data.*.
    'data.team': 'github.team',
    'data.hook_id': 'github.hook_id',
    'data.events': 'github.events',
    'data.old_user': { none: 'Sift files data.old_user under user.target.group.name only when no team or org applies' },
    'changes.billing_plan': 'github.changes.billing_plan',
    'changes.roles': 'github.changes.roles',
  },
  prefixes: [
    { sigma: 'changes.', to: { none: 'Sift keeps only changes.billing_plan and changes.roles' } },
    { sigma: 'actor_location.', to: { none: 'Sift keeps only actor_location.country_code, country_name and ip' } },
    { sigma: 'events_object.', to: 'github.events_object.', rest: RestCase.asIs },
  ],
};

/**
 * Keys the table does not list, by the normalizer's own rule (audit.ts
 * githubFields/unmapped): `declared(name)` says whether the catalog has it.
 */
export function githubOther(sigmaField: string, declared: (ecs: string) => boolean): Mapping {
  const [head, ...rest] = sigmaField.split('.');
  if (head === undefined || head === '') return { none: 'empty field name' };
  if (head === 'data' && rest.length > 0) {
    const key = rest.join('.');
    return declared(`github.data.${key}`) ? `github.data.${key}` : `github.flattened.data.${key}`;
  }
  if (rest.length === 0 && declared(`github.${head}`)) return `github.${head}`;
  return `github.flattened.${sigmaField}`;
}
