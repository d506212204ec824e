/** Builds Sigma rule texts for the importer's tests. */
import { stringify } from 'yaml';
import { convertSigma, type ConvertResult, type SiftSelection } from '../../../src/rules/sigma/index.js';

export const OKTA = { product: 'okta', service: 'okta' } as const;
export const CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' } as const;
export const GCP = { product: 'gcp', service: 'gcp.audit' } as const;
export const GITHUB = { product: 'github', service: 'audit' } as const;
export const WORKSPACE_ADMIN = { product: 'gcp', service: 'google_workspace.admin' } as const;
export const WORKSPACE_LOGIN = { product: 'gcp', service: 'google_workspace.login' } as const;

export function sigmaText(detection: Record<string, unknown>, logsource: Record<string, string> = OKTA, extra: Record<string, unknown> = {}): string {
  // YAML 1.1 quoting: strings such as `No` stay strings when read back the way Sigma reads rules.
  return stringify({ title: 'Test rule', id: '0f0e0d0c-0b0a-4009-8807-060504030201', status: 'test', logsource, detection, level: 'high', ...extra }, { version: '1.1' });
}

export function convert(detection: Record<string, unknown>, logsource: Record<string, string> = OKTA, extra: Record<string, unknown> = {}): ConvertResult {
  return convertSigma(sigmaText(detection, logsource, extra), 'test/rule.yml');
}

/** The converted `selection` of a one-selection rule; throws with the reason when it did not convert. */
export function selection(items: Record<string, unknown>, logsource: Record<string, string> = OKTA): SiftSelection {
  const r = convert({ selection: items, condition: 'selection' }, logsource);
  if (!r.ok) throw new Error(`not converted: ${r.reason}`);
  return r.rule.doc.detection['selection'] as SiftSelection;
}

/** The reason a one-selection rule is unsupported; throws when it converted. */
export function reason(items: unknown, logsource: Record<string, string> = OKTA): string {
  const r = convert({ selection: items, condition: 'selection' }, logsource);
  if (r.ok) throw new Error(`converted: ${r.yaml}`);
  return r.reason;
}
