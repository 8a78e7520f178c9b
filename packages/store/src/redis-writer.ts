import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError } from './metric-store';
import { decodeMeta, metaExpired } from './redis-codec';
import { ScriptCode } from './redis-errors';
import type { RedisKeys } from './redis-keys';
import { parseStageReply, parseWriteReply, type WriteReply } from './redis-replies';
import { SCRIPTS } from './redis-scripts';
import type { WritePlan } from './redis-write-plan';

/** How often a cluster POST is re-staged after losing a race with another write to its group. */
const MAX_CLUSTER_ATTEMPTS = 10;

/** Random backoff before attempt n (n ≥ 1): up to 2^n ms, capped, so racing nodes spread out. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(2 ** attempt, 100);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Random bytes drawn 4 KiB at a time: one system call per 512 writes instead of one each. */
const TX_BYTES = 8;
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

/** A fresh, unique blob field: 64 random bits, so no two writes (or nodes) ever share one. */
export function newTx(): string {
  if (offset + TX_BYTES > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  offset += TX_BYTES;
  return pool.toString('hex', offset - TX_BYTES, offset);
}

/**
 * Standalone Redis or Sentinel: every key is on one server, so the whole write (rules, index,
 * bookkeeping, blob, POST merge) is one script, push.lua.
 */
export async function writeStandalone(
  client: Redis | Cluster,
  keys: RedisKeys,
  plan: WritePlan,
): Promise<WriteReply> {
  const reply = await SCRIPTS.push.run(
    client,
    [...keys.indexKeys(), keys.groupFamilies(plan.h), keys.blobs(plan.shard), keys.expiry],
    [
      ...plan.args,
      newTx(),
      plan.replacedEncoded.length,
      ...plan.replacedEncoded,
      plan.records.length,
      ...plan.records,
    ],
  );
  return parseWriteReply('push', reply);
}

/**
 * Redis Cluster: the blob lives in the group's shard, the decision in the index slot, and no
 * script may span both. So: stage.lua writes the blob where nobody looks yet, commit.lua decides
 * and makes the write visible atomically (or records the failure), then the staged blob is
 * settled. A POST's blob is merged from the group's current blob, so commit.lua only accepts it
 * if the group still holds that blob; if another write got there first, stage again.
 */
export async function writeCluster(
  client: Redis | Cluster,
  keys: RedisKeys,
  plan: WritePlan,
): Promise<WriteReply> {
  const { mode, errors } = plan.prepared;
  const setsBlob = errors.length === 0 && (mode === 'replace' || plan.records.length > 0);
  for (let attempt = 0; attempt < MAX_CLUSTER_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    let base = '*';
    let staged = '-';
    if (setsBlob) {
      if (mode === 'merge') base = await currentTx(client, keys, plan.h, plan.nowSeconds);
      const stage = parseStageReply(
        await SCRIPTS.stage.run(
          client,
          [keys.blobs(plan.shard), keys.staged(plan.shard)],
          [
            mode,
            newTx(),
            base,
            plan.replacedEncoded.length,
            ...plan.replacedEncoded,
            plan.records.length,
            ...plan.records,
          ],
        ),
      );
      if (stage.code === ScriptCode.BASE_GONE) continue;
      staged = stage.tx;
    }
    // If the commit's outcome is unknown (timeout), the staged blob is left alone: it may be live.
    const reply = parseWriteReply(
      'commit',
      await SCRIPTS.commit.run(
        client,
        [...keys.indexKeys(), keys.groupFamilies(plan.h), keys.expiry],
        [...plan.args, setsBlob ? 'set' : 'keep', staged, base],
      ),
    );
    await settle(client, keys, plan.shard, staged, reply.code === ScriptCode.APPLIED);
    if (reply.code !== ScriptCode.STALE_BASE) return reply;
  }
  throw new StoreUnavailableError(
    `too many concurrent writes to the group; gave up after ${MAX_CLUSTER_ATTEMPTS} attempts`,
  );
}

/**
 * The blob a POST merges into: the group's, or none ("-") when it has none or is expired at the
 * write's time (commit.lua, judging by the same time, removes it first and then holds none).
 */
async function currentTx(
  client: Redis | Cluster,
  keys: RedisKeys,
  h: string,
  nowSeconds: number,
): Promise<string> {
  const stored = await client.hget(keys.groups, h);
  const meta = stored === null ? undefined : decodeMeta(stored);
  return (meta === undefined || metaExpired(meta, nowSeconds) ? undefined : meta.tx) ?? '-';
}

/**
 * The staged blob is now either live (committed) or garbage (rejected, stale): drop it from the
 * shard's staging list, and delete it if it is garbage. Best effort, like all collection: what is
 * left behind is unreferenced and invisible.
 */
export async function settle(
  client: Redis | Cluster,
  keys: RedisKeys,
  shard: number,
  tx: string,
  live: boolean,
): Promise<void> {
  if (tx === '-') return;
  await Promise.allSettled([
    client.zrem(keys.staged(shard), tx),
    live ? Promise.resolve(0) : client.hdel(keys.blobs(shard), tx),
  ]);
}
