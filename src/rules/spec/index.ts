export * from './types.js';
export { parseRuleFile, byPosition, type ParseResult } from './parse.js';
export { parseDuration } from './duration.js';
export { checkAliases, MAX_ALIAS_NODES, type AliasCheck } from './aliases.js';
export { formatIssue } from './issues.js';
export { withoutTestSections } from './skip-tests.js';
export { RULE_UUID } from './content.js';
export { parseCondition, expandOf, globMatch, checkConditionNames, type ConditionResult } from './condition.js';
export { closest, didYouMean } from './suggest.js';
export {
  TOP_LEVEL_KEYS,
  AGGREGATION_KEYS,
  BLOCK_KEYS,
  MODIFIERS,
  FLAG_MODIFIERS,
  DEFAULT_RISK,
  RULE_ID,
  TECHNIQUE_TAG,
  type TopLevelKey,
} from './keys.js';
