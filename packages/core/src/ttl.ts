/**
 * Group expiry (TTL extension; upstream deliberately has none, spec §5). A group carries the TTL
 * of its last successful push and expires that long after it. These rules are the same for every
 * store, so they live here: stores only record what the functions below decide.
 */
import type { GroupExpiry, MetricGroup } from './model';

/** TTLs above this (100 years) are refused: their expiry time would not be a representable date. */
export const MAX_TTL_SECONDS = 100 * 365 * 86400;

/** True for a TTL a push may carry: 0 (never expire) or a positive number of seconds up to the maximum. */
export function isValidTtl(ttlSeconds: number): boolean {
  return Number.isFinite(ttlSeconds) && ttlSeconds >= 0 && ttlSeconds <= MAX_TTL_SECONDS;
}

/**
 * The expiry a successful push gives its group: its TTL counted from its receive time, or none
 * when the push carries no TTL (undefined or 0). It replaces whatever the group had: a group
 * re-pushed without a TTL no longer expires.
 */
export function expiryAfterPush(
  ttlSeconds: number | undefined,
  receivedAt: number,
): GroupExpiry | undefined {
  if (ttlSeconds === undefined || ttlSeconds === 0) return undefined;
  return { ttlSeconds, expiresAt: receivedAt + ttlSeconds };
}

/**
 * The expiry after a rejected push, which leaves the group's metrics alone: an existing group
 * keeps its expiry (a failure is not a successful push, so it does not extend the group's life);
 * a group the failure creates gets the push's TTL, so that failure-only groups of jobs that use a
 * TTL do not stay forever.
 */
export function expiryAfterFailure(
  current: MetricGroup | undefined,
  ttlSeconds: number | undefined,
  receivedAt: number,
): GroupExpiry | undefined {
  return current !== undefined ? current.expiry : expiryAfterPush(ttlSeconds, receivedAt);
}

/** True once the group's expiry time has come (`expiresAt <= nowSeconds`); never without a TTL. */
export function isExpired(group: MetricGroup, nowSeconds: number): boolean {
  return group.expiry !== undefined && group.expiry.expiresAt <= nowSeconds;
}
