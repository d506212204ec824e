import type { Namespace } from '../namespace.js';

// Placeholder: the github namespace is being written (datasets, vendor fields, extra ECS fields).
export const GITHUB: Namespace = { vendor: 'github', datasets: ['github.audit'], fields: [] };
