/**
 * Group expiry on the Redis store (MaintainableMetricStore). The write scripts keep each group's
 * TTL and expiry time in its metadata and in the `{P}:expiry` set (lua/includes/expiry.lua); reads
 * leave expired groups out by the reading node's clock (redis-reader.ts); this module sweeps them
 * (lua/sweep.lua) and lets a write that broke a rule while groups were due run again once they are
 * gone.
 */
import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError } from './metric-store';
import { RedisStoreProtocolError, ScriptCode } from './redis-errors';
import type { RedisKeys } from './redis-keys';
import { parseWriteReply, type WriteReply } from './redis-replies';
import { SCRIPTS } from './redis-scripts';

/** What one sweep.lua call did: a write reply (version, due blobs) plus its count. */
export interface SweepReply extends WriteReply {
  deleted: number;
  /** Groups due at the sweep's time remain. */
  more: boolean;
}

/**
 * Removes up to `batchSize` groups expired at `nowSeconds`, earliest first, each re-checked and
 * removed as delete.lua removes a group, in one script.
 */
export async function sweepBatch(
  client: Redis | Cluster,
  keys: RedisKeys,
  nowSeconds: number,
  batchSize: number,
  gc: { graceMs: number; batch: number },
): Promise<SweepReply> {
  if (!Number.isFinite(nowSeconds)) throw new RangeError(`sweep time ${nowSeconds} is not finite`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`sweep batch size must be a positive integer, got ${batchSize}`);
  const reply = await SCRIPTS.sweep.run(
    client,
    [...keys.indexKeys(), keys.expiry],
    [String(nowSeconds), batchSize, keys.groupFamiliesPrefix, gc.graceMs, gc.batch],
  );
  return parseSweepReply(reply);
}

/** Parses sweep.lua's `{ code, seq, gc, deleted, more }`. */
export function parseSweepReply(reply: unknown): SweepReply {
  if (!Array.isArray(reply) || typeof reply[3] !== 'number' || typeof reply[4] !== 'number')
    throw new RedisStoreProtocolError(
      `unexpected reply from sweep.lua: ${JSON.stringify(reply)?.slice(0, 200)}`,
    );
  const [code, seq, gc, deleted, more] = reply as [unknown, unknown, unknown, number, number];
  return { ...parseWriteReply('sweep', [code, seq, gc]), deleted, more: more === 1 };
}

/** Groups deleted per sweep.lua call when a write sweeps the groups due at its time. */
export const WRITE_SWEEP_BATCH = 500;

/**
 * Rounds of "sweep, then run the write again" before giving up. After a full sweep at the write's
 * time no group is due at that time any more, so one round is enough unless another node keeps
 * writing groups that are already expired by this node's clock (clocks far apart).
 */
export const MAX_SWEEP_ROUNDS = 3;

/**
 * Runs a write script (`attempt`) that may answer SWEEP_NEEDED: it broke a rule while groups were
 * due, so perhaps only because of expired groups, and recorded nothing. Then every group due at the
 * write's time is swept (`sweepDue`) and the write runs again: a failure is only ever recorded by
 * a run that saw no due group. Replies that are not returned are handed to `settled` (their
 * version, their due blobs); the returned one is the caller's to settle.
 */
export async function runSweepingDue<R extends WriteReply>(
  attempt: () => Promise<R>,
  sweepDue: () => Promise<void>,
  settled: (reply: R) => Promise<void>,
): Promise<R> {
  for (let round = 0; ; round++) {
    const reply = await attempt();
    if (reply.code !== ScriptCode.SWEEP_NEEDED) return reply;
    await settled(reply);
    if (round === MAX_SWEEP_ROUNDS)
      throw new StoreUnavailableError(
        `expired groups kept blocking the write after ${MAX_SWEEP_ROUNDS} sweeps (node clocks far apart?)`,
      );
    await sweepDue();
  }
}
