export type { CompiledRule, CompileOptions, FieldGetter, Predicate, Ruleset } from './types.js';
export { compileRule, type CompileResult } from './compile.js';
export { loadRules } from './load.js';
export { formatIssue } from '../spec/index.js';
export { getter } from './getter.js';
export { createCidrMatcher, type CidrMatcher } from './cidr.js';
export { fieldType } from './check.js';
export { vendorPathAdvice } from './vendor-paths.js';
