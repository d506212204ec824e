import type { Namespace } from '../namespace.js';

// Placeholder: the aws_cloudtrail namespace is being written (datasets, vendor fields, extra ECS fields).
export const AWS_CLOUDTRAIL: Namespace = { vendor: 'aws_cloudtrail', datasets: ['aws.cloudtrail'], fields: [] };
