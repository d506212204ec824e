import type { Namespace } from '../namespace.js';

// Placeholder: the slack namespace is being written (datasets, vendor fields, extra ECS fields).
export const SLACK: Namespace = { vendor: 'slack', datasets: ['slack.audit'], fields: [] };
