import { pantherAware } from './panther.js';
import type { Source } from './source.js';
import { GOOGLE_WORKSPACE } from './vendors/google-workspace/index.js';
import { SLACK } from './vendors/slack/index.js';
import { ZOOM } from './vendors/zoom/index.js';
import { GITLAB } from './vendors/gitlab/index.js';
import { GITHUB } from './vendors/github/index.js';
import { AWS_CLOUDTRAIL } from './vendors/aws-cloudtrail/index.js';
import { GCP_AUDIT } from './vendors/gcp-audit/index.js';
import { OKTA } from './vendors/okta/index.js';

/**
 * vendor → its source definition. The ECS catalog (src/ecs/namespaces) lists the same vendors.
 * Each reads Panther's exported rows too (panther.ts), given the keys of the vendor's own event
 * time; Google Workspace reads p_event_time itself (id.time is nested) and skips p_* keys.
 */
const SOURCES: Readonly<Record<string, Source>> = Object.fromEntries(
  [
    pantherAware(OKTA, ['published']),
    GOOGLE_WORKSPACE,
    pantherAware(SLACK, ['date_create']),
    pantherAware(ZOOM, ['time', 'event_ts']),
    pantherAware(GITLAB, ['created_at', 'time']),
    pantherAware(GITHUB, ['created_at', '@timestamp']),
    pantherAware(AWS_CLOUDTRAIL, ['eventTime', 'eventtime']),
    pantherAware(GCP_AUDIT, ['timestamp']),
  ].map((s) => [s.vendor, s]),
);

export function sourceFor(vendor: string): Source | undefined {
  return Object.hasOwn(SOURCES, vendor) ? SOURCES[vendor] : undefined;
}

export function sourceVendors(): string[] {
  return Object.keys(SOURCES);
}
