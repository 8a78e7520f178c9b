import type { Cluster, Redis } from 'ioredis';
import { groupId, type MetricGroup, type StoredFamily } from '@pushgate/core';
import { StoreUnavailableError } from './metric-store';
import { decodeBlob, decodeMeta, metaExpired, type GroupMeta } from './redis-codec';
import { shardOf, type RedisKeys } from './redis-keys';

/** Builds a group's two bookkeeping families from its metadata. */
export type BookkeepingFamilies = (meta: GroupMeta) => Record<string, StoredFamily>;

/** A group as the group table names it: its hash and metadata. */
export interface GroupRef {
  h: string;
  meta: GroupMeta;
}

/** Rounds of (group table, blobs) before giving up; each round is a consistent snapshot or nothing. */
const ATTEMPTS = 3;

/**
 * Reads every group as one consistent snapshot: the group table (one HGETALL in the index slot,
 * atomic) fixes which blob each group holds, then one HMGET per shard fetches those blobs.
 * Blobs are immutable and a superseded blob stays readable for the grace period, so the result
 * is exactly the store as of the HGETALL, even on a cluster. A blob already collected (a reader
 * slower than the grace period, or a wipe in between) restarts the round.
 * Groups expired at `nowSeconds` (the reading node's clock) are left out, swept or not, so expiry
 * shows on every node at once.
 */
export async function readGroups(
  client: Redis | Cluster,
  keys: RedisKeys,
  bookkeeping: BookkeepingFamilies,
  nowSeconds: number,
): Promise<MetricGroup[]> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const table = await client.hgetall(keys.groups);
    const refs = Object.entries(table)
      .map(([h, s]) => ({ h, meta: decodeMeta(s) }))
      .filter(({ meta }) => !metaExpired(meta, nowSeconds));
    const blobs = await fetchBlobs(client, keys, refs);
    if (refs.some(({ h, meta }) => meta.tx !== undefined && !blobs.has(h))) continue;
    const groups = refs.map(({ h, meta }) => ({
      id: groupId(meta.labels),
      group: toGroup(meta, blobs.get(h), bookkeeping),
    }));
    groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return groups.map((g) => g.group);
  }
  throw new StoreUnavailableError(
    `Redis store: group blobs kept disappearing during ${ATTEMPTS} reads`,
  );
}

/**
 * The group a metadata record and its blob describe (`blob` undefined: the group holds only its
 * bookkeeping gauges, or must, because its metadata says it has no blob).
 */
export function toGroup(
  meta: GroupMeta,
  blob: string | undefined,
  bookkeeping: BookkeepingFamilies,
): MetricGroup {
  const families =
    meta.tx !== undefined && blob !== undefined
      ? decodeBlob(blob)
      : (Object.create(null) as Record<string, StoredFamily>);
  const group: MetricGroup = {
    labels: meta.labels,
    families: Object.assign(families, bookkeeping(meta)),
  };
  if (meta.expiry !== undefined) group.expiry = { ...meta.expiry };
  return group;
}

/**
 * The blob of every group that has one, by group hash, with one HMGET per shard. A group whose
 * blob is gone (superseded and collected since its metadata was read) is missing from the map.
 */
export async function fetchBlobs(
  client: Redis | Cluster,
  keys: RedisKeys,
  refs: readonly GroupRef[],
): Promise<Map<string, string>> {
  const byShard = new Map<number, { h: string; tx: string }[]>();
  for (const { h, meta } of refs) {
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
      if (value !== null && value !== undefined) blobs.set((list[i] as { h: string }).h, value);
    }
  }
  return blobs;
}
