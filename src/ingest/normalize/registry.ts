import type { Source } from './source.js';
import { GOOGLE_WORKSPACE } from './vendors/google-workspace/index.js';
import { SLACK } from './vendors/slack/index.js';
import { ZOOM } from './vendors/zoom/index.js';
import { GITLAB } from './vendors/gitlab/index.js';
import { GITHUB } from './vendors/github/index.js';
import { AWS_CLOUDTRAIL } from './vendors/aws-cloudtrail/index.js';
import { GCP_AUDIT } from './vendors/gcp-audit/index.js';
import { OKTA } from './vendors/okta/index.js';

/** vendor → its source definition. The ECS catalog (src/ecs/namespaces) lists the same vendors. */
const SOURCES: Readonly<Record<string, Source>> = Object.fromEntries(
  [OKTA, GOOGLE_WORKSPACE, SLACK, ZOOM, GITLAB, GITHUB, AWS_CLOUDTRAIL, GCP_AUDIT].map((s) => [s.vendor, s]),
);

export function sourceFor(vendor: string): Source | undefined {
  return Object.hasOwn(SOURCES, vendor) ? SOURCES[vendor] : undefined;
}

export function sourceVendors(): string[] {
  return Object.keys(SOURCES);
}
