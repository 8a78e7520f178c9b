import { StoreUnavailableError } from './metric-store';

/**
 * Result codes of the Lua scripts (first element of every reply). The only place they are
 * given meaning on the TypeScript side; each script's header lists the ones it returns.
 */
export const ScriptCode = {
  /** The write was applied. */
  APPLIED: 1,
  /** The push broke a rule; its failure was recorded (push_failure_time_seconds). */
  REJECTED: 2,
  /** The push broke a rule because of its grouping key; nothing was recorded. */
  REJECTED_BY_GROUPING_KEY: 3,
  /** commit.lua: the group no longer holds the blob a POST was merged from; nothing changed. */
  STALE_BASE: 4,
  /** The group hash is taken by a group with other labels; nothing changed. */
  GROUP_HASH_COLLISION: 5,
  /** stage.lua: the blob to merge a POST into was already collected; nothing changed. */
  BASE_GONE: 6,
  /** delete.lua: no such group; nothing changed. */
  NO_SUCH_GROUP: 7,
  /**
   * A rule was broken while groups were due (expired, not swept yet), so perhaps only by them;
   * nothing was recorded. The client sweeps at the same time and runs the write again.
   */
  SWEEP_NEEDED: 8,
  /** restore.lua: a live group holds the grouping key; nothing changed. */
  GROUP_EXISTS: 9,
  /** restore.lua: the group's expiry time has passed; nothing changed. */
  GROUP_EXPIRED: 10,
  /** restore.lua: the group clashes with the store (types, series); nothing changed. */
  RESTORE_CONFLICT: 11,
} as const;

export type ScriptCode = (typeof ScriptCode)[keyof typeof ScriptCode];

/**
 * The data layout this code reads and writes (keys, blob encoding, indexes; see
 * docs/architecture.md). Raised when a change makes older nodes misread the data or newer ones
 * miss what older ones wrote. 2: bucketed series index, compact blob labels.
 */
export const REDIS_LAYOUT_VERSION = '2';

/**
 * Redis holds Pushgate data in another layout under this key prefix. Unavailable rather than
 * wrong: the node answers 503 and is not ready until the data is migrated (operations guide).
 */
export class StoreLayoutError extends StoreUnavailableError {
  override name = 'StoreLayoutError';
}

/** A reply the store cannot interpret: a bug in a script or in the store, or foreign data. */
export class RedisStoreProtocolError extends Error {
  override name = 'RedisStoreProtocolError';
}

/** Two grouping keys share a 96-bit group hash. Practically impossible; refused rather than merged. */
export class GroupHashCollisionError extends Error {
  override name = 'GroupHashCollisionError';
}

/**
 * Server replies that mean "not now" rather than "wrong": the cluster or node is starting,
 * failing over, resharding or out of memory.
 */
const TRANSIENT_REPLY =
  /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|MISCONF|OOM|MOVED|ASK)\b/;

/**
 * Maps anything a Redis call threw to what the store throws. Connection failures, timeouts,
 * exhausted retries, a closed client and transient server states become StoreUnavailableError
 * (HTTP 503). Any other server error reply is a bug (a script error, a wrong type) and is
 * passed on unchanged, so it is never mistaken for an outage.
 */
export function toStoreError(err: unknown): Error {
  if (err instanceof StoreUnavailableError) return err;
  if (!(err instanceof Error)) return new StoreUnavailableError(`Redis failed: ${String(err)}`);
  if (err.name === 'ReplyError' && !TRANSIENT_REPLY.test(err.message)) return err;
  const unavailable = new StoreUnavailableError(`Redis unavailable: ${err.message}`);
  unavailable.cause = err;
  return unavailable;
}
