import type { Cluster, Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys';

/**
 * Deletes blobs the scripts handed back as "<shard>:<tx>" (superseded longer than the grace
 * period, or everything on wipe): one HDEL per shard, sent concurrently.
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
  await Promise.allSettled(
    [...byShard].map(([shard, txs]) => client.hdel(keys.blobs(shard), ...txs)),
  );
}
