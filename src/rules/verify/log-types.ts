/**
 * Panther log types (docs.panther.com, "Supported Logs") → the Sift source
 * that reads the same vendor events. Log types of these vendors that Sift has
 * no source for (GitLab's production_json log, Zoom's sign-in activity
 * report) are absent: their events cannot be verified and are reported as
 * such.
 */
export const PANTHER_LOG_TYPES: Readonly<Record<string, string>> = {
  'Okta.SystemLog': 'okta',
  'GSuite.ActivityEvent': 'google_workspace',
  'GSuite.Reports': 'google_workspace',
  'Slack.AuditLogs': 'slack',
  'Zoom.Operation': 'zoom',
  'GitHub.Audit': 'github',
  'GitHub.Webhook': 'github',
  'GitLab.Audit': 'gitlab',
  'AWS.CloudTrail': 'aws_cloudtrail',
  'GCP.AuditLog': 'gcp_audit',
};
