import type { Cluster, Redis } from 'ioredis';
import { decodeMeta } from './redis-codec';
import { SHARDS, type RedisKeys } from './redis-keys';

/**
 * Deletes blobs staged on a cluster but never settled, because the node writing them died (or
 * lost Redis) between stage.lua and commit.lua, and staged longer than `olderThanMs` ago. Such a
 * blob is garbage unless a group points at it (the commit ran, the settle did not) or it is still
 * within its grace period; both kinds are kept. Not for a request path: it reads the whole group
 * table and every shard's staging list. Returns the number of blobs deleted.
 *
 * The cutoff is compared with the staging time recorded by the shard's master, so it must be far
 * longer than any write takes and than the clock skew between nodes: minutes, not seconds.
 */
export async function collectOrphans(
  client: Redis | Cluster,
  keys: RedisKeys,
  olderThanMs: number,
): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  const live = new Set<string>();
  for (const meta of Object.values(await client.hgetall(keys.groups))) {
    const tx = decodeMeta(meta).tx;
    if (tx) live.add(tx);
  }
  for (const ref of await client.zrange(keys.gc, '0', '-1'))
    live.add(ref.slice(ref.indexOf(':') + 1));

  let deleted = 0;
  for (let shard = 0; shard < SHARDS; shard++) {
    const stale = await client.zrangebyscore(keys.staged(shard), '-inf', String(cutoff));
    if (stale.length === 0) continue;
    const orphans = stale.filter((tx) => !live.has(tx));
    if (orphans.length > 0) deleted += await client.hdel(keys.blobs(shard), ...orphans);
    await client.zrem(keys.staged(shard), ...stale);
  }
  return deleted;
}
