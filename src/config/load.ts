import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ErrorCode, SiftError } from '../shared/index.js';
import { describeParseFailure, parseConfigText } from './parse.js';
import { configSpec, type SiftConfig } from './schema.js';
import type { FieldSpec, ObjectSpec } from './spec.js';
import { validate, type ConfigIssue } from './validate.js';

export class ConfigError extends SiftError {
  readonly issues: readonly ConfigIssue[];
  constructor(source: string, issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    super(ErrorCode.ConfigInvalid, `invalid configuration (${source}):\n${lines}`, { stage: 'config' });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Raw = Record<string, unknown>;

/**
 * Overlays environment variables onto the raw file content, so that brokers,
 * URLs and secrets can come from the deployment rather than the file. An env
 * value that cannot be read as the field's type is reported under the field's
 * path with the variable's name. Every secret can also come from a file
 * (secretFromFile), as Docker and Kubernetes mount them.
 */
export function applyEnv(s: ObjectSpec, raw: Raw, env: Env, issues: ConfigIssue[], path = ''): Raw {
  const out: Raw = { ...raw };
  for (const [key, field] of Object.entries(s.fields)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (field.kind === 'object') {
      const inner = out[key] ?? {};
      // A non-object here is reported by validate(); leave it as it is.
      if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
        out[key] = applyEnv(field, inner as Raw, env, issues, here);
      }
      continue;
    }
    if (field.kind === 'string' && field.secret === true) secretFromFile(key, field.env, out, env, issues, here);
    if (!('env' in field) || field.env === undefined) continue;
    const text = env[field.env];
    if (text === undefined || text === '') continue;
    const parsed = parseEnvValue(field, text);
    if (parsed === undefined) {
      issues.push({ path: here, message: `environment variable ${field.env} is not a valid ${field.kind}` });
    } else {
      out[key] = parsed;
    }
  }
  return out;
}

/**
 * `<key>_file` in the config, or `<ENV>_FILE` in the environment, names a
 * file holding the secret `<key>`; its trailing line break is not part of
 * it. Precedence follows the plain forms': the environment (value, then
 * file) over the config file (value, then file). Giving both forms in one
 * place is an error: which one wins would be a guess.
 */
function secretFromFile(key: string, envName: string | undefined, out: Raw, env: Env, issues: ConfigIssue[], here: string): void {
  const fileKey = `${key}_file`;
  const inConfig = out[fileKey];
  delete out[fileKey];
  const fromEnv = envName === undefined ? undefined : env[`${envName}_FILE`];
  if (envName !== undefined && env[envName] && fromEnv) {
    issues.push({ path: here, message: `both ${envName} and ${envName}_FILE are set: unset one` });
    return;
  }
  if (envName !== undefined && env[envName]) return; // the value from the environment wins (applyEnv)
  if (fromEnv) {
    readSecret(fromEnv, out, key, issues, here, ` (named by ${envName}_FILE)`);
    return;
  }
  if (inConfig === undefined || inConfig === '') return;
  if (typeof inConfig !== 'string') {
    issues.push({ path: `${here}_file`, message: 'expected the path of a file holding the secret' });
    return;
  }
  if (out[key] !== undefined && out[key] !== '') {
    issues.push({ path: `${here}_file`, message: `set either ${here} or ${here}_file, not both` });
    return;
  }
  readSecret(inConfig, out, key, issues, `${here}_file`, '');
}

function readSecret(file: string, out: Raw, key: string, issues: ConfigIssue[], path: string, origin: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    issues.push({ path, message: `cannot read ${file} (${code})${origin}` });
    return;
  }
  const value = text.replace(/(\r?\n)+$/, '');
  if (value === '') {
    issues.push({ path, message: `${file} is empty${origin}` });
    return;
  }
  out[key] = value;
}

function parseEnvValue(f: FieldSpec, text: string): unknown {
  switch (f.kind) {
    case 'string':
    case 'enum':
      return text;
    case 'int':
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
    case 'bool':
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      return undefined;
    case 'string_list':
      return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    default:
      return undefined;
  }
}

function readFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SiftError(ErrorCode.ConfigUnreadable, `cannot read config file ${file}: ${(err as Error).message}`, { stage: 'config' });
  }
  const parsed = parseConfigText(text, extname(file) === '.json');
  if (!parsed.ok) {
    // Position and reason only: the parser's own message quotes the line, which may hold a secret.
    throw new SiftError(ErrorCode.ConfigUnreadable, `cannot parse config file ${file}: ${describeParseFailure(parsed.failure)}`, { stage: 'config' });
  }
  return parsed.value;
}

/** Loads, overlays env, validates. Throws ConfigError listing every problem. */
export function loadConfig(file: string | undefined, env: Env = process.env): SiftConfig {
  const raw = file === undefined ? {} : (readFile(file) ?? {});
  const source = file ?? 'defaults';
  const issues: ConfigIssue[] = [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: '(root)', message: 'expected a mapping of sections (kafka, elasticsearch, …)' }]);
  }
  const withEnv = applyEnv(configSpec, raw as Raw, env, issues);
  const result = validate(configSpec, withEnv);
  issues.push(...result.issues);
  if (issues.length > 0) throw new ConfigError(source, issues);
  return result.value as SiftConfig;
}
