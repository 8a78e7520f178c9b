// Public surface of @pushgate/core: the Pushgateway's rules, pure (no I/O).
export * from './model';
export * from './errors';
export { parseGroupingKey, groupId, decodePathBytes } from './grouping-key';
export { preparePush, seriesId } from './prepare-push';
export { checkAgainstStore } from './consistency';
export { applyPush, applyFailure, lastPushSuccessful, PUSH_TIME_SECONDS, PUSH_FAILURE_TIME_SECONDS } from './bookkeeping';
export { mergeGroups } from './merge';
export { toApiGroups } from './api-groups';
export { UPSTREAM_OWN_FAMILIES } from './reserved-families';
