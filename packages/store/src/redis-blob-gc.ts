import type { Cluster, Redis } from 'ioredis';
import { isCluster } from './redis-connection';
import type { RedisKeys } from './redis-keys';

/**
 * Deletes blobs the scripts handed back as "<shard>:<tx>" (superseded longer than the grace
 * period, a batch at a time; or everything on wipe): one HDEL per shard. On one Redis they go as
 * one pipeline (one write, one read); on a Redis Cluster the shards live in different slots, so
 * they are sent concurrently and ioredis routes each to its master.
 *
 * Best effort by design: the write that returned them is already applied, so a failure here must
 * not fail it. A blob that is not deleted is unreferenced garbage, never visible to readers.
 */
export async function deleteBlobs(
  client: Redis | Cluster,
  keys: RedisKeys,
  refs: readonly string[],
): Promise<void> {
  if (refs.length === 0) return;
  const byShard = new Map<number, string[]>();
  for (const ref of refs) {
    const colon = ref.indexOf(':');
    const shard = Number(ref.slice(0, colon));
    const txs = byShard.get(shard) ?? [];
    txs.push(ref.slice(colon + 1));
    byShard.set(shard, txs);
  }
  if (!isCluster(client)) {
    const pipeline = client.pipeline();
    for (const [shard, txs] of byShard) pipeline.hdel(keys.blobs(shard), ...txs);
    await pipeline.exec().catch(() => undefined);
    return;
  }
  await Promise.allSettled(
    [...byShard].map(([shard, txs]) => client.hdel(keys.blobs(shard), ...txs)),
  );
}
