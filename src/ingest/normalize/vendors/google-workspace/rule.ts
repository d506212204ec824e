/** One "append this value when the action is in this list" step of an Elastic ingest pipeline. */
export interface Rule {
  readonly field: 'category' | 'type';
  readonly value: string;
  readonly actions: ReadonlySet<string> | 'all';
}

export const rule = (field: 'category' | 'type', value: string, actions: string[] | 'all'): Rule => ({
  field,
  value,
  actions: actions === 'all' ? 'all' : new Set(actions),
});
