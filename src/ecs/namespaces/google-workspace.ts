import type { Namespace } from '../namespace.js';

// Placeholder: the google_workspace namespace is being written (datasets, vendor fields, extra ECS fields).
export const GOOGLE_WORKSPACE: Namespace = { vendor: 'google_workspace', datasets: ['google_workspace.login'], fields: [] };
