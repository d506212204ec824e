import type { Namespace } from '../namespace.js';

// Placeholder: the gcp_audit namespace is being written (datasets, vendor fields, extra ECS fields).
export const GCP_AUDIT: Namespace = { vendor: 'gcp_audit', datasets: ['gcp.audit'], fields: [] };
