import type { Namespace } from '../namespace.js';

// Placeholder: the zoom namespace is being written (datasets, vendor fields, extra ECS fields).
export const ZOOM: Namespace = { vendor: 'zoom', datasets: ['zoom.operation', 'zoom.activity', 'zoom.webhook'], fields: [] };
