import type { Namespace } from '../namespace.js';
import { GOOGLE_WORKSPACE } from './google-workspace.js';
import { SLACK } from './slack.js';
import { ZOOM } from './zoom.js';
import { GITLAB } from './gitlab.js';
import { GITHUB } from './github.js';
import { AWS_CLOUDTRAIL } from './aws-cloudtrail.js';
import { GCP_AUDIT } from './gcp-audit.js';
import { OKTA } from './okta.js';

/** Every vendor namespace. Adding a source starts here. */
export const NAMESPACES: readonly Namespace[] = [OKTA, GOOGLE_WORKSPACE, SLACK, ZOOM, GITLAB, GITHUB, AWS_CLOUDTRAIL, GCP_AUDIT];
