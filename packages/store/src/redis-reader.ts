import type { Cluster, Redis } from 'ioredis';
import { groupId, type MetricGroup, type StoredFamily } from '@pushgate/core';
import { StoreUnavailableError } from './metric-store';
import { decodeBlob, decodeMeta, type GroupMeta } from './redis-codec';
import { shardOf, type RedisKeys } from './redis-keys';

/** Builds a group's two bookkeeping families from its metadata. */
export type BookkeepingFamilies = (meta: GroupMeta) => Record<string, StoredFamily>;

/** Rounds of (group table, blobs) before giving up; each round is a consistent snapshot or nothing. */
const ATTEMPTS = 3;

/**
 * Reads every group as one consistent snapshot: the group table (one HGETALL in the index slot,
 * atomic) fixes which blob each group holds, then one HMGET per shard fetches those blobs.
 * Blobs are immutable and a superseded blob stays readable for the grace period, so the result
 * is exactly the store as of the HGETALL, even on a cluster. A blob already collected (a reader
 * slower than the grace period, or a wipe in between) restarts the round.
 */
export async function readGroups(
  client: Redis | Cluster,
  keys: RedisKeys,
  bookkeeping: BookkeepingFamilies,
): Promise<MetricGroup[]> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const table = await client.hgetall(keys.groups);
    const metas = Object.entries(table).map(([h, s]) => ({ h, meta: decodeMeta(s) }));
    const blobs = await fetchBlobs(client, keys, metas);
    if (!blobs) continue;
    const groups = metas.map(({ h, meta }) => ({
      id: groupId(meta.labels),
      group: {
        labels: meta.labels,
        families: Object.assign(
          meta.tx
            ? decodeBlob(blobs.get(h) as string)
            : (Object.create(null) as Record<string, StoredFamily>),
          bookkeeping(meta),
        ),
      },
    }));
    groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return groups.map((g) => g.group);
  }
  throw new StoreUnavailableError(
    `Redis store: group blobs kept disappearing during ${ATTEMPTS} reads`,
  );
}

/** Blob of every group that has one, by group hash; undefined if any is gone. */
async function fetchBlobs(
  client: Redis | Cluster,
  keys: RedisKeys,
  metas: readonly { h: string; meta: GroupMeta }[],
): Promise<Map<string, string> | undefined> {
  const byShard = new Map<number, { h: string; tx: string }[]>();
  for (const { h, meta } of metas) {
    if (!meta.tx) continue;
    const shard = shardOf(h);
    const list = byShard.get(shard) ?? [];
    list.push({ h, tx: meta.tx });
    byShard.set(shard, list);
  }
  const replies = await Promise.all(
    [...byShard].map(async ([shard, list]) => ({
      list,
      values: await client.hmget(keys.blobs(shard), ...list.map((e) => e.tx)),
    })),
  );
  const blobs = new Map<string, string>();
  for (const { list, values } of replies) {
    for (let i = 0; i < list.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) return undefined;
      blobs.set((list[i] as { h: string }).h, value);
    }
  }
  return blobs;
}
