/**
 * ECS event.category / event.type for a GitHub audit action, following
 * Elastic's GitHub integration: every entry is `configuration` + `web`;
 * `team.*` and `org.*` actions are also `iam` (types group + user); the part
 * of the action after the category decides creation (create/add) or
 * deletion (delete/remove).
 *
 * Where the action's wording says neither, GitHub's own `operation_type`
 * (create, remove, access, authentication, modify, restore, transfer) fills
 * the gap before the generic `change`: Elastic has no rule there, so Sift
 * agrees with it wherever it decides anything.
 *
 * Action vocabulary: https://docs.github.com/en/enterprise-cloud@latest/admin/monitoring-activity-in-your-enterprise/reviewing-audit-logs-for-your-enterprise/audit-log-events-for-your-enterprise
 */
export interface Categorization {
  readonly category: string[];
  /** `github.category`: the action's prefix, e.g. `repo` for `repo.create`. */
  readonly githubCategory: string | undefined;
  readonly type: string[];
}

const IAM_CATEGORIES = new Set(['team', 'org']);
/** Elastic captures the category with `^([a-z_]+)\.`: lower-case letters and "_" before the first dot. */
function isCategoryName(action: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = action.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || c === 0x5f)) return false;
  }
  return true;
}

function typeFromOperation(operationType: string | undefined): string | undefined {
  switch (operationType) {
    case 'create':
    case 'restore':
      return 'creation';
    case 'remove':
      return 'deletion';
    case 'access':
      return 'access';
    case 'authentication':
      return 'info';
    default:
      // modify, transfer and unknown values: a change.
      return undefined;
  }
}

export function categorize(action: string | undefined, operationType: string | undefined): Categorization {
  const category = ['configuration', 'web'];
  const type: string[] = [];
  let githubCategory: string | undefined;
  let rest: string | undefined;
  const dot = action === undefined ? -1 : action.indexOf('.');
  if (action !== undefined && dot > 0 && isCategoryName(action, dot)) {
    githubCategory = action.slice(0, dot);
    rest = action.slice(dot + 1);
  }
  if (githubCategory !== undefined && IAM_CATEGORIES.has(githubCategory)) {
    category.push('iam');
    type.push('group', 'user');
  }
  if (rest !== undefined && (rest.includes('create') || rest.includes('add'))) type.push('creation');
  if (rest !== undefined && (rest.includes('delete') || rest.includes('remove'))) type.push('deletion');
  if (type.length === 0) {
    const fromOperation = typeFromOperation(operationType);
    if (operationType === 'authentication') category.push('authentication');
    type.push(fromOperation ?? 'change');
  }
  return { category, githubCategory, type };
}
