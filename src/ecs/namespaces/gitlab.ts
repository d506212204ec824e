import type { Namespace } from '../namespace.js';

// Placeholder: the gitlab namespace is being written (datasets, vendor fields, extra ECS fields).
export const GITLAB: Namespace = { vendor: 'gitlab', datasets: ['gitlab.audit'], fields: [] };
