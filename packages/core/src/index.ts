// Public surface of @pushgate/core: the Pushgateway's rules, pure (no I/O).
export * from './model';
export * from './errors';
export { parseGroupingKey, groupId, decodePathBytes } from './grouping-key';
export { preparePush, seriesId } from './prepare-push';
export { checkAgainstStore, consistencyLookups, type ConsistencyResult } from './consistency';
export {
  applyPush,
  applyFailure,
  lastPushSuccessful,
  bookkeepingFamily,
  isBookkeepingFamily,
  PUSH_TIME_SECONDS,
  PUSH_FAILURE_TIME_SECONDS,
  PUSH_TIME_SECONDS_HELP,
  PUSH_FAILURE_TIME_SECONDS_HELP,
} from './bookkeeping';
export { bookkeepingLabels } from './sanitize';
export { getFamily, newFamilies, copyFamilies } from './group';
export { mergeGroups } from './merge';
export {
  toApiGroups,
  toApiGroupsJson,
  type ApiGroup,
  type ApiFamily,
  type ApiMetric,
} from './api-groups';
export { UPSTREAM_OWN_FAMILIES } from './reserved-families';
export { parseSelector, parseSelectors, METRIC_NAME_LABEL, type SeriesSelector } from './selector';
export { SelectorParseError } from './selector-error';
export { type LabelMatcher, newLabelMatcher, InvalidRegexError } from './selector-matcher';
export { type MatchOp } from './selector-lexer';
export { filterFamilies } from './selector-filter';
export { parseDuration, formatGoDuration } from './ttl-duration';
export { MAX_TTL_SECONDS, isValidTtl, expiryAfterPush, expiryAfterFailure, isExpired } from './ttl';
export {
  TTL_HEADER,
  NO_TTL,
  InvalidTtlError,
  parseTtl,
  parseTtlRule,
  resolveTtl,
  type TtlPolicy,
  type TtlRule,
} from './ttl-policy';
export { API_TTL_KEY, API_EXPIRES_KEY, toApiGroupsJsonWithTtl } from './ttl-api';
export {
  ScrapeModel,
  type ScrapeModelOptions,
  type ScrapeSnapshot,
  type ScrapeSegment,
} from './scrape-model';
export { formatRfc3339Nano } from './go-time';
